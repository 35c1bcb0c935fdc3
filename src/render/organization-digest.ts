// The one SNS digest of an organization audit: plain text, failed accounts first, then every
// account's counts and the worst keys, cut to SNS's size limit. Reuses the per-account message's
// helpers (plain, asciiSubject, the limit) so both read and behave alike. Pure.
import {
  asciiSubject,
  plain,
  SNS_MESSAGE_LIMIT_BYTES,
  stableContent,
  type SnsAttribute,
  type SnsNotification
} from './sns-message.js'
import type { NotifyOn } from '../domain/settings.js'
import { ageText, CLASS_NAME, classCounts, deadlineText, lastUseText, plural } from './wording.js'
import type { AccountResult, OrganizationResult, RankedKey } from '../classify/organization.js'
import { failureText } from './organization.js'

/** The `account` attribute of the digest, for subscription filter policies. */
export const DIGEST_ACCOUNT = 'organization'
export const DIGEST_EVENT = 'organization-audit'
export const DIGEST_WORST_KEYS = 50

export interface DigestInput {
  result: OrganizationResult
  runUrl: string
  generatedAt: Date
}

const bytes = (text: string): number => Buffer.byteLength(text, 'utf8')

/** findings: an overdue or unused key, a change, or an account without a usable report. */
export function shouldPublishDigest(result: OrganizationResult, notifyOn: NotifyOn): boolean {
  if (notifyOn === 'never') return false
  if (notifyOn === 'always') return true
  const c = result.changes
  return (
    result.totals.overdue + result.totals.unused > 0 ||
    c.deactivated + c.deleted + c.failed > 0 ||
    result.failed.length > 0
  )
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
    `- ${who(a.accountId, a.name)}: ${c.overdue} overdue, ${c.unused} unused, ` +
    `${c['due-soon']} due soon of ${plural(c.total, 'key')}${errors}`
  )
}

function keyLine(r: OrganizationResult, { accountId, accountName, finding: f }: RankedKey): string {
  const account = r.accounts.find((a) => a.accountId === accountId)
  const maxAge = account?.status === 'reported' ? account.report.thresholds.maxAgeDays : 0
  return (
    `- ${who(accountId, accountName)} ${plain(f.userName, 64)} ${plain(f.accessKeyId, 32)}: ` +
    `${CLASS_NAME[f.class]}, deadline ${deadlineText(f, maxAge)}; ${ageText(f)}; ${f.lastUse.kind === 'used' ? 'last used ' : ''}${lastUseText(f, plain)}`
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
    `Keys in the reported accounts: ${t.overdue} overdue, ${t.unused} unused, ${t['due-soon']} due soon, ` +
      `${t.inactive} inactive, ${t.exempt} exempt, ${t.ok} ok (${plural(t.total, 'key')} of ${plural(r.users, 'user')})`
  ]
  if (c.deactivated + c.deleted + c.failed > 0) {
    lines.push(`Changes: ${c.deactivated} deactivated, ${c.deleted} deleted, ${c.failed} failed`)
  }
  return lines.join('\n')
}

/**
 * Adds lines section by section while the message stays within the byte limit; a section that
 * does not fit ends with a note saying how many lines were left out and where to see them.
 */
export function renderDigest(input: DigestInput, limit = SNS_MESSAGE_LIMIT_BYTES): string {
  const { result: r } = input
  const seeRun = `see the run: ${input.runUrl}`
  const all: Section[] = [
    {
      title: `Accounts without a usable report (${r.failed.length}):`,
      lines: r.failed.map(accountLine),
      cut: (left) => `... ${left} more accounts without a report; ${seeRun}`
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
    }
  ]
  const sections = all.filter((s) => s.lines.length > 0)
  const foot = `Each account's audit job has its keys in its job summary and JSON report: ${seeRun}`

  const parts = [header(input)]
  let used = bytes(parts[0] as string) + bytes(`\n\n${foot}`)
  for (const section of sections) {
    const worstCut = bytes(`\n${section.cut(section.lines.length)}`)
    const title = `\n\n${section.title}`
    if (used + bytes(title) + worstCut > limit) break
    const lines = [section.title]
    used += bytes(title)
    let shown = 0
    for (const line of section.lines) {
      const reserve = shown + 1 < section.lines.length ? worstCut : 0
      if (used + bytes(`\n${line}`) + reserve > limit) break
      lines.push(line)
      used += bytes(`\n${line}`)
      shown++
    }
    if (shown < section.lines.length) {
      const cut = section.cut(section.lines.length - shown)
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
  const number = (n: number): SnsAttribute => ({ DataType: 'Number', StringValue: String(n) })
  const subject = renderDigestSubject(r)
  const attributes = {
    account: { DataType: 'String', StringValue: DIGEST_ACCOUNT } as SnsAttribute,
    event: { DataType: 'String', StringValue: DIGEST_EVENT } as SnsAttribute,
    overdue: number(r.totals.overdue),
    changed: number(r.changes.deactivated + r.changes.deleted)
  }
  // Attributes and subject count towards SNS's 256 KiB as well.
  const attributeBytes = Object.entries(attributes).reduce(
    (sum, [name, a]) => sum + bytes(name) + bytes(a.DataType) + bytes(a.StringValue),
    0
  )
  const message = renderDigest(input, SNS_MESSAGE_LIMIT_BYTES - attributeBytes - bytes(subject))
  return { subject, message, attributes }
}
