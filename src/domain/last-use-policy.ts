// Which keys need their last use read. GetAccessKeyLastUsed is one IAM call per key, the largest
// share of a full walk (1.6 keys per user); both scan methods follow this one policy, so they
// agree key by key on what is known.
import { classifyRaw } from './classify.js'
import { wholeDays } from './dates.js'
import type { AccessKey, LastUse, RawKeyClass, Thresholds } from './types.js'

/**
 * Ok keys get their last use read only while the account has at most this many keys that are
 * ok by age: the job summary lists ok keys (with their last use) only up to 50 (OK_LIST_LIMIT).
 */
export const OK_DETAIL_LIMIT = 50

export const NOT_READ: LastUse = { kind: 'unknown', notRead: true }

type KeyFacts = Pick<AccessKey, 'status' | 'createDate'>

/** The class a key has whatever its last use turns out to be, unused rule aside. */
export function classByAge(key: KeyFacts, at: Date, t: Thresholds): RawKeyClass {
  return classifyRaw({ ...key, lastUse: NOT_READ }, at, t)
}

/**
 * Whether last use can change the class, or for an inactive key the class it would have if
 * active (the delete stage acts on that): only when the unused rule is on and the key is not
 * overdue and at least unused-days old (a key cannot be idle for longer than it exists).
 */
export function lastUseDecides(key: KeyFacts, at: Date, t: Thresholds): boolean {
  if (t.unusedDays === 0) return false
  const age = wholeDays(key.createDate, at)
  return age <= t.maxAgeDays && age >= t.unusedDays
}

/**
 * - `class`: the class depends on it: read it live (or take the report's, when that settles it).
 * - `display`: the key is flagged (or the account small): show it, from whatever source is at hand.
 * - `none`: an ok key in an account with many: not worth an IAM call.
 */
export type LastUseNeed = 'class' | 'display' | 'none'

export function lastUseNeed(
  key: KeyFacts,
  at: Date,
  t: Thresholds,
  detailOk: boolean
): LastUseNeed {
  if (lastUseDecides(key, at, t)) return 'class'
  return detailOk || classByAge(key, at, t) !== 'ok' ? 'display' : 'none'
}

/** Keys ok by age and status, which OK_DETAIL_LIMIT is compared against. */
export function isOkByAge(key: KeyFacts, at: Date, t: Thresholds): boolean {
  return classByAge(key, at, t) === 'ok'
}
