// Mermaid bar chart of the organization audit: overdue keys per account, named by ID and name.
import { horizontalBarChart } from '../kit/text/mermaid.js'
import { firstChars } from '../kit/text/plain.js'
import type { AccountResult } from '../classify/organization.js'

/** Bars in the chart: beyond a few dozen, Mermaid's labels no longer read. */
export const CHART_ACCOUNTS_LIMIT = 30

/** An account name inside a Mermaid label: letters, digits and a few marks, nothing that ends the string. */
function chartName(name: string): string {
  const safe = name.replace(/[^\p{L}\p{N} ._-]/gu, '').trim()
  return firstChars(safe, 24)
}

/**
 * Horizontal bars of overdue keys per account, named by ID and name; '' when fewer than two
 * accounts have overdue keys, where the accounts table says it all.
 */
export function renderOverdueChart(accounts: readonly AccountResult[]): string {
  const withOverdue = accounts
    .flatMap((a) =>
      a.status === 'reported' && a.report.counts.overdue > 0
        ? [{ id: a.accountId, name: chartName(a.name), overdue: a.report.counts.overdue }]
        : []
    )
    .sort((a, b) => b.overdue - a.overdue || a.id.localeCompare(b.id))
  if (withOverdue.length < 2) return ''
  const shown = withOverdue.slice(0, CHART_ACCOUNTS_LIMIT)
  const more =
    withOverdue.length > shown.length
      ? `\n\n_The ${shown.length} accounts with the most overdue keys of ${withOverdue.length}; the table lists them all._`
      : ''
  const chart = horizontalBarChart({
    height: Math.min(600, 120 + shown.length * 30),
    color: '#cf222e',
    labels: shown.map((a) => `${a.id}${a.name ? ` ${a.name}` : ''}`),
    values: shown.map((a) => a.overdue),
    axis: 'Overdue keys',
    // At least 10, so Mermaid's ticks are whole keys.
    max: Math.max(10, ...shown.map((a) => a.overdue))
  })
  return chart + more
}
