// The one source of wording and numbers for every channel (job summary, issues, SNS, the
// organization digest): class names, plurals, the deadline (date and days, one convention),
// last use and a key's state after the run. Pure: the caller passes how to make an AWS value
// safe for its channel (Markdown escaping or plain-text flattening).
import { addDays, isoDate } from '../domain/dates.js'
import type { ChangeRecord } from '../domain/changes.js'
import type { Finding, KeyClass } from '../domain/types.js'

/** Makes one AWS or user value safe for a channel, cut to maxLength characters. */
export type Escape = (value: string, maxLength: number) => string

/** "1 day", "2 days", "0 keys". */
export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`
}

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
  classes: readonly KeyClass[] = CLASS_ORDER,
  label: Record<KeyClass, string> = CLASS_NAME
): string {
  return classes
    .filter((c) => (counts[c] ?? 0) > 0)
    .map((c) => `${counts[c]} ${label[c]}`)
    .join(', ')
}

/**
 * The deadline is the day the key reaches max-age-days; it is overdue from the day after.
 * `daysToDeadline` counts to that day: 10 means "in 10 days", 0 "today", -3 "3 days past".
 */
export function deadlineDate(f: Finding, maxAgeDays: number): string {
  return isoDate(addDays(f.createDate, maxAgeDays))
}

export function deadlineDays(daysToDeadline: number): string {
  if (daysToDeadline < 0) return `${plural(-daysToDeadline, 'day')} past`
  return daysToDeadline === 0 ? 'today' : `in ${plural(daysToDeadline, 'day')}`
}

/** "2026-12-11 (in 10 days)"; only active keys have a deadline. */
export function deadlineText(f: Finding, maxAgeDays: number): string {
  return `${deadlineDate(f, maxAgeDays)} (${deadlineDays(f.daysToDeadline)})`
}

export function ageText(f: Finding): string {
  return `${plural(f.ageDays, 'day')} old`
}

/** Why the key is flagged, in one phrase every channel shares. */
export function reasonText(f: Finding, maxAgeDays: number): string {
  switch (f.class) {
    case 'overdue':
      return `${plural(-f.daysToDeadline, 'day')} past the ${maxAgeDays}-day rotation deadline`
    case 'due-soon':
      return `rotation deadline ${deadlineText(f, maxAgeDays)}`
    case 'unused':
      return `not used for ${f.idleDays === undefined ? '?' : plural(f.idleDays, 'day')}`
    default:
      return CLASS_NAME[f.class]
  }
}

export function lastUseText(f: Finding, escape: Escape): string {
  switch (f.lastUse.kind) {
    case 'used':
      return `${isoDate(f.lastUse.date)} (${escape(f.lastUse.serviceName, 60)}, ${escape(f.lastUse.region, 30)})`
    case 'never':
      return 'never used'
    case 'unknown':
      return f.lastUse.notRead ? 'not read (ok key)' : 'unknown (could not be read)'
  }
}

/** The key's state once this run is over, so no channel shows a key active that it deactivated. */
export function stateAfterRun(f: Finding, change: ChangeRecord | undefined): string {
  if (!change) return f.status
  const verb = change.kind === 'delete' ? 'deleted' : 'deactivated'
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
