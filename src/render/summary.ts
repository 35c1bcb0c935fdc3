// The job summary: a pure renderer from findings to Markdown, kept under GitHub's 1 MiB limit.
// Ordered by what the reader must do: the verdict, the keys needing action (by user, in their
// state after this run), then what the run changed, activity and deliveries, then the rest.
import type { ExemptionInventory, TwoActiveKeys } from '../domain/account-findings.js'
import { isFlagged } from '../domain/classify.js'
import {
  renderExemptionInventory,
  renderSlotKeys,
  renderTwoActiveKeys
} from './account-findings.js'
import type { SlotFinding } from '../domain/key-naming.js'
import { renderDeadlineChart } from './age-chart.js'
import { utf8Bytes } from '../kit/text/fit.js'
import { details } from '../kit/text/markdown.js'
import type { Partition } from './links.js'
import { byUser, renderKeyTable, type RowContext } from './key-table.js'
import type { RemediationReport } from '../domain/report.js'
import type { Finding, ScanError } from '../domain/types.js'
import {
  renderHeader,
  renderRootKeys,
  renderScanErrors,
  renderVerdict,
  type SummaryHead
} from './summary-header.js'
import { plural } from './wording.js'

export interface SummaryInput extends SummaryHead {
  findings: readonly Finding[]
  errors: readonly ScanError[]
  reportPath?: string
  /** Pre-rendered sections (changes, activity, notifications) shown after the keys needing action. */
  sections?: readonly string[]
  /** Ages of ok keys the credential report counted without listing them (no key ID). */
  unlistedOkAgeDays?: readonly number[]
  /** What this run changed, for each key's state after the run. */
  remediation?: RemediationReport
  /** For the IAM console links; without it, no console links. */
  partition?: Partition
  exemptions?: ExemptionInventory
  twoActiveKeys?: readonly TwoActiveKeys[]
  /** Due-soon keys named by slot: the credential report showed them, no channel needed IDs. */
  keysBySlot?: readonly SlotFinding[]
}

/** GitHub rejects step summaries over 1 MiB; leave room for what other steps append. */
export const SUMMARY_LIMIT_BYTES = 1024 * 1024 - 16 * 1024
/** OK keys are listed (collapsed) only up to this many; beyond, they are counted. */
export const OK_LIST_LIMIT = 50
/** A table below the keys needing action is left out when less than this is left of the budget. */
const TABLE_MIN_BYTES = 2048

/** Active, not exempt, and still active after this run: the keys that have a deadline to meet. */
function chartSection(input: SummaryInput, ctx: RowContext): string {
  const days = [
    ...input.findings
      .filter((f) => f.status === 'Active' && f.class !== 'exempt')
      .filter((f) => ctx.changes.get(f.accessKeyId)?.result !== 'applied')
      .map((f) => f.daysToDeadline),
    ...(input.keysBySlot ?? []).filter((f) => f.class !== 'exempt').map((f) => f.daysToDeadline),
    ...(input.unlistedOkAgeDays ?? []).map((age) => input.thresholds.maxAgeDays - age)
  ]
  const chart = renderDeadlineChart(days, input.thresholds)
  return chart === '' ? '' : `### Active keys by rotation deadline\n\n${chart}`
}

function attentionTitle(
  flagged: readonly Finding[],
  open: number,
  bySlot: readonly SlotFinding[]
): string {
  const due = bySlot.filter((f) => f.class === 'due-soon')
  const total = flagged.length + due.length
  if (total === 0) return '### Keys needing action (0)'
  const users = new Set([...flagged, ...due].map((f) => f.userName)).size
  const handled = flagged.length - open
  return (
    `### Keys needing action (${plural(total, 'key')} of ${plural(users, 'user')}` +
    (handled > 0 ? `; this run dealt with ${handled}, ${open} left)` : ')')
  )
}

function okNote(input: SummaryInput, ok: readonly Finding[]): string {
  const unlisted = input.scan?.credentialReport?.unlistedOkKeys ?? 0
  return [
    ok.length > OK_LIST_LIMIT
      ? `${ok.length} keys are ok and not listed here; the JSON report lists them.`
      : '',
    unlisted > 0
      ? `${unlisted} ok keys of users the credential report showed to be fine are counted, not listed (the report has no key IDs).`
      : ''
  ]
    .filter(Boolean)
    .join(' ')
}

export function renderSummary(input: SummaryInput, maxBytes = SUMMARY_LIMIT_BYTES): string {
  const changes = new Map(
    (input.remediation?.changes ?? []).map((c) => [c.accessKeyId, c] as const)
  )
  const ctx: RowContext = {
    thresholds: input.thresholds,
    changes,
    ...(input.partition ? { partition: input.partition } : {})
  }
  const flaggedOnly = input.findings.filter((f) => isFlagged(f.class))
  const flagged = byUser(flaggedOnly, input.findings)
  const shown = new Set(flagged)
  const others = input.findings.filter(
    (f) => (f.class === 'exempt' || f.class === 'inactive') && !shown.has(f)
  )
  const ok = input.findings.filter((f) => f.class === 'ok' && !shown.has(f))
  const open = flaggedOnly.filter((f) => changes.get(f.accessKeyId)?.result !== 'applied').length

  const top = [
    '## IAM Key Sentinel: access key audit',
    renderVerdict(input, open),
    renderHeader(input),
    renderRootKeys(input.scan, input.accountId)
  ]
  const rest = [
    renderSlotKeys(input.keysBySlot ?? [], ctx),
    renderScanErrors(input.errors),
    renderTwoActiveKeys(input.twoActiveKeys ?? [], ctx),
    renderExemptionInventory(input.exemptions),
    ...(input.sections ?? []),
    chartSection(input, ctx)
  ]
  const fixed = [...top, ...rest].filter((part) => part !== '')

  const context = flagged.length - flaggedOnly.length
  // The fixed parts and headings are small; the tables share what is left of the budget.
  let budget = maxBytes - utf8Bytes(fixed.join('\n\n')) - 1024
  const bySlot = input.keysBySlot ?? []
  const keyParts = [attentionTitle(flaggedOnly, open, bySlot)]
  if (flagged.length === 0 && bySlot.some((f) => f.class === 'due-soon'))
    keyParts.push('Every key needing action is due soon and named by slot, below.')
  else if (flagged.length === 0) keyParts.push('No key needs action. 🎉')
  else {
    if (context > 0) {
      keyParts.push(
        `Also listed: ${plural(context, 'other key')} of these users, since rotating one of two keys depends on the other.`
      )
    }
    const flaggedTable = renderKeyTable(flagged, budget, input.reportPath, ctx)
    budget -= utf8Bytes(flaggedTable)
    keyParts.push(flaggedTable)
  }
  const tail: string[] = []
  if (others.length > 0 && budget > TABLE_MIN_BYTES) {
    const othersTable = renderKeyTable(others, budget, input.reportPath, ctx)
    budget -= utf8Bytes(othersTable)
    tail.push(details(`Exempt and inactive keys (${others.length})`, othersTable))
  }
  if (ok.length > 0 && ok.length <= OK_LIST_LIMIT && budget > TABLE_MIN_BYTES) {
    tail.push(details(`OK keys (${ok.length})`, renderKeyTable(ok, budget, input.reportPath, ctx)))
  }
  const note = okNote(input, ok)
  if (note) tail.push(note)
  return (
    [
      ...top.filter((p) => p !== ''),
      keyParts.join('\n\n'),
      ...rest.filter((p) => p !== ''),
      ...tail
    ].join('\n\n') + '\n'
  )
}
