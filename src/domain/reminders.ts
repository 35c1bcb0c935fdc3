// The reminder ladder: which rung a key's issue has reached, from its days to the deadline.
// Pure; the comment that marks each rung is written once (src/deliver/issues/reminders.ts).
import type { Finding } from './types.js'

export interface ReminderSettings {
  /** reminder-days: rungs before the deadline, in days, largest first; empty for none. */
  daysBefore: number[]
  /** reminder-every-days: a rung every this many days once overdue; 0 for the overdue day only. */
  everyDays: number
  /** escalate-after-days: rungs from this many days overdue on also mention the owners' teams. */
  escalateAfterDays: number
}

/**
 * A rung: `before` N days to the deadline, or `overdue` / `unused` for N days (day 1 is the day
 * the key became overdue or unused). Its id goes into the comment's hidden marker.
 */
export interface Rung {
  kind: 'before' | 'overdue' | 'unused'
  days: number
  id: string
}

const rung = (kind: Rung['kind'], days: number): Rung => ({ kind, days, id: `${kind}-${days}` })

/** Days past the limit, 1 on the first day; for an unused key, from the day it became unused. */
function daysPast(f: Finding, unusedDays: number): number {
  if (f.class === 'unused') return Math.max(1, (f.idleDays ?? unusedDays) - unusedDays + 1)
  return -f.daysToDeadline
}

/**
 * The latest rung the key has passed, or undefined before the first. Only the latest: a run
 * that missed a rung's day (a weekend) posts the rung it is at, not every rung it skipped.
 */
export function latestRung(
  f: Finding,
  settings: ReminderSettings,
  unusedDays: number
): Rung | undefined {
  if (f.status !== 'Active') return undefined
  const kind = f.class === 'unused' ? 'unused' : 'overdue'
  const past = daysPast(f, unusedDays)
  if (f.class === 'unused' || past >= 1) {
    const every = settings.everyDays
    return rung(kind, every > 0 ? 1 + Math.floor((past - 1) / every) * every : 1)
  }
  const passed = settings.daysBefore.filter((d) => d >= f.daysToDeadline)
  return passed.length === 0 ? undefined : rung('before', Math.min(...passed))
}

/** From escalate-after-days overdue (or unused) on, the teams are mentioned too. */
export function escalates(r: Rung, settings: ReminderSettings): boolean {
  return r.kind !== 'before' && r.days >= settings.escalateAfterDays
}

const REMINDER_MARKER =
  /<!-- iam-key-sentinel reminder key=([A-Z0-9]{16,128}) rung=([a-z]+-\d+) -->/

export function reminderMarker(accessKeyId: string, r: Rung): string {
  return `<!-- iam-key-sentinel reminder key=${accessKeyId} rung=${r.id} -->`
}

/** The rung a comment marks, when it opens with a reminder marker of this key. */
export function markedRung(
  body: string | null | undefined,
  accessKeyId: string
): string | undefined {
  const m = REMINDER_MARKER.exec((body ?? '').split('\n', 1)[0] ?? '')
  return m && m[1] === accessKeyId ? m[2] : undefined
}

/** A comment as the issues API lists it: its author may be missing (a deleted account). */
export interface AuthoredComment {
  id: number
  body?: string | null
  user?: { login: string } | null
}

/**
 * The IDs of the comments that carry this rung's marker and were written by `login` (the
 * identity the action's token acts as), oldest first. A marker in anyone else's comment does not
 * count: a collaborator who pastes one cannot silence a rung. Logins compare case-insensitively,
 * as GitHub's do.
 */
export function ownRungComments(
  comments: readonly AuthoredComment[],
  accessKeyId: string,
  rungId: string,
  login: string
): number[] {
  const me = login.toLowerCase()
  return comments
    .filter((c) => c.user?.login.toLowerCase() === me && markedRung(c.body, accessKeyId) === rungId)
    .map((c) => c.id)
    .sort((a, b) => a - b)
}
