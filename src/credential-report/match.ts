// Pairs a user's live keys with the report's slots by creation time: the report has no key IDs,
// and `access_key_N_last_rotated` is the key's CreateDate (both to the second). Pure.
import type { AccessKey } from '../types.js'
import type { ReportKeySlot } from './parse.js'

/** Creation times this close are the same key (both sides are whole seconds). */
export const MATCH_TOLERANCE_MS = 1000

/**
 * For each live key (same order), its slot, or undefined for a key created after the report
 * (or one the report does not show). Each slot is used once; the closest time wins.
 */
export function matchSlots(
  keys: readonly Pick<AccessKey, 'createDate'>[],
  slots: readonly ReportKeySlot[]
): (ReportKeySlot | undefined)[] {
  const free = new Set(slots)
  return keys.map((key) => {
    let best: ReportKeySlot | undefined
    let bestGap = Infinity
    for (const slot of free) {
      const gap = Math.abs(slot.createDate.getTime() - key.createDate.getTime())
      if (gap <= MATCH_TOLERANCE_MS && gap < bestGap) {
        best = slot
        bestGap = gap
      }
    }
    if (best) free.delete(best)
    return best
  })
}
