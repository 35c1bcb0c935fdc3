// Mermaid bar chart of the active keys by days until (or past) their rotation deadline, with the
// thresholds as the band edges: what the classes mean, drawn. Inactive and exempt keys are left
// out: they have no deadline to meet.
import { horizontalBarChart } from '../kit/text/mermaid.js'
import type { Thresholds } from '../domain/types.js'
import { plural } from './wording.js'

export interface DeadlineBand {
  label: string
  /** Inclusive bounds on days to the deadline (negative: past it). */
  from: number
  to: number
  count: number
}

/** Bands over days-to-deadline: long past (> max-age-days), past, due soon (warn-days), in time. */
export function deadlineBands(daysToDeadline: readonly number[], t: Thresholds): DeadlineBand[] {
  const bands: DeadlineBand[] = [
    {
      label: `over ${plural(t.maxAgeDays, 'day')} past`,
      from: -Infinity,
      to: -t.maxAgeDays - 1,
      count: 0
    },
    { label: `1-${t.maxAgeDays} days past`, from: -t.maxAgeDays, to: -1, count: 0 }
  ]
  if (t.warnDays > 0) {
    bands.push({ label: `due in 0-${t.warnDays - 1} days`, from: 0, to: t.warnDays - 1, count: 0 })
  }
  bands.push({ label: `${t.warnDays}+ days left`, from: t.warnDays, to: Infinity, count: 0 })
  for (const d of daysToDeadline) {
    const band = bands.find((b) => d >= b.from && d <= b.to)
    if (band) band.count++
  }
  return bands
}

/**
 * The chart, or '' when it would say no more than the table: fewer than two bands with keys.
 * The key axis goes to at least 10 so Mermaid's ticks are whole keys.
 */
export function renderDeadlineChart(daysToDeadline: readonly number[], t: Thresholds): string {
  const bands = deadlineBands(daysToDeadline, t)
  if (bands.filter((b) => b.count > 0).length < 2) return ''
  return horizontalBarChart({
    height: 200,
    color: '#0969da',
    labels: bands.map((b) => b.label),
    values: bands.map((b) => b.count),
    axis: 'Keys',
    max: Math.max(10, ...bands.map((b) => b.count))
  })
}
