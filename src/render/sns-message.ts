// The SNS notification: one plain-text message per run, readable in an email client,
// filterable by subscribers, and within SNS's limits whatever AWS returns.
import { isoDate } from '../domain/dates.js'
import { iamKeysUrl, type Partition } from './links.js'
import type { AuditReport } from '../deliver/report.js'
import { ROTATION_STEPS, rotationAdvice } from './rotation-steps.js'
import type { Finding } from '../domain/types.js'
import {
  CLASS_NAME,
  CLASS_ORDER,
  classCounts,
  deadlineText,
  lastUseText,
  plural as count,
  reasonText,
  stateAfterRun
} from './wording.js'

/** SNS accepts at most 256 KiB of message, counted in UTF-8 bytes. */
export const SNS_MESSAGE_LIMIT_BYTES = 256 * 1024
/** SNS subjects: ASCII, no line breaks, under 100 characters. */
export const SNS_SUBJECT_MAX = 99

export type NotificationEvent = 'audit' | 'incident'

export interface SnsAttribute {
  DataType: 'String' | 'Number'
  StringValue: string
}

export interface SnsNotification {
  subject: string
  message: string
  attributes: Record<'account' | 'event' | 'overdue' | 'changed', SnsAttribute>
  /**
   * What the message says without when it was rendered or which run attempt sent it (its time
   * and run link left out): a FIFO topic's deduplication ID derives from it, so a re-run that has
   * the same thing to say is deduplicated, and one with news is not.
   */
  content: string
}

/** The content of a notification rendered again without its time and run link. */
export function stableContent(notification: Omit<SnsNotification, 'content'>): string {
  return [notification.subject, JSON.stringify(notification.attributes), notification.message].join(
    '\n'
  )
}

export interface SnsMessageInput {
  report: AuditReport
  event: NotificationEvent
  runUrl: string
  /** Plain-text CloudTrail summary per key ID, when activity was looked up. */
  activity?: ReadonlyMap<string, string>
  /** For the IAM console link of each key; without it, none. */
  partition?: Partition
}

/** One line of plain text: control characters (forged lines in an email) become spaces. */
export function plain(value: string, maxLength = 300): string {
  // eslint-disable-next-line no-control-regex
  const text = value.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ')
  const chars = Array.from(text)
  return chars.length > maxLength ? `${chars.slice(0, maxLength - 1).join('')}…` : text
}

/** ASCII only (accents folded, the rest dropped), one line, at most SNS_SUBJECT_MAX characters. */
export function asciiSubject(text: string): string {
  const ascii = text
    .normalize('NFKD')
    .replace(/[\s\p{Cc}]+/gu, ' ') // line breaks first, so they become spaces, not nothing
    .replace(/[^\x20-\x7e]/g, '')
    .replace(/ +/g, ' ')
    .trim()
  return ascii.length > SNS_SUBJECT_MAX ? `${ascii.slice(0, SNS_SUBJECT_MAX - 3)}...` : ascii
}

function changeCounts(report: AuditReport): {
  deactivated: number
  deleted: number
  failed: number
} {
  const changes = report.remediation?.changes ?? []
  const applied = changes.filter((c) => c.result === 'applied')
  return {
    deactivated: applied.filter((c) => c.kind === 'deactivate').length,
    deleted: applied.filter((c) => c.kind === 'delete').length,
    failed: changes.filter((c) => c.result === 'failed').length
  }
}

export function renderSubject(report: AuditReport, event: NotificationEvent): string {
  const c = report.counts
  const changed = changeCounts(report)
  const parts = [
    classCounts(c, ['overdue', 'unused', 'due-soon']),
    changed.deactivated && `${changed.deactivated} deactivated`,
    changed.deleted && `${changed.deleted} deleted`,
    changed.failed && `${changed.failed} failed`
  ].filter(Boolean)
  const what = parts.length > 0 ? parts.join(', ') : 'no key needs attention'
  const prefix = event === 'incident' ? 'IAM Key Sentinel incident' : 'IAM Key Sentinel'
  // The account ID is digits; the alias is free text and goes last, so truncation eats it first.
  const alias = report.accountAlias ? ` (${report.accountAlias})` : ''
  return asciiSubject(`${prefix}: ${what} in ${report.accountId}${alias}`)
}

function keyBlock(f: Finding, input: SnsMessageInput): string {
  const { report } = input
  const change = report.remediation?.changes.find((c) => c.accessKeyId === f.accessKeyId)
  const maxAge = report.thresholds.maxAgeDays
  const lines = [
    `User:        ${plain(f.userName, 64)}`,
    `Access key:  ${plain(f.accessKeyId, 32)}`,
    // Overdue and due soon are said by the deadline line below; unused needs its idle days.
    `Class:       ${CLASS_NAME[f.class]}${f.class === 'unused' ? ` (${reasonText(f, maxAge)})` : ''}`,
    ...(f.status === 'Active' ? [`Deadline:    ${deadlineText(f, maxAge)}`] : []),
    `Age:         ${count(f.ageDays, 'day')} (created ${isoDate(f.createDate)})`,
    `Last used:   ${lastUseText(f, plain)}`,
    `After run:   ${stateAfterRun(f, change)}${
      change?.result === 'failed' && change.detail ? `: ${plain(change.detail)}` : ''
    }`
  ]
  const url = input.partition && iamKeysUrl(input.partition, f.userName)
  if (url) lines.push(`Console:     ${url}`)
  const advice = rotationAdvice(
    f,
    report.keys.filter((k) => k.userName === f.userName),
    plain
  )
  if (advice.note && !change) lines.push(`Note:        ${advice.note}`)
  const activity = input.activity?.get(f.accessKeyId)
  if (activity) lines.push('', activity)
  return lines.join('\n')
}

/** Keys worth a block: flagged keys and any key this run changed. */
function keysToDetail(input: SnsMessageInput): Finding[] {
  const changed = new Set(input.report.remediation?.changes.map((c) => c.accessKeyId) ?? [])
  return input.report.keys.filter(
    (k) =>
      k.class === 'overdue' ||
      k.class === 'unused' ||
      k.class === 'due-soon' ||
      changed.has(k.accessKeyId)
  )
}

function header(input: SnsMessageInput): string {
  const { report: r } = input
  const t = r.thresholds
  const c = r.counts
  const changed = changeCounts(r)
  const alias = r.accountAlias ? ` (${plain(r.accountAlias, 64)})` : ''
  return [
    `IAM Key Sentinel ${input.event === 'incident' ? 'incident response' : 'audit'} of AWS account ${r.accountId}${alias}`,
    `Run:        ${input.runUrl}`,
    `Time:       ${r.generatedAt}`,
    `Thresholds: rotate after ${t.maxAgeDays} days, due soon ${t.warnDays} days before` +
      (t.unusedDays > 0 ? `, unused after ${t.unusedDays} days` : ''),
    '',
    `Keys: ${CLASS_ORDER.map((k) => `${c[k]} ${CLASS_NAME[k]}`).join(', ')} ` +
      `(${count(c.total, 'key')} of ${count(r.userCount, 'user')})`,
    `Changes: ${changed.deactivated} deactivated, ${changed.deleted} deleted, ${changed.failed} failed`
  ].join('\n')
}

function footer(): string {
  return [
    'How to rotate an access key of a user with one key (a user with two has a Note above):',
    ...ROTATION_STEPS.map((step, i) => `${i + 1}. ${step}`)
  ].join('\n')
}

const bytes = (text: string): number => Buffer.byteLength(text, 'utf8')

/**
 * Adds key blocks while the message stays within the byte limit; when they do not all fit,
 * the rest are cut with a note pointing to the run.
 */
export function renderMessage(input: SnsMessageInput, limit = SNS_MESSAGE_LIMIT_BYTES): string {
  const head = header(input)
  const foot = footer()
  const blocks = keysToDetail(input).map((f) => keyBlock(f, input))
  const separator = '\n\n'
  const cutNote = (left: number): string =>
    `... ${left} more keys are not listed here to stay within SNS's size limit; see the run: ${input.runUrl}`
  const title = blocks.length > 0 ? 'Keys needing action:' : 'No key needs action.'

  const parts = [head, title]
  let used = bytes(parts.join(separator)) + bytes(separator + foot)
  let shown = 0
  for (const block of blocks) {
    const reserve = shown + 1 < blocks.length ? bytes(separator + cutNote(blocks.length)) : 0
    if (used + bytes(separator + block) + reserve > limit) break
    parts.push(block)
    used += bytes(separator + block)
    shown++
  }
  if (shown < blocks.length) parts.push(cutNote(blocks.length - shown))
  parts.push(foot)
  return parts.join(separator)
}

export function renderSnsNotification(input: SnsMessageInput): SnsNotification {
  const stable = renderNotification({
    ...input,
    runUrl: '',
    report: { ...input.report, generatedAt: '' }
  })
  return { ...renderNotification(input), content: stableContent(stable) }
}

function renderNotification(input: SnsMessageInput): Omit<SnsNotification, 'content'> {
  const changed = changeCounts(input.report)
  const number = (n: number): SnsAttribute => ({ DataType: 'Number', StringValue: String(n) })
  const subject = renderSubject(input.report, input.event)
  const attributes = {
    account: { DataType: 'String', StringValue: input.report.accountId } as SnsAttribute,
    event: { DataType: 'String', StringValue: input.event } as SnsAttribute,
    overdue: number(input.report.counts.overdue),
    changed: number(changed.deactivated + changed.deleted)
  }
  // Attributes count towards the 256 KiB as well: name, type and value of each.
  const attributeBytes = Object.entries(attributes).reduce(
    (sum, [name, a]) => sum + bytes(name) + bytes(a.DataType) + bytes(a.StringValue),
    0
  )
  const message = renderMessage(input, SNS_MESSAGE_LIMIT_BYTES - attributeBytes - bytes(subject))
  return { subject, message, attributes }
}

/** notify-on: findings publishes when a key is overdue or unused, or when keys were changed. */
export function shouldPublish(
  report: AuditReport,
  notifyOn: 'findings' | 'always' | 'never',
  event: NotificationEvent
): boolean {
  if (notifyOn === 'never') return false
  if (notifyOn === 'always' || event === 'incident') return true
  const c = report.counts
  return c.overdue + c.unused > 0 || (report.remediation?.changes.length ?? 0) > 0
}
