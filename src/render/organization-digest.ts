// The one SNS digest of an organization audit: plain text, failed accounts first, then every
// account's counts and the worst keys, cut to SNS's size limit. Reuses the per-account message's
// helpers (asciiSubject, the attributes, the limit) so both read and behave alike. Pure.
import { fitItems, utf8Bytes as bytes } from '../kit/text/fit.js'
import { plainText as plain } from '../kit/text/plain.js'
import {
  asciiSubject,
  messageRoom,
  numberAttribute,
  SNS_MESSAGE_LIMIT_BYTES,
  stableContent,
  stringAttribute,
  type SnsNotification
} from './sns-message.js'
import type { NotifyOn } from '../domain/settings.js'
import {
  ageText,
  CLASS_NAME,
  changeCountsText,
  classCounts,
  deadlineText,
  everyClassCount,
  lastUsePhrase,
  plural
} from './wording.js'
import type { AccountResult, OrganizationResult, RankedKey } from '../classify/organization.js'
import { failureText } from './failed-accounts.js'
import { activeRootKeys, changesByKey, twoActiveLine } from './account-findings-plain.js'
import { rootKeysOf } from '../domain/scan-info.js'

/** The `account` attribute of the digest, for subscription filter policies. */
export const DIGEST_ACCOUNT = 'organization'
const DIGEST_EVENT = 'organization-audit'
const DIGEST_WORST_KEYS = 50

export interface DigestInput {
  result: OrganizationResult
  runUrl: string
  generatedAt: Date
}

/** findings: an overdue or unused key, a change, or an account without a usable report. */
export function shouldPublishDigest(result: OrganizationResult, notifyOn: NotifyOn): boolean {
  if (notifyOn === 'never') return false
  if (notifyOn === 'always') return true
  const c = result.changes
  return (
    result.totals.overdue + result.totals.unused > 0 ||
    c.deactivated + c.deleted + c.failed > 0 ||
    result.failed.length > 0 ||
    reportedAccounts(result).some((a) => activeRootKeys(a.report.scan) > 0)
  )
}

type Reported = Extract<AccountResult, { status: 'reported' }>

const reportedAccounts = (r: OrganizationResult): Reported[] =>
  r.accounts.filter((a): a is Reported => a.status === 'reported')

/** An account whose root user has access keys: how many, and how many active, as known. */
function rootLine(a: Reported): string | undefined {
  const root = rootKeysOf(a.report.scan)
  if (!root.present) return undefined
  const what =
    root.keys.length > 0
      ? `${plural(root.keys.length, 'root access key')}, ${root.keys.filter((k) => k.active).length} active`
      : 'root access keys (GetAccountSummary; status not read)'
  return `- ${who(a.accountId, a.name)}: ${what}. Delete them as the root user or with sts:AssumeRoot.`
}

export function renderDigestSubject(result: OrganizationResult): string {
  const t = result.totals
  const what = classCounts(t, ['overdue', 'unused', 'due-soon']) || 'no key needs attention'
  const failed = result.failed.length > 0 ? `, ${result.failed.length} without a report` : ''
  return asciiSubject(
    `IAM Key Sentinel organization: ${what} in ${plural(result.accounts.length, 'account')}${failed}`
  )
}

const who = (id: string, name: string): string => (name ? `${id} (${plain(name, 50)})` : id)

function accountLine(a: AccountResult): string {
  if (a.status !== 'reported') {
    const { problem, todo } = failureText(a)
    return `- ${who(a.accountId, a.name)}: ${plain(problem, 200)}. ${todo}`
  }
  const c = a.report.counts
  const errors = a.report.errors.length > 0 ? `, ${a.report.errors.length} scan errors` : ''
  return (
    `- ${who(a.accountId, a.name)}: ${everyClassCount(c, ['overdue', 'unused', 'due-soon'])} ` +
    `of ${plural(c.total, 'key')}${errors}`
  )
}

function keyLine(r: OrganizationResult, { accountId, accountName, finding: f }: RankedKey): string {
  const account = r.accounts.find((a) => a.accountId === accountId)
  const maxAge = account?.status === 'reported' ? account.report.thresholds.maxAgeDays : 0
  return (
    `- ${who(accountId, accountName)} ${plain(f.userName, 64)} ${plain(f.accessKeyId, 32)}: ` +
    `${CLASS_NAME[f.class]}, deadline ${deadlineText(f, maxAge)}; ${ageText(f)}; ${lastUsePhrase(f, plain)}`
  )
}

interface Section {
  title: string
  lines: string[]
  cut: (left: number) => string
}

function header(input: DigestInput): string {
  const { result: r } = input
  const t = r.totals
  const c = r.changes
  const reported = r.accounts.filter((a) => a.status === 'reported').length
  const lines = [
    `IAM Key Sentinel organization audit: ${plural(r.accounts.length, 'account')}, ${reported} reported, ` +
      `${r.failed.length} without a usable report`,
    `Run:  ${input.runUrl}`,
    `Time: ${input.generatedAt.toISOString()}`,
    '',
    `Keys in the reported accounts: ${everyClassCount(t)} (${plural(t.total, 'key')} of ${plural(r.users, 'user')})`
  ]
  if (c.deactivated + c.deleted + c.failed > 0) lines.push(`Changes: ${changeCountsText(c)}`)
  return lines.join('\n')
}

/**
 * Adds lines section by section while the message stays within the byte limit; a section that
 * does not fit ends with a note saying how many lines were left out and where to see them.
 */
export function renderDigest(input: DigestInput, limit = SNS_MESSAGE_LIMIT_BYTES): string {
  const { result: r } = input
  const seeRun = `see the run: ${input.runUrl}`
  const reported = reportedAccounts(r)
  const rootLines = reported.flatMap((a) => rootLine(a) ?? [])
  const twoActive = reported.flatMap((a) => {
    const changes = changesByKey(a.report.remediation?.changes)
    return (a.report.twoActiveKeys ?? []).map(
      (u) => `- ${who(a.accountId, a.name)} ${twoActiveLine(u, changes)}`
    )
  })
  const all: Section[] = [
    {
      title: `Accounts without a usable report (${r.failed.length}):`,
      lines: r.failed.map(accountLine),
      cut: (left) => `... ${left} more accounts without a report; ${seeRun}`
    },
    {
      title: `Accounts whose root user has access keys (${rootLines.length}):`,
      lines: rootLines,
      cut: (left) => `... ${left} more accounts with root access keys; ${seeRun}`
    },
    {
      title: 'Accounts, most overdue keys first:',
      lines: r.accounts.filter((a) => a.status === 'reported').map(accountLine),
      cut: (left) => `... ${left} more accounts; ${seeRun}`
    },
    {
      title: `Worst keys (${Math.min(r.worstKeys.length, DIGEST_WORST_KEYS)} of ${r.worstKeys.length}):`,
      lines: r.worstKeys.slice(0, DIGEST_WORST_KEYS).map((k) => keyLine(r, k)),
      cut: (left) => `... ${left} more keys; ${seeRun}`
    },
    {
      title: `Users with two active access keys (${twoActive.length}):`,
      lines: twoActive,
      cut: (left) => `... ${left} more users with two active keys; ${seeRun}`
    }
  ]
  const sections = all.filter((s) => s.lines.length > 0)
  const foot = `Each account's audit job has its keys in its job summary and JSON report: ${seeRun}`

  const parts = [header(input)]
  let used = bytes(parts[0] as string) + bytes(`\n\n${foot}`)
  for (const section of sections) {
    // A section starts only when its title and its longest cut line still fit.
    const worstCut = bytes(`\n${section.cut(section.lines.length)}`)
    const title = `\n\n${section.title}`
    if (used + bytes(title) + worstCut > limit) break
    const fit = fitItems(section.lines, (line) => line, {
      budget: limit,
      used: used + bytes(title),
      separator: '\n',
      reserve: worstCut
    })
    const lines = [section.title, ...fit.shown]
    used = fit.used
    if (fit.left > 0) {
      const cut = section.cut(fit.left)
      lines.push(cut)
      used += bytes(`\n${cut}`)
    }
    parts.push(lines.join('\n'))
  }
  parts.push(foot)
  return parts.join('\n\n')
}

export function renderDigestNotification(input: DigestInput): SnsNotification {
  const stable = digestNotification({ ...input, runUrl: '', generatedAt: new Date(0) })
  return { ...digestNotification(input), content: stableContent(stable) }
}

function digestNotification(input: DigestInput): Omit<SnsNotification, 'content'> {
  const { result: r } = input
  const subject = renderDigestSubject(r)
  const attributes = {
    account: stringAttribute(DIGEST_ACCOUNT),
    event: stringAttribute(DIGEST_EVENT),
    overdue: numberAttribute(r.totals.overdue),
    changed: numberAttribute(r.changes.deactivated + r.changes.deleted)
  }
  return { subject, message: renderDigest(input, messageRoom(subject, attributes)), attributes }
}
