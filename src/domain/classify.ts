// Classification: a pure function of (key, now, thresholds, exemption), tested at every boundary.
import type {
  AccessKey,
  Counts,
  Exemption,
  Finding,
  KeyClass,
  RatedExemption,
  RawKeyClass,
  Thresholds
} from './types.js'

import { wholeDays } from './dates.js'
import type { SlotFinding, SlotKey } from './key-naming.js'
import { DEFAULT_EXEMPTION_MAX_DAYS, exemptionStatus } from './exemptions.js'

/**
 * overdue: active and older than max-age-days (age > max).
 * unused: active and idle for at least unused-days, counting from creation when never used.
 * due-soon: active and overdue within warn-days (ages max-warn+1 .. max).
 * Overdue wins over unused, unused over due-soon: the report shows the most urgent reason.
 */
/** What the rules read of a key: its name plays no part. */
type ClassFacts = Pick<AccessKey, 'status' | 'createDate' | 'lastUse'>

export function classifyRaw(key: ClassFacts, now: Date, t: Thresholds): RawKeyClass {
  if (key.status !== 'Active') return 'inactive'
  const age = wholeDays(key.createDate, now)
  if (age > t.maxAgeDays) return 'overdue'
  const idle = idleDays(key, now)
  if (t.unusedDays > 0 && idle !== undefined && idle >= t.unusedDays) return 'unused'
  if (age > t.maxAgeDays - t.warnDays) return 'due-soon'
  return 'ok'
}

export function idleDays(key: ClassFacts, now: Date): number | undefined {
  switch (key.lastUse.kind) {
    case 'used':
      return wholeDays(key.lastUse.date, now)
    case 'never':
      return wholeDays(key.createDate, now)
    case 'unknown':
      return undefined
  }
}

/**
 * The first exemption that has not expired holds the key back; when every one has expired, the
 * key is classed by the rules alone and carries the one that ended last, to be flagged. An
 * exemption only matters for keys that would otherwise be flagged: ok keys stay ok.
 */
export function classify(
  key: AccessKey,
  now: Date,
  t: Thresholds,
  exemptions: Exemption | readonly Exemption[] = [],
  exemptionMaxDays = DEFAULT_EXEMPTION_MAX_DAYS
): Finding {
  const rawClass = classifyRaw(key, now, t)
  const ageDays = wholeDays(key.createDate, now)
  // Field order is the JSON report's: class after lastUse, the exemption last.
  const finding = {
    userName: key.userName,
    accessKeyId: key.accessKeyId,
    status: key.status,
    createDate: key.createDate,
    lastUse: key.lastUse,
    class: rawClass,
    rawClass,
    ageDays,
    idleDays: idleDays(key, now),
    daysToDeadline: t.maxAgeDays - ageDays
  }
  if (rawClass === 'ok') return finding
  return { ...finding, rawClass, ...exempted(rawClass, exemptions, now, exemptionMaxDays) }
}

/** What the exemptions make of a flagged class: held back by the first unexpired one, or not. */
function exempted(
  rawClass: Exclude<RawKeyClass, 'ok'>,
  exemptions: Exemption | readonly Exemption[],
  now: Date,
  exemptionMaxDays: number
):
  | { class: 'exempt'; exemption: RatedExemption }
  | { class: RawKeyClass; expiredExemption?: RatedExemption } {
  const rated: RatedExemption[] = ('kind' in exemptions ? [exemptions] : exemptions).map((e) => ({
    ...e,
    status: exemptionStatus(e, now, exemptionMaxDays)
  }))
  const holding = rated.find((e) => e.status !== 'expired')
  if (holding) return { class: 'exempt', exemption: holding }
  const expired = rated.reduce<RatedExemption | undefined>(
    (last, e) => (!last || endOf(e) > endOf(last) ? e : last),
    undefined
  )
  return expired ? { class: rawClass, expiredExemption: expired } : { class: rawClass }
}

/**
 * A key named by slot (src/domain/key-naming.ts), classed as `classify` would: a SlotFinding when
 * it is due soon, else undefined (an ok key is counted, not listed).
 */
export function classifySlot(
  key: SlotKey,
  now: Date,
  t: Thresholds,
  exemptions: readonly Exemption[] = [],
  exemptionMaxDays = DEFAULT_EXEMPTION_MAX_DAYS
): SlotFinding | undefined {
  const rawClass = classifyRaw(key, now, t)
  if (rawClass !== 'due-soon') return undefined
  const ageDays = wholeDays(key.createDate, now)
  const rated = exempted(rawClass, exemptions, now, exemptionMaxDays)
  return {
    ...key,
    class: rated.class === 'exempt' ? 'exempt' : 'due-soon',
    rawClass,
    ageDays,
    idleDays: idleDays(key, now),
    daysToDeadline: t.maxAgeDays - ageDays,
    ...('exemption' in rated ? { exemption: rated.exemption } : {}),
    ...('expiredExemption' in rated && rated.expiredExemption
      ? { expiredExemption: rated.expiredExemption }
      : {})
  }
}

const endOf = (e: Exemption): string => ('until' in e ? (e.until ?? '') : '')

export function emptyCounts(): Counts {
  return { total: 0, overdue: 0, 'due-soon': 0, unused: 0, inactive: 0, ok: 0, exempt: 0 }
}

export function countClasses(findings: readonly Finding[]): Counts {
  const counts = emptyCounts()
  counts.total = findings.length
  for (const f of findings) counts[f.class]++
  return counts
}

/** Most urgent first, then oldest first: the order every report lists keys in. */
const URGENCY: Record<KeyClass, number> = {
  overdue: 0,
  unused: 1,
  'due-soon': 2,
  exempt: 3,
  inactive: 4,
  ok: 5
}

export function byUrgency(a: Finding, b: Finding): number {
  return (
    URGENCY[a.class] - URGENCY[b.class] ||
    b.ageDays - a.ageDays ||
    a.userName.localeCompare(b.userName) ||
    a.accessKeyId.localeCompare(b.accessKeyId)
  )
}

/** Every class, in the order the report's counts list them. */
export const KEY_CLASSES: readonly KeyClass[] = [
  'overdue',
  'due-soon',
  'unused',
  'inactive',
  'ok',
  'exempt'
]

/** The classes someone must act on: overdue, unused, due soon. */
export function isFlagged(c: KeyClass): boolean {
  return c === 'overdue' || c === 'unused' || c === 'due-soon'
}
