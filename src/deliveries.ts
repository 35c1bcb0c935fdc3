// What each notification channel did this run, for the summary and the verdict.
import { escapeMarkdown as esc, table } from './markdown.js'

export interface Delivery {
  channel: 'SNS' | 'GitHub issues'
  ok: boolean
  /** What was delivered, or the error. */
  detail: string
  /** What to change when it failed. */
  hint?: string
}

export function renderDeliveries(deliveries: readonly Delivery[]): string {
  if (deliveries.length === 0) return ''
  const rows = deliveries.map((d) => [
    d.channel,
    d.ok ? '✅ delivered' : '❌ failed',
    esc(d.detail, 500) + (d.hint ? `<br>**What to do:** ${esc(d.hint, 500)}` : '')
  ])
  return ['### Notifications', table(['Channel', 'Result', 'Detail'], rows)].join('\n\n')
}

export function deliveryFailures(deliveries: readonly Delivery[]): string[] {
  return deliveries
    .filter((d) => !d.ok)
    .map((d) => `${d.channel} delivery failed: ${d.detail}${d.hint ? ` ${d.hint}` : ''}`)
}
