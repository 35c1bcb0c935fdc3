// Findings of an account beyond each key's class: the exemption inventory (every key an
// exemption holds back, or would have, had it not expired) and the users with two active keys.
import { needsAnEnd } from './exemptions.js'
import type { Finding, LastUse, RatedExemption, RawKeyClass } from './types.js'

/** One key of the exemption inventory. */
interface ExemptionEntry {
  userName: string
  accessKeyId: string
  /** The class the key has without its exemption. */
  hides: RawKeyClass
  exemption: RatedExemption
}

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
  findings: readonly Finding[],
  maxDays: number
): ExemptionInventory {
  const entries = findings
    .flatMap((f): ExemptionEntry[] => {
      const exemption = f.exemption ?? f.expiredExemption
      return exemption
        ? [{ userName: f.userName, accessKeyId: f.accessKeyId, hides: f.rawClass, exemption }]
        : []
    })
    .sort(
      (a, b) =>
        STATUS_ORDER[a.exemption.status] - STATUS_ORDER[b.exemption.status] ||
        a.userName.localeCompare(b.userName) ||
        a.accessKeyId.localeCompare(b.accessKeyId)
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
type ActiveKey = { createDate: Date; ageDays: number; lastUse: LastUse } & (
  { accessKeyId: string; slot?: never } | { slot: 1 | 2; accessKeyId?: never }
)

/** A user with two active keys: a rotation usually left half done. */
export interface TwoActiveKeys {
  userName: string
  /** Oldest first. */
  keys: ActiveKey[]
}

const keyName = (k: ActiveKey): string => k.accessKeyId ?? `slot ${k.slot}`

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
      keys: [...keys].sort((a, b) => b.ageDays - a.ageDays || keyName(a).localeCompare(keyName(b)))
    }))
    .sort(
      (a, b) =>
        (b.keys[0]?.ageDays ?? 0) - (a.keys[0]?.ageDays ?? 0) ||
        a.userName.localeCompare(b.userName)
    )
}
