// Candidate selection: which users of the credential report must be read live. Pure.
//
// A slot is judged with the report's own data, classified a margin ahead of the audit's time:
// - its age comes from its creation time, which does not go stale;
// - its last use can only be older in the report than live (a key used since the report was
//   generated is less idle), so the report never under-states idleness;
// - classes only get worse as time passes (ok → due soon → overdue, idle grows), so judging a
//   day ahead also covers rounding and any lag between the report's data and the live API.
// Two active keys alone do not make a candidate: the summary names a pair the report vouches for
// by slot (src/domain/account-findings.ts), as a ListAccessKeys per such user (three users in ten
// after a rotation) would cost more than everything else the report saves. Hence every key the
// API walk would flag sits in a candidate user's row, except one deactivated, or created and deactivated, after the report was generated (it then counts as
// ok until the next report): a key only becomes safer that way.
import { classifyRaw, idleDays } from '../../domain/classify.js'
import { DAY_MS, wholeDays } from '../../domain/dates.js'
import type { Thresholds } from '../../domain/types.js'
import type { ReportKeySlot, ReportUser } from './parse.js'

/** How far ahead of the audit's time report slots are judged. */
export const STALENESS_MARGIN_MS = DAY_MS

export interface CandidateSelection {
  /** Users in the report, the root user aside. */
  userCount: number
  /** Users with a slot that is, or could be, flagged: read live. */
  candidates: ReportUser[]
  /** Ages (days, at the audit's time) of the keys of every other user: all ok by construction. */
  unlistedOkAgeDays: number[]
  root?: ReportUser
}

/** The slot's class on the report's data at `at`; not ok means its user must be read live. */
function slotClass(slot: ReportKeySlot, at: Date, t: Thresholds) {
  return classifyRaw({ ...slot, status: slot.active ? 'Active' : 'Inactive' }, at, t)
}

/**
 * Whether the user must be read live. A slot due soon a margin ahead is at worst due soon now
 * (classes only get worse with time), so with `dueSoonBySlot` it is named by slot, not read:
 * no channel of the run needs its ID (src/domain/key-naming.ts).
 */
export function isCandidate(
  user: ReportUser,
  at: Date,
  t: Thresholds,
  marginMs = STALENESS_MARGIN_MS,
  dueSoonBySlot = false
): boolean {
  const ahead = new Date(at.getTime() + marginMs)
  const needsRead = (slot: ReportKeySlot): boolean => {
    const c = slotClass(slot, ahead, t)
    return c !== 'ok' && !(dueSoonBySlot && c === 'due-soon')
  }
  return user.unclear.length > 0 || user.keys.some(needsRead)
}

/** Consumes the users one by one, keeping only the candidates and the others' key ages. */
export function selectCandidates(
  users: Iterable<ReportUser>,
  at: Date,
  t: Thresholds,
  marginMs = STALENESS_MARGIN_MS
): CandidateSelection {
  const selection: CandidateSelection = { userCount: 0, candidates: [], unlistedOkAgeDays: [] }
  for (const user of users) {
    if (user.isRoot) {
      selection.root = user
      continue
    }
    selection.userCount++
    if (isCandidate(user, at, t, marginMs)) selection.candidates.push(user)
    else
      for (const slot of user.keys) selection.unlistedOkAgeDays.push(wholeDays(slot.createDate, at))
  }
  return selection
}

/**
 * Whether the report's last use settles the unused rule for this slot: idle for less than
 * unused-days a margin ahead, so live (which can only be more recent) is not unused either.
 */
export function reportSettlesUnused(
  slot: ReportKeySlot,
  at: Date,
  t: Thresholds,
  marginMs = STALENESS_MARGIN_MS
): boolean {
  if (t.unusedDays === 0) return true
  const ahead = new Date(at.getTime() + marginMs)
  const idle = idleDays({ ...slot, status: 'Active' }, ahead)
  return idle !== undefined && idle < t.unusedDays
}
