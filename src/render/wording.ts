// The one source of wording and numbers for every channel (job summary, issues, SNS, the
// organization summary and digest): plurals, class names and counts, thresholds, the deadline
// (date and days, one convention), age, last use and a key's state after the run. Pure: the
// caller passes how to make an AWS value safe for its channel (Markdown escaping or plain text).
import { addDays, isoDate } from '../domain/dates.js'
import { plural } from '../kit/text/english.js'
import type { ChangeRecord } from '../domain/changes.js'
import type { SlotKey } from '../domain/key-naming.js'
import type { Exemption, Finding, KeyClass, RatedExemption, Thresholds } from '../domain/types.js'

/** Makes one AWS or user value safe for a channel, cut to maxLength characters. */
export type Escape = (value: string, maxLength: number) => string

// Counting lives in the kit, so stages before rendering can word a number too.
export { agree, plural } from '../kit/text/english.js'

/** Class names as every channel says them. */
export const CLASS_NAME: Record<KeyClass, string> = {
  overdue: 'overdue',
  unused: 'unused',
  'due-soon': 'due soon',
  exempt: 'exempt',
  inactive: 'inactive',
  ok: 'ok'
}

/** The same names with the colour mark the Markdown channels show. */
export const CLASS_LABEL: Record<KeyClass, string> = {
  overdue: `🔴 ${CLASS_NAME.overdue}`,
  unused: `🟠 ${CLASS_NAME.unused}`,
  'due-soon': `🟡 ${CLASS_NAME['due-soon']}`,
  exempt: `⚪ ${CLASS_NAME.exempt}`,
  inactive: `⚫ ${CLASS_NAME.inactive}`,
  ok: `🟢 ${CLASS_NAME.ok}`
}

/** The same names as table column headings. */
export const CLASS_HEADING: Record<KeyClass, string> = {
  overdue: '🔴 Overdue',
  unused: '🟠 Unused',
  'due-soon': '🟡 Due soon',
  exempt: '⚪ Exempt',
  inactive: '⚫ Inactive',
  ok: '🟢 OK'
}

/** Most urgent first: the order counts are listed in. */
export const CLASS_ORDER: readonly KeyClass[] = [
  'overdue',
  'unused',
  'due-soon',
  'inactive',
  'exempt',
  'ok'
]

/** "3 overdue, 1 unused, 2 due soon" with the zero classes left out; '' when all are zero. */
export function classCounts(
  counts: Partial<Record<KeyClass, number>>,
  classes: readonly KeyClass[] = CLASS_ORDER
): string {
  return classes
    .filter((c) => (counts[c] ?? 0) > 0)
    .map((c) => `${counts[c]} ${CLASS_NAME[c]}`)
    .join(', ')
}

/** "0 overdue, 1 unused, 2 due soon, 0 inactive, 0 exempt, 5 ok": every class, zeros included. */
export function everyClassCount(
  counts: Record<KeyClass, number>,
  classes: readonly KeyClass[] = CLASS_ORDER
): string {
  return classes.map((c) => `${counts[c]} ${CLASS_NAME[c]}`).join(', ')
}

/** "2 deactivated, 0 deleted, 1 failed": what a run (or every account's run) changed. */
export function changeCountsText(c: {
  deactivated: number
  deleted: number
  failed: number
}): string {
  return `${c.deactivated} deactivated, ${c.deleted} deleted, ${c.failed} failed`
}

/** What a change made of the key: "deactivated" or "deleted". */
export function changedTo(kind: 'deactivate' | 'delete'): string {
  return kind === 'delete' ? 'deleted' : 'deactivated'
}

/**
 * The thresholds in Markdown: "rotate after **90** days · due soon **14** days before · unused
 * after **30** days" (or "unused rule off").
 */
export function thresholdsMarkdown(t: Thresholds): string {
  return (
    `rotate after **${t.maxAgeDays}** days · due soon **${t.warnDays}** days before · ` +
    (t.unusedDays > 0 ? `unused after **${t.unusedDays}** days` : 'unused rule off')
  )
}

/** The thresholds in plain text; the SNS message says nothing of an unused rule that is off. */
export function thresholdsPlain(t: Thresholds): string {
  return (
    `rotate after ${t.maxAgeDays} days, due soon ${t.warnDays} days before` +
    (t.unusedDays > 0 ? `, unused after ${t.unusedDays} days` : '')
  )
}

/** " (prod)" after an account ID, the alias made safe for the channel; '' without one. */
export function aliasSuffix(alias: string | undefined, escape: Escape): string {
  return alias ? ` (${escape(alias, 64)})` : ''
}

/**
 * The deadline is the day the key reaches max-age-days; it is overdue from the day after.
 * `daysToDeadline` counts to that day: 10 means "in 10 days", 0 "today", -3 "3 days past".
 */
export function deadlineDate(f: Pick<Finding, 'createDate'>, maxAgeDays: number): string {
  return isoDate(addDays(f.createDate, maxAgeDays))
}

export function deadlineDays(daysToDeadline: number): string {
  if (daysToDeadline < 0) return `${plural(-daysToDeadline, 'day')} past`
  return daysToDeadline === 0 ? 'today' : `in ${plural(daysToDeadline, 'day')}`
}

/** "2026-12-11 (in 10 days)"; only active keys have a deadline. */
export function deadlineText(
  f: Pick<Finding, 'createDate' | 'daysToDeadline'>,
  maxAgeDays: number
): string {
  return `${deadlineDate(f, maxAgeDays)} (${deadlineDays(f.daysToDeadline)})`
}

/** A table cell: the deadline of an active key, a dash for any other. */
export function deadlineCell(
  f: Pick<Finding, 'status' | 'createDate' | 'daysToDeadline'>,
  maxAgeDays: number
): string {
  return f.status === 'Active' ? deadlineText(f, maxAgeDays) : '—'
}

export function ageText(f: Pick<Finding, 'ageDays'>): string {
  return `${plural(f.ageDays, 'day')} old`
}

/** The "Rotation deadline" cell of the key tables: "2026-12-11 (in 10 days), 80 days old". */
export function deadlineAndAge(
  f: Pick<Finding, 'status' | 'createDate' | 'daysToDeadline' | 'ageDays'>,
  maxAgeDays: number
): string {
  return `${deadlineCell(f, maxAgeDays)}, ${ageText(f)}`
}

/** "12 days" since last use (or creation, when never used); "?" when unknown. */
export function idleText(f: Finding): string {
  return f.idleDays === undefined ? '?' : plural(f.idleDays, 'day')
}

/** Why an unused key is flagged: "not used for 45 days". */
export function unusedText(f: Finding): string {
  return `not used for ${idleText(f)}`
}

export function lastUseText(f: Pick<Finding, 'lastUse'>, escape: Escape): string {
  switch (f.lastUse.kind) {
    case 'used':
      return `${isoDate(f.lastUse.date)} (${escape(f.lastUse.serviceName, 60)}, ${escape(f.lastUse.region, 30)})`
    case 'never':
      return 'never used'
    case 'unknown':
      return f.lastUse.notRead ? 'not read (ok key)' : 'unknown (could not be read)'
  }
}

/** Last use in a sentence: "last used 2026-11-30 (s3, eu-west-1)", "never used". */
export function lastUsePhrase(f: Pick<Finding, 'lastUse'>, escape: Escape): string {
  return `${f.lastUse.kind === 'used' ? 'last used ' : ''}${lastUseText(f, escape)}`
}

/**
 * A key named by slot, as the credential report shows it: "access key 2 of bob, created
 * 2026-09-01" (without the user where a column already says it). The one wording every channel
 * uses for a key whose ID this run did not read (src/domain/key-naming.ts).
 */
export function slotKeyName(
  k: Pick<SlotKey, 'userName' | 'slot' | 'createDate'>,
  escape: Escape,
  withUser = true
): string {
  const of = withUser ? ` of ${escape(k.userName, 64)}` : ''
  return `access key ${k.slot}${of}, created ${isoDate(k.createDate)}`
}

/** Where the ID of a key named by slot is, and which settings would have it read. */
export function slotKeyIdWhere(userName: string, escape: Escape): string {
  return (
    "Its ID was not read: no channel of this run needs it, so the user was not read live. The IAM console lists it under the user's security credentials, " +
    `as does aws iam list-access-keys --user-name ${escape(userName, 64)}; ` +
    'issue-for: due-soon, rotate-on: due-soon, activity-for: flagged, security-hub or ocsf-report name it by ID.'
  )
}

/**
 * A key named by slot as the JSON channels (report file, step outputs) carry it: its fields,
 * then its name and where its ID is, in the same words as the summary and SNS.
 */
export function slotKeyRecord<K extends SlotKey>(k: K): K & { name: string; idWhere: string } {
  const plain: Escape = (value) => value
  return { ...k, name: slotKeyName(k, plain), idWhere: slotKeyIdWhere(k.userName, plain) }
}

/** The line under a table of keys named by slot. */
export const SLOT_KEYS_NOTE =
  'A key named by its slot is as the credential report shows it (the report has no key IDs, and is up to 4 hours old): no channel of this run needs its ID, so its user was not read live. ' +
  "The user's access keys in the IAM console show its ID; issue-for: due-soon, rotate-on: due-soon, activity-for: flagged, security-hub or ocsf-report name it by ID."

/** The key's state once this run is over, so no channel shows a key active that it deactivated. */
export function stateAfterRun(
  f: Pick<Finding, 'status'>,
  change: ChangeRecord | undefined
): string {
  if (!change) return f.status
  const verb = changedTo(change.kind)
  switch (change.result) {
    case 'applied':
      return change.kind === 'delete' ? 'deleted by this run' : 'Inactive: deactivated by this run'
    case 'planned':
      return `${f.status}: would be ${verb} (dry run)`
    case 'failed':
      return `${f.status}: could not be ${verb}`
    case 'skipped':
      return `${f.status}: not ${verb}`
    case 'already-done':
      return change.kind === 'delete' ? 'already deleted' : 'Inactive: already deactivated'
    case 'claimed':
      return `${f.status}: another run is changing it`
    case 'cancelled':
      return `${f.status}: not ${verb} (the job was cancelled)`
  }
}

/** The facts a reader must find in every channel, for one key: what the cross-channel test compares. */
export interface KeyFacts {
  className: string
  deadline: string
  age: string
}

export function keyFacts(f: Finding, maxAgeDays: number): KeyFacts {
  return {
    className: CLASS_NAME[f.class],
    deadline: deadlineText(f, maxAgeDays),
    age: ageText(f)
  }
}

/** Where an exemption comes from: "tag iam-key-sentinel-exempt", "exclude-users ci-*". */
export function exemptionSource(e: Exemption, escape: Escape): string {
  switch (e.kind) {
    case 'tag':
      return `tag ${escape(e.tag, 60)}`
    case 'owners-file':
      return `owners file ${escape(e.path, 100)} (${escape(e.users, 60)})`
    case 'group':
      return `exempt group ${escape(e.group, 60)}`
    case 'excluded-user':
      return `exclude-users ${escape(e.pattern, 60)}`
  }
}

/** Why the key is exempt: the reason and ticket it gives, or the standing rule. */
export function exemptionWhy(e: Exemption, escape: Escape): string {
  if (e.kind === 'excluded-user' || e.kind === 'group') return 'standing rule of the workflow'
  const reason = e.reason ? escape(e.reason, 120) : 'no reason given'
  return e.ticket ? `${reason} (${escape(e.ticket, 40)})` : reason
}

/** "2027-01-31", "no end", or why an end written in the tag could not be read. */
export function exemptionUntil(e: Exemption, escape: Escape): string {
  if (e.kind === 'excluded-user' || e.kind === 'group') return 'no end'
  if (e.until) return e.until
  return e.kind === 'tag' && e.untilUnreadable
    ? `no end: until=${escape(e.untilUnreadable, 40)} is not a YYYY-MM-DD date`
    : 'no end'
}

/** An exemption's status as every channel says it. */
export function exemptionStatusText(e: RatedExemption, maxDays?: number): string {
  const limit = maxDays === undefined ? 'exemption-max-days' : plural(maxDays, 'day')
  switch (e.status) {
    case 'standing':
      return 'standing'
    case 'active':
      return 'active'
    case 'no-end':
      return 'needs an end'
    case 'too-far':
      return `ends more than ${limit} ahead`
    case 'expired':
      return `exemption expired on ${exemptionUntil(e, (v) => v)}`
  }
}

/** One line for a key table or an issue: "tag X: vendor contract; until 2027-01-31; approved by alice". */
export function exemptionText(e: RatedExemption, escape: Escape): string {
  const source = exemptionSource(e, escape)
  if (e.status === 'standing') return source
  const end = exemptionUntil(e, escape)
  const parts = [
    exemptionWhy(e, escape),
    ...(e.status === 'expired' ? [] : [end.startsWith('no end') ? end : `until ${end}`]),
    ...('approvedBy' in e && e.approvedBy ? [`approved by ${escape(e.approvedBy, 60)}`] : []),
    ...(e.status === 'no-end' || e.status === 'too-far' ? [exemptionStatusText(e)] : [])
  ]
  return `${source}: ${parts.join('; ')}`
}
