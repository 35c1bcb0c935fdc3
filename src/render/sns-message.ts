// The SNS notification: one plain-text message per run, readable in an email client,
// filterable by subscribers, and within SNS's limits whatever AWS returns.
import { isoDate } from '../domain/dates.js'
import { fitItems, utf8Bytes as bytes } from '../kit/text/fit.js'
import { asciiText, numbered, plainText } from '../kit/text/plain.js'
import { iamKeysUrl, type Partition } from './links.js'
import type { AuditReport } from '../domain/report.js'
import { changeTotals } from '../classify/organization.js'
import { ROTATION_STEPS, rotationAdvice } from './rotation-steps.js'
import { renderRotationText } from './rotation.js'
import {
  activeRootKeys,
  changesByKey,
  rootKeysPlain,
  twoActiveKeysPlain
} from './account-findings-plain.js'
import type { Finding } from '../domain/types.js'
import type { SlotFinding } from '../domain/key-naming.js'
import type { UserOwners } from '../domain/owners.js'
import {
  aliasSuffix,
  CLASS_NAME,
  changeCountsText,
  classCounts,
  deadlineText,
  everyClassCount,
  lastUseText,
  plural as count,
  slotKeyIdWhere,
  slotKeyName,
  stateAfterRun,
  thresholdsPlain,
  unusedText
} from './wording.js'

/** SNS accepts at most 256 KiB of message, counted in UTF-8 bytes. */
export const SNS_MESSAGE_LIMIT_BYTES = 256 * 1024
/** SNS subjects: ASCII, no line breaks, under 100 characters. */
export const SNS_SUBJECT_MAX = 99

export type NotificationEvent = 'audit' | 'incident'

export interface SnsAttribute {
  DataType: 'String' | 'Number' | 'String.Array'
  StringValue: string
}

export interface SnsNotification {
  subject: string
  message: string
  attributes: Record<'account' | 'event' | 'overdue' | 'changed', SnsAttribute> & {
    /** The owners file's teams of the keys the message lists, when it names any. */
    team?: SnsAttribute
  }
  /**
   * What the message says without when it was rendered or which run attempt sent it (its time
   * and run link left out): a FIFO topic's deduplication ID derives from it, so a re-run that has
   * the same thing to say is deduplicated, and one with news is not.
   */
  content: string
}

export const stringAttribute = (value: string): SnsAttribute => ({
  DataType: 'String',
  StringValue: value
})

export const numberAttribute = (n: number): SnsAttribute => ({
  DataType: 'Number',
  StringValue: String(n)
})

/**
 * What the message may take of SNS's 256 KiB once the subject and the attributes (name, type
 * and value of each) are counted, which count towards it as well.
 */
export function messageRoom(subject: string, attributes: SnsNotification['attributes']): number {
  const attributeBytes = Object.entries(attributes).reduce(
    (sum, [name, a]) => sum + bytes(name) + bytes(a.DataType) + bytes(a.StringValue),
    0
  )
  return SNS_MESSAGE_LIMIT_BYTES - attributeBytes - bytes(subject)
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
  /** The owners file's owners of each user it covers. */
  owners?: ReadonlyMap<string, UserOwners>
}

/** ASCII only (accents folded, the rest dropped), one line, at most SNS_SUBJECT_MAX characters. */
export function asciiSubject(text: string): string {
  return asciiText(text, SNS_SUBJECT_MAX)
}

export function renderSubject(report: AuditReport, event: NotificationEvent): string {
  const c = report.counts
  const changed = changeTotals(report)
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
    `User:        ${plainText(f.userName, 64)}`,
    `Access key:  ${plainText(f.accessKeyId, 32)}`,
    // Overdue and due soon are said by the deadline line below; unused needs its idle days.
    `Class:       ${CLASS_NAME[f.class]}${f.class === 'unused' ? ` (${unusedText(f)})` : ''}`,
    ...(f.status === 'Active' ? [`Deadline:    ${deadlineText(f, maxAge)}`] : []),
    `Age:         ${count(f.ageDays, 'day')} (created ${isoDate(f.createDate)})`,
    `Last used:   ${lastUseText(f, plainText)}`,
    `After run:   ${stateAfterRun(f, change)}${
      change?.result === 'failed' && change.detail ? `: ${plainText(change.detail, 300)}` : ''
    }`
  ]
  const owners = input.owners?.get(f.userName)
  if (owners) lines.push(`Owners:      ${ownersLine(owners)}`)
  const url = input.partition && iamKeysUrl(input.partition, f.userName)
  if (url) lines.push(`Console:     ${url}`)
  const advice = rotationAdvice(
    f,
    report.keys.filter((k) => k.userName === f.userName),
    plainText
  )
  if (advice.note && !change) lines.push(`Note:        ${advice.note}`)
  const activity = input.activity?.get(f.accessKeyId)
  if (activity) lines.push('', activity)
  return lines.join('\n')
}

/** A due-soon key named by slot: the same facts, its name, and where its ID is. */
function slotKeyBlock(f: SlotFinding, input: SnsMessageInput): string {
  const maxAge = input.report.thresholds.maxAgeDays
  const lines = [
    `User:        ${plainText(f.userName, 64)}`,
    `Access key:  ${slotKeyName(f, plainText, false)} (ID not read)`,
    `Class:       ${CLASS_NAME[f.class]}`,
    `Deadline:    ${deadlineText(f, maxAge)}`,
    `Age:         ${count(f.ageDays, 'day')} (created ${isoDate(f.createDate)})`,
    `Last used:   ${lastUseText(f, plainText)}`,
    `Key ID:      ${slotKeyIdWhere(f.userName, plainText)}`
  ]
  const owners = input.owners?.get(f.userName)
  if (owners) lines.push(`Owners:      ${ownersLine(owners)}`)
  const url = input.partition && iamKeysUrl(input.partition, f.userName)
  if (url) lines.push(`Console:     ${url}`)
  return lines.join('\n')
}

/** From the owners file (reviewed), but still plain text: a mail client renders no mention. */
function ownersLine(o: UserOwners): string {
  return [
    ...o.teams.map((t) => `team ${plainText(t, 100)}`),
    ...o.githubUsers,
    ...o.githubTeams,
    ...o.emails
  ].join(', ')
}

/**
 * `team`: a String.Array of the teams whose keys the message lists. A run's one message covers
 * keys of several teams, and a subscription filter such as {"team": ["payments"]} matches a
 * String.Array when any element matches. Left out when no listed key has a team (SNS refuses
 * empty values).
 */
function teamAttribute(input: SnsMessageInput): { team?: SnsAttribute } {
  const teams = [
    ...new Set(keysToDetail(input).flatMap((k) => input.owners?.get(k.userName)?.teams ?? []))
  ].sort()
  return teams.length > 0
    ? { team: { DataType: 'String.Array', StringValue: JSON.stringify(teams) } }
    : {}
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
  const c = r.counts
  const changed = changeTotals(r)
  return [
    `IAM Key Sentinel ${input.event === 'incident' ? 'incident response' : 'audit'} of AWS account ${r.accountId}${aliasSuffix(r.accountAlias, plainText)}`,
    `Run:        ${input.runUrl}`,
    `Time:       ${r.generatedAt}`,
    `Thresholds: ${thresholdsPlain(r.thresholds)}`,
    '',
    `Keys: ${everyClassCount(c)} (${count(c.total, 'key')} of ${count(r.userCount, 'user')})`,
    `Changes: ${changeCountsText(changed)}`
  ].join('\n')
}

function footer(): string {
  return [
    'How to rotate an access key of a user with one key (a user with two has a Note above):',
    numbered(ROTATION_STEPS)
  ].join('\n')
}

/**
 * Adds key blocks while the message stays within the byte limit; when they do not all fit,
 * the rest are cut with a note pointing to the run.
 */
export function renderMessage(input: SnsMessageInput, limit = SNS_MESSAGE_LIMIT_BYTES): string {
  const head = header(input)
  const foot = footer()
  const keys: (Finding | SlotFinding)[] = [
    ...keysToDetail(input),
    ...(input.report.keysBySlot ?? []).filter((k) => k.class === 'due-soon')
  ]
  const separator = '\n\n'
  const cutNote = (left: number): string =>
    `... ${left} more keys are not listed here to stay within SNS's size limit; see the run: ${input.runUrl}`
  const title = keys.length > 0 ? 'Keys needing action:' : 'No key needs action.'

  const findings = [
    renderRotationText(input.report.rotation),
    rootKeysPlain(input.report.scan),
    twoActiveKeysPlain(input.report.twoActiveKeys, changesByKey(input.report.remediation?.changes))
  ].filter((p): p is string => p !== undefined && p !== '')
  const parts = [head, ...findings, title]
  const fit = fitItems(keys, (f) => ('slot' in f ? slotKeyBlock(f, input) : keyBlock(f, input)), {
    budget: limit,
    used: bytes(parts.join(separator)) + bytes(separator + foot),
    separator,
    reserve: bytes(separator + cutNote(keys.length))
  })
  parts.push(...fit.shown)
  if (fit.left > 0) parts.push(cutNote(fit.left))
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
  const changed = changeTotals(input.report)
  const subject = renderSubject(input.report, input.event)
  const attributes = {
    account: stringAttribute(input.report.accountId),
    event: stringAttribute(input.event),
    overdue: numberAttribute(input.report.counts.overdue),
    changed: numberAttribute(changed.deactivated + changed.deleted),
    ...teamAttribute(input)
  }
  return { subject, message: renderMessage(input, messageRoom(subject, attributes)), attributes }
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
  const rotated = report.rotation?.rotations.some((x) => x.result !== 'skipped') ?? false
  // An active root key fails the step like an overdue key: a finding to publish.
  const root = activeRootKeys(report.scan) > 0
  return (
    c.overdue + c.unused > 0 || (report.remediation?.changes.length ?? 0) > 0 || rotated || root
  )
}
