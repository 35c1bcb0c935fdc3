// The head of the job summary: the verdict, the account and its counts, the thresholds, how the
// keys were read, then the root user's keys and the scan errors. Pure.
import { isoDate } from '../domain/dates.js'
import { alert, escapeMarkdown as esc, table } from '../kit/text/markdown.js'
import { rootKeysOf, type RootAccessKey, type ScanInfo } from '../domain/scan-info.js'
import type { Counts, FailOn, ScanError, Thresholds } from '../domain/types.js'
import {
  agree,
  aliasSuffix,
  CLASS_LABEL,
  CLASS_ORDER,
  plural,
  thresholdsMarkdown
} from './wording.js'

/** Scan errors listed; beyond, they are counted (the JSON report has them all). */
const ERROR_ROWS_LIMIT = 100

export interface SummaryHead {
  accountId: string
  accountAlias?: string
  generatedAt: Date
  thresholds: Thresholds
  userCount: number
  counts: Counts
  scan?: ScanInfo
  /** Why the step fails (empty: it passes); undefined leaves the verdict out. */
  failures?: readonly string[]
  failOn?: FailOn
  runUrl?: string
}

/** One line first: whether the step fails and why, or what is left to do. */
export function renderVerdict(input: SummaryHead, open: number): string {
  const failures = input.failures
  if (failures === undefined) return ''
  if (failures.length === 1) return `**❌ This step fails:** ${esc(failures[0] ?? '', 800)}`
  if (failures.length > 1) {
    return [
      `**❌ This step fails, for ${failures.length} reasons:**`,
      '',
      ...failures.map((f) => `- ${esc(f, 800)}`)
    ].join('\n')
  }
  if (open === 0) return '**✅ No key needs action.**'
  return `**⚠️ ${plural(open, 'key')} ${agree(open, 'needs', 'need')} action below;** the step passes (fail-on: ${input.failOn ?? 'never'}).`
}

function counted(input: SummaryHead): string {
  const c = input.counts
  const classes = CLASS_ORDER.filter((k) => c[k] > 0).map((k) => `${CLASS_LABEL[k]} ${c[k]}`)
  return `${plural(input.userCount, 'user')}, ${plural(c.total, 'access key')}${classes.length > 0 ? `: ${classes.join(' · ')}` : ''}`
}

function scanLines(scan: ScanInfo | undefined): string[] {
  if (!scan) return []
  const lines = ['', `Scan: ${esc(scan.reason, 300)}`]
  const report = scan.credentialReport
  if (report) {
    lines.push(
      '',
      `Credential report of ${report.generatedAt.toISOString()}: ${report.candidateUsers} users read live, ` +
        `${report.unlistedOkKeys} ok keys counted from it.` +
        ((report.dueSoonIdsFor?.length ?? 0) > 0
          ? ` Due-soon keys named by ID for ${(report.dueSoonIdsFor ?? []).map((r) => esc(r, 80)).join(', ')}.`
          : '')
    )
  }
  if (rootKeysOf(scan).present === false) {
    lines.push('', 'Root user access keys: none (GetAccountSummary).')
  }
  if (scan.fallbackReason) {
    lines.push(
      '',
      alert(
        'WARNING',
        `The credential report could not be used, so every user was read live: ${esc(scan.fallbackReason, 400)}`
      )
    )
  }
  return lines
}

/** The account, when it was scanned, the counts, the thresholds and how the keys were read. */
export function renderHeader(input: SummaryHead): string {
  const run = input.runUrl ? ` · [run log](${input.runUrl})` : ''
  return [
    `Account **${esc(input.accountId, 12)}**${aliasSuffix(input.accountAlias, esc)} · scanned ${input.generatedAt.toISOString()}${run}`,
    '',
    counted(input),
    '',
    `Thresholds: ${thresholdsMarkdown(input.thresholds)}`,
    ...scanLines(input.scan)
  ].join('\n')
}

function rootKeyLine(k: RootAccessKey): string {
  const created = k.createDate ? `created ${isoDate(k.createDate)}` : 'creation date unknown'
  const used = k.lastUse.kind === 'used' ? `last used ${isoDate(k.lastUse.date)}` : 'never used'
  return `- 🔴 The root user has an **${k.active ? 'active' : 'inactive'}** access key (slot ${k.slot}, ${created}, ${used}): delete it; the root user should have no access keys.`
}

/** What to do about root keys: a role cannot touch them; the root user or AssumeRoot can. */
function rootKeyAdvice(accountId: string): string {
  return (
    "No IAM role can change the root user's access keys, so this action never touches them. " +
    'Delete them as the root user (sign in, then Security credentials, Access keys), or, in a member ' +
    'account of an organization with centralized root access, from the management account or the IAM ' +
    `delegated administrator: \`aws sts assume-root --target-principal ${esc(accountId, 12)} ` +
    '--task-policy-arn arn=arn:aws:iam::aws:policy/root-task/IAMDeleteRootUserCredentials`, then, ' +
    'with the credentials it returns, `aws iam list-access-keys` and ' +
    '`aws iam delete-access-key --access-key-id KEY_ID`.'
  )
}

export function renderRootKeys(scan: ScanInfo | undefined, accountId: string): string {
  const root = rootKeysOf(scan)
  const lines: string[] = []
  if (root.checkError) {
    lines.push(
      `- ⚠️ ${esc(root.checkError, 300)}. Grant iam:GetAccountSummary to the audit role to check the root user's access keys in every audit` +
        (scan?.rootAccessKeys ? '; the credential report still showed them.' : '.')
    )
  }
  if (root.present) {
    if (root.keys.length > 0) lines.push(...root.keys.map(rootKeyLine))
    else {
      lines.push(
        '- 🔴 The root user has access keys (GetAccountSummary): delete them; the root user should have no access keys. ' +
          'Their number, status and age are in the credential report, which this run did not read (scan-method).'
      )
    }
    lines.push('', rootKeyAdvice(accountId))
  }
  return lines.length === 0 ? '' : ['### Root user access keys', ...lines].join('\n')
}

export function renderScanErrors(errors: readonly ScanError[]): string {
  if (errors.length === 0) return ''
  const rows = errors
    .slice(0, ERROR_ROWS_LIMIT)
    .map((e) => [esc(e.scope, 80), esc(e.operation, 40), esc(e.message, 300)])
  const more =
    errors.length > ERROR_ROWS_LIMIT
      ? `\n\n…and ${errors.length - ERROR_ROWS_LIMIT} more in the JSON report.`
      : ''
  return [
    `### ⚠️ Scan errors (${errors.length})`,
    '',
    'These keys or users could not be read completely; the step fails at the end so they are not missed.',
    '',
    table(['Scope', 'Operation', 'Error'], rows) + more
  ].join('\n')
}
