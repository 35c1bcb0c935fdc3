// What each notification channel did this run, for the summary and the verdict.
import { issueUrl, mdLink } from '../render/links.js'
import { escapeMarkdown as esc, table } from '../kit/text/markdown.js'

export interface Delivery {
  channel: 'SNS' | 'GitHub issues' | 'Dashboard issue' | 'Security Hub'
  ok: boolean
  /** What was delivered, or the error. */
  detail: string
  /** What to change when it failed. */
  hint?: string
  /** A dry run: nothing was sent; `detail` says what would have been (src/deliver/dry-run.ts). */
  dryRun?: boolean
  /** Numbers of the issues this run wrote, linked in the summary. */
  issues?: readonly number[]
}

function issueLinks(d: Delivery, runUrl: string | undefined): string {
  if (!d.issues || d.issues.length === 0) return ''
  const links = d.issues.map((n) => mdLink(`#${n}`, runUrl ? issueUrl(runUrl, n) : undefined))
  return ` (${links.join(', ')})`
}

export function renderDeliveries(deliveries: readonly Delivery[], runUrl?: string): string {
  if (deliveries.length === 0) return ''
  const rows = deliveries.map((d) => [
    d.channel,
    d.dryRun ? '⏸️ dry run: not sent' : d.ok ? '✅ delivered' : '❌ failed',
    esc(d.detail, 500) +
      issueLinks(d, runUrl) +
      (d.hint ? `<br>**What to do:** ${esc(d.hint, 500)}` : '')
  ])
  return ['### Notifications', table(['Channel', 'Result', 'Detail'], rows)].join('\n\n')
}

export function deliveryFailures(deliveries: readonly Delivery[]): string[] {
  return deliveries
    .filter((d) => !d.ok)
    .map((d) => `${d.channel} delivery failed: ${d.detail}${d.hint ? ` ${d.hint}` : ''}`)
}
