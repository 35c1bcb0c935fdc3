// Findings of an account beyond each key's class: the exemption inventory (every key an
// exemption holds back, or would have, had it not expired) and the users with two active keys.
import { needsAnEnd } from './exemptions.js'
import type { SlotFinding } from './key-naming.js'
import type { Finding, LastUse, RatedExemption, RawKeyClass } from './types.js'

/** A key by its ID, or by its slot when only the credential report saw it (key-naming.ts). */
type KeyName = { accessKeyId: string; slot?: never } | { slot: 1 | 2; accessKeyId?: never }

/** One key of the exemption inventory. */
type ExemptionEntry = {
  userName: string
  /** The class the key has without its exemption. */
  hides: RawKeyClass
  exemption: RatedExemption
} & KeyName

/** The key's name for sorting and keys of maps: its ID, or its slot. */
const keyNameText = (k: KeyName): string => k.accessKeyId ?? `slot ${k.slot}`

export interface ExemptionInventory {
  /** exemption-max-days of the run. */
  maxDays: number
  entries: ExemptionEntry[]
}

/** Expired first, then those needing an end, then the rest; by user within each. */
const STATUS_ORDER: Record<RatedExemption['status'], number> = {
  expired: 0,
  'no-end': 1,
  'too-far': 1,
  active: 2,
  standing: 3
}

export function exemptionInventory(
  findings: readonly (Finding | SlotFinding)[],
  maxDays: number
): ExemptionInventory {
  const entries = findings
    .flatMap((f): ExemptionEntry[] => {
      const exemption = f.exemption ?? f.expiredExemption
      if (!exemption) return []
      const { userName, rawClass: hides } = f
      return 'slot' in f
        ? [{ userName, slot: f.slot, hides, exemption }]
        : [{ userName, accessKeyId: f.accessKeyId, hides, exemption }]
    })
    .sort(
      (a, b) =>
        STATUS_ORDER[a.exemption.status] - STATUS_ORDER[b.exemption.status] ||
        a.userName.localeCompare(b.userName) ||
        keyNameText(a).localeCompare(keyNameText(b))
    )
  return { maxDays, entries }
}

/** How many entries have expired, and how many need an end. */
export function inventoryCounts(inventory: ExemptionInventory): {
  expired: number
  needEnd: number
} {
  const statuses = inventory.entries.map((e) => e.exemption.status)
  return {
    expired: statuses.filter((s) => s === 'expired').length,
    needEnd: statuses.filter(needsAnEnd).length
  }
}

/**
 * One of a user's two active keys: by ID when read live, else by slot (`access_key_1` or `_2`) as
 * the credential report shows it, for a user with nothing else to read live (the report has no
 * key IDs).
 */
type ActiveKey = { createDate: Date; ageDays: number; lastUse: LastUse } & KeyName

/** A user with two active keys: a rotation usually left half done. */
export interface TwoActiveKeys {
  userName: string
  /** Oldest first. */
  keys: ActiveKey[]
}

/**
 * Users whose keys (as listed live, or as the report shows them for users not read live) are
 * both active, in the order of their oldest key's age.
 */
export function usersWithTwoActiveKeys(
  findings: readonly Finding[],
  /** Users the credential report shows with two active keys and that were not read live. */
  reported: readonly TwoActiveKeys[] = []
): TwoActiveKeys[] {
  const active = new Map<string, ActiveKey[]>()
  for (const f of findings) {
    if (f.status !== 'Active') continue
    const { accessKeyId, createDate, ageDays, lastUse } = f
    active.set(f.userName, [
      ...(active.get(f.userName) ?? []),
      { accessKeyId, createDate, ageDays, lastUse }
    ])
  }
  for (const pair of reported) {
    // The report speaks only for users not read live; a live read always wins.
    if (!active.has(pair.userName)) active.set(pair.userName, pair.keys)
  }
  return [...active.entries()]
    .filter(([, keys]) => keys.length >= 2)
    .map(([userName, keys]) => ({
      userName,
      keys: [...keys].sort(
        (a, b) => b.ageDays - a.ageDays || keyNameText(a).localeCompare(keyNameText(b))
      )
    }))
    .sort(
      (a, b) =>
        (b.keys[0]?.ageDays ?? 0) - (a.keys[0]?.ageDays ?? 0) ||
        a.userName.localeCompare(b.userName)
    )
}
