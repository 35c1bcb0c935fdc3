// Pairs a user's live keys with the report's slots by creation time: the report has no key IDs,
// and `access_key_N_last_rotated` is the key's CreateDate (both to the second). Pure.
import type { AccessKey } from '../../domain/types.js'
import type { ReportKeySlot } from './parse.js'

const second = (date: Date): number => Math.floor(date.getTime() / 1000)

/**
 * For each live key (same order), its slot, or undefined for a key created after the report, one
 * the report does not show, or one that cannot be told apart: two keys created in the same second
 * could be either slot (AWS lists them in no documented order), so neither is matched and their
 * last use is read live. Slot matching never guesses.
 */
export function matchSlots(
  keys: readonly Pick<AccessKey, 'createDate'>[],
  slots: readonly ReportKeySlot[]
): (ReportKeySlot | undefined)[] {
  const keysIn = new Map<number, number>()
  for (const key of keys)
    keysIn.set(second(key.createDate), (keysIn.get(second(key.createDate)) ?? 0) + 1)
  return keys.map((key) => {
    const at = second(key.createDate)
    const same = slots.filter((slot) => second(slot.createDate) === at)
    return same.length === 1 && keysIn.get(at) === 1 ? same[0] : undefined
  })
}
