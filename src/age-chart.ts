// Mermaid bar chart of key ages, bucketed at the thresholds so the bars read as
// "fresh", "due soon", "overdue" and "long overdue".
import type { Thresholds } from './types.js'

export interface AgeBucket {
  label: string
  /** Inclusive upper bound in days; Infinity for the last bucket. */
  upTo: number
  count: number
}

/** Ages in whole days of every key, listed or only counted. */
export function ageBuckets(ages: readonly number[], t: Thresholds): AgeBucket[] {
  const bounds = [...new Set([t.maxAgeDays - t.warnDays, t.maxAgeDays, t.maxAgeDays * 2])]
    .filter((b) => b >= 0)
    .sort((a, b) => a - b)
  const buckets: AgeBucket[] = []
  let from = 0
  for (const upTo of [...bounds, Infinity]) {
    const label = upTo === Infinity ? `${from}+` : `${from}-${upTo}`
    buckets.push({ label, upTo, count: 0 })
    from = upTo + 1
  }
  for (const age of ages) {
    const bucket = buckets.find((b) => age <= b.upTo)
    if (bucket) bucket.count++
  }
  return buckets
}

export function renderAgeChart(ages: readonly number[], t: Thresholds): string {
  const buckets = ageBuckets(ages, t)
  const max = Math.max(1, ...buckets.map((b) => b.count))
  return [
    '```mermaid',
    'xychart-beta',
    '  title "Access keys by age (days)"',
    `  x-axis [${buckets.map((b) => `"${b.label}"`).join(', ')}]`,
    `  y-axis "Keys" 0 --> ${max}`,
    `  bar [${buckets.map((b) => b.count).join(', ')}]`,
    '```'
  ].join('\n')
}
