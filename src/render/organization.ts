// The organization-wide job summary: failed accounts first, the worst keys, the sums, a chart of
// overdue keys per account, every account's counts. Pure, and within GitHub's summary limit.
import { fitItems, utf8Bytes } from '../kit/text/fit.js'
import { details, escapeMarkdown as esc, table, tableRow } from '../kit/text/markdown.js'
import { SUMMARY_LIMIT_BYTES } from './summary.js'
import type { Counts, Thresholds } from '../domain/types.js'
import {
  CLASS_HEADING,
  CLASS_LABEL,
  CLASS_ORDER,
  changeCountsText,
  deadlineAndAge,
  lastUseText,
  plural,
  thresholdsMarkdown
} from './wording.js'
import type { AccountResult, OrganizationResult } from '../classify/organization.js'
import { renderFailedAccounts } from './failed-accounts.js'
import { renderOverdueChart } from './overdue-chart.js'

const WORST_KEYS_LIMIT = 20
/** Worst keys shown open; the rest of the WORST_KEYS_LIMIT fold into <details>. */
const WORST_KEYS_OPEN = 10

export interface AggregateSummaryInput {
  result: OrganizationResult
  generatedAt: Date
  reportsDirectory: string
  reportPath?: string
}

function thresholdsLine(all: readonly Thresholds[]): string {
  if (all.length === 0) return ''
  if (all.length === 1) return `Thresholds: ${thresholdsMarkdown(all[0] as Thresholds)}`
  return `⚠️ The accounts were audited with different thresholds: ${all.map(thresholdsMarkdown).join('; ')}`
}

function header(input: AggregateSummaryInput): string {
  const { result } = input
  const expected = result.accounts.filter((a) => a.expected).length
  const reported = result.accounts.filter((a) => a.status === 'reported').length
  const failed = result.failed.length
  return [
    '## IAM Key Sentinel: organization audit',
    '',
    `${plural(expected, 'account')} expected · ${reported} reported · ` +
      `${failed > 0 ? `❌ **${failed}** without a usable report` : 'none missing'} · ` +
      `${plural(result.totals.total, 'access key')} of ${plural(result.users, 'user')} · ${input.generatedAt.toISOString()}`,
    '',
    thresholdsLine(result.thresholds)
  ]
    .join('\n')
    .trim()
}

function totalsSection(result: OrganizationResult): string {
  const t: Counts = result.totals
  const rows = [
    ...CLASS_ORDER.map((c) => [CLASS_LABEL[c], String(t[c])]),
    ['**total**', `**${t.total}**`]
  ]
  const c = result.changes
  const lines = ['### Keys in the reported accounts', '', table(['Class', 'Keys'], rows)]
  if (c.deactivated + c.deleted + c.failed > 0) {
    lines.push('', `Changes made by the account jobs: ${changeCountsText(c)}.`)
  }
  if (result.scanErrors > 0) {
    lines.push(
      '',
      `⚠️ ${result.scanErrors} scan errors in the reports: those accounts' counts may be incomplete (see their jobs).`
    )
  }
  return lines.join('\n')
}

function resultCell(a: AccountResult): string {
  const unexpected = a.expected ? '' : ' (not in expected-accounts)'
  if (a.status === 'missing') return '❌ no report'
  if (a.status === 'unreadable') return `❌ unreadable report${unexpected}`
  const errors = a.report.errors.length
  return (errors > 0 ? `⚠️ ${errors} scan errors` : '✅ reported') + unexpected
}

const ACCOUNT_HEADER = [
  'Account',
  'Name',
  'Result',
  ...CLASS_ORDER.map((c) => CLASS_HEADING[c]),
  'Keys'
]

function accountRow(a: AccountResult): string[] {
  const count = (k: keyof Counts): string =>
    a.status === 'reported' ? String(a.report.counts[k]) : '—'
  return [
    esc(a.accountId, 12),
    esc(a.name, 60),
    resultCell(a),
    ...CLASS_ORDER.map(count),
    count('total')
  ]
}

/** The accounts table: rows while the byte budget lasts, then how many were left out and where. */
function accountsTable(accounts: readonly AccountResult[], budget: number, where: string): string {
  const head = table(ACCOUNT_HEADER, [])
  const fit = fitItems(accounts, (a) => tableRow(accountRow(a)), {
    budget,
    used: utf8Bytes(head),
    separator: '\n'
  })
  const cut =
    fit.left > 0
      ? `\n\n_${fit.left} more accounts are not shown here to stay under GitHub's summary size limit; ${where}._`
      : ''
  return [head, ...fit.shown].join('\n') + cut
}

/** Each key's deadline counts from its own account's max-age-days. */
function maxAgeOf(result: OrganizationResult, accountId: string): number {
  const a = result.accounts.find((x) => x.accountId === accountId)
  return a?.status === 'reported' ? a.report.thresholds.maxAgeDays : 0
}

function worstKeyRows(result: OrganizationResult): string[][] {
  return result.worstKeys
    .slice(0, WORST_KEYS_LIMIT)
    .map(({ accountId, accountName, finding: f }) => [
      `${esc(accountId, 12)}${accountName ? ` (${esc(accountName, 60)})` : ''}`,
      esc(f.userName, 64),
      esc(f.accessKeyId, 32),
      CLASS_LABEL[f.class],
      deadlineAndAge(f, maxAgeOf(result, accountId)),
      lastUseText(f, esc)
    ])
}

function worstSection(result: OrganizationResult): string {
  const worst = worstKeyRows(result)
  if (worst.length === 0) return ''
  const header = ['Account', 'User', 'Access key', 'Class', 'Rotation deadline', 'Last used']
  const folded = worst.slice(WORST_KEYS_OPEN)
  return [
    `### Worst keys (${worst.length} of ${result.worstKeys.length} overdue, unused or due soon)`,
    '',
    table(header, worst.slice(0, WORST_KEYS_OPEN)),
    ...(folded.length === 0 ? [] : ['', details(`${folded.length} more`, table(header, folded))])
  ].join('\n')
}

function filesSection(result: OrganizationResult, reportsDirectory: string): string {
  const parts: string[] = []
  if (result.unattributed.length > 0) {
    const rows = result.unattributed.map((f) => [esc(f.path, 300), esc(f.reason, 300)])
    parts.push(
      `⚠️ ${result.unattributed.length} report files could not be tied to an account:\n\n${table(['File', 'Problem'], rows.slice(0, 50))}`
    )
  }
  if (result.ignored.length > 0) {
    const rows = result.ignored.slice(0, 50).map((f) => [esc(f.path, 300), esc(f.reason, 300)])
    parts.push(
      details(
        `Files in ${esc(reportsDirectory, 200)} that are not audit reports (${result.ignored.length}, ignored)`,
        table(['File', 'Why'], rows)
      )
    )
  }
  return parts.join('\n\n')
}

function overdueSection(accounts: readonly AccountResult[]): string {
  const chart = renderOverdueChart(accounts)
  return chart === '' ? '' : `### Overdue keys per account\n\n${chart}`
}

export function renderAggregateSummary(
  input: AggregateSummaryInput,
  maxBytes = SUMMARY_LIMIT_BYTES
): string {
  const { result } = input
  const where = input.reportPath
    ? `every account is in the organization report (${esc(input.reportPath, 300)})`
    : 'every account is in the accounts output'
  // What to act on first: accounts without a report, the worst keys; then the counts.
  const before = [header(input), renderFailedAccounts(result.failed), worstSection(result)]
  const after = [
    totalsSection(result),
    overdueSection(result.accounts),
    filesSection(result, input.reportsDirectory)
  ]
  const fixed = [...before, ...after].filter((part) => part !== '')
  // The per-account table takes what the fixed parts leave.
  const budget = maxBytes - utf8Bytes(fixed.join('\n\n')) - 1024
  const accounts = [
    `### Accounts (${result.accounts.length})`,
    '',
    accountsTable(result.accounts, budget, where)
  ].join('\n')
  return [...before, accounts, ...after].filter((part) => part !== '').join('\n\n') + '\n'
}
