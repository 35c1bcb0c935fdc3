// Mermaid bar chart of the active keys by days until (or past) their rotation deadline, with the
// thresholds as the band edges: what the classes mean, drawn. Inactive and exempt keys are left
// out: they have no deadline to meet.
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
 * The y axis goes to at least 10 so Mermaid's ticks are whole keys.
 */
export function renderDeadlineChart(daysToDeadline: readonly number[], t: Thresholds): string {
  const bands = deadlineBands(daysToDeadline, t)
  if (bands.filter((b) => b.count > 0).length < 2) return ''
  const max = Math.max(10, ...bands.map((b) => b.count))
  return [
    '```mermaid',
    '---',
    'config:',
    '  xyChart:',
    '    width: 600',
    '    height: 200',
    '  themeVariables:',
    '    xyChart:',
    '      plotColorPalette: "#0969da"',
    '---',
    // Horizontal: the key axis runs along the wide side, so ten whole-key ticks stay legible.
    'xychart-beta horizontal',
    `  x-axis [${bands.map((b) => `"${b.label}"`).join(', ')}]`,
    `  y-axis "Keys" 0 --> ${max}`,
    `  bar [${bands.map((b) => b.count).join(', ')}]`,
    '```'
  ].join('\n')
}
