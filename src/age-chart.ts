// Mermaid bar chart of key ages, bucketed at the thresholds so the bars read as
// "fresh", "due soon", "overdue" and "long overdue".
import type { Finding, Thresholds } from './types.js'

export interface AgeBucket {
  label: string
  /** Inclusive upper bound in days; Infinity for the last bucket. */
  upTo: number
  count: number
}

export function ageBuckets(findings: readonly Finding[], t: Thresholds): AgeBucket[] {
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
  for (const f of findings) {
    const bucket = buckets.find((b) => f.ageDays <= b.upTo)
    if (bucket) bucket.count++
  }
  return buckets
}

export function renderAgeChart(findings: readonly Finding[], t: Thresholds): string {
  const buckets = ageBuckets(findings, t)
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
