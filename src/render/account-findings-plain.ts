// The account's findings beside its keys (the root user's access keys, users with two active
// keys) in plain text, for the SNS message and the organization digest. Pure; every value from
// AWS goes through plainText.
import { isoDate } from '../domain/dates.js'
import type { TwoActiveKeys } from '../domain/account-findings.js'
import { rootKeysOf, type RootAccessKey, type ScanInfo } from '../domain/scan-info.js'
import { plainText } from '../kit/text/plain.js'
import type { ChangeRecord } from '../domain/changes.js'
import { lastUsePhrase, plural, stateAfterRun } from './wording.js'

/** This run's change of each key, by key ID: a key the run deactivated is no longer active. */
type Changes = ReadonlyMap<string, ChangeRecord>

/** The key changes of a report, by key ID. */
export function changesByKey(changes: readonly ChangeRecord[] | undefined): Changes {
  return new Map((changes ?? []).map((c) => [c.accessKeyId, c]))
}

/** Users with two active keys listed in a message; the rest are counted. */
const TWO_ACTIVE_LINES = 20

const ROOT_ADVICE =
  "No IAM role can change the root user's access keys: delete them as the root user (Security credentials, Access keys), " +
  'or with sts:AssumeRoot (task policy IAMDeleteRootUserCredentials) from the management account.'

function rootKeyLine(k: RootAccessKey): string {
  const created = k.createDate ? `created ${isoDate(k.createDate)}` : 'creation date unknown'
  return `- slot ${k.slot}: ${k.active ? 'ACTIVE' : 'inactive'}, ${created}, ${lastUsePhrase(k, plainText)}`
}

/** The root user's access keys, when this run saw any or could not check; else undefined. */
export function rootKeysPlain(scan: ScanInfo | undefined): string | undefined {
  const root = rootKeysOf(scan)
  const lines: string[] = []
  if (root.present) {
    lines.push('ROOT USER ACCESS KEYS: the root user should have none.')
    if (root.keys.length > 0) lines.push(...root.keys.map(rootKeyLine))
    else
      lines.push(
        '- present (GetAccountSummary); their number, status and age are in the credential report, which this run did not read.'
      )
    lines.push(ROOT_ADVICE)
  }
  if (root.checkError) {
    lines.push(
      `Root user access keys could not be checked: ${plainText(root.checkError, 300)}. Grant iam:GetAccountSummary to the audit role.`
    )
  }
  return lines.length > 0 ? lines.join('\n') : undefined
}

/** How many active root keys, as the verdict counts them (present but unknown counts as one). */
export function activeRootKeys(scan: ScanInfo | undefined): number {
  const root = rootKeysOf(scan)
  if (!root.present) return 0
  return root.keys.length > 0 ? root.keys.filter((k) => k.active).length : 1
}

/** "alice: AKIA…, 400 days old, last used …; AKIA…, 3 days old, never used". */
export function twoActiveLine(u: TwoActiveKeys, changes: Changes): string {
  const keys = u.keys.map((k) => {
    const name =
      k.accessKeyId === undefined
        ? `access key ${k.slot} (created ${isoDate(k.createDate)})`
        : plainText(k.accessKeyId, 32)
    const change = k.accessKeyId === undefined ? undefined : changes.get(k.accessKeyId)
    const after = change ? ` (after run: ${stateAfterRun({ status: 'Active' }, change)})` : ''
    return `${name}, ${plural(k.ageDays, 'day')} old, ${lastUsePhrase(k, plainText)}${after}`
  })
  return `${plainText(u.userName, 64)}: ${keys.join('; ')}`
}

/** One line per user with two active keys (at most TWO_ACTIVE_LINES). */
function twoActiveKeysLines(
  users: readonly TwoActiveKeys[] | undefined,
  changes: Changes
): string[] {
  const all = users ?? []
  const lines = all.slice(0, TWO_ACTIVE_LINES).map((u) => `- ${twoActiveLine(u, changes)}`)
  if (all.length > TWO_ACTIVE_LINES)
    lines.push(`... ${all.length - TWO_ACTIVE_LINES} more users with two active keys`)
  return lines
}

/** The two-active-keys section of an account's message, or undefined when there is none. */
export function twoActiveKeysPlain(
  users: readonly TwoActiveKeys[] | undefined,
  changes: Changes
): string | undefined {
  const lines = twoActiveKeysLines(users, changes)
  if (lines.length === 0) return undefined
  return [
    `Users with two active access keys (${users?.length ?? 0}): usually a rotation left half done; once everything uses the newer key, deactivate the older one, then delete it.`,
    ...lines
  ].join('\n')
}
