// The organization-wide job summary: failed accounts first, the sums, a chart of overdue keys per
// account, every account's counts and the worst keys. Pure, and within GitHub's summary limit.
import { escapeMarkdown as esc, table, utf8Bytes } from '../markdown.js'
import { formatDeadline, formatLastUse, SUMMARY_LIMIT_BYTES } from '../summary.js'
import type { Counts, KeyClass, Thresholds } from '../types.js'
import type { AccountResult, FailedAccount, OrganizationResult } from './aggregate.js'
import { CLASS_LABEL } from '../summary.js'

/** Bars in the chart: beyond a few dozen, Mermaid's labels no longer read. */
export const CHART_ACCOUNTS_LIMIT = 30
export const WORST_KEYS_LIMIT = 20

const LABEL = CLASS_LABEL
const CLASSES: KeyClass[] = ['overdue', 'unused', 'due-soon', 'inactive', 'exempt', 'ok']

export interface AggregateSummaryInput {
  result: OrganizationResult
  generatedAt: Date
  reportsDirectory: string
  reportPath?: string
}

function thresholdsLine(all: readonly Thresholds[]): string {
  const one = (t: Thresholds): string =>
    `rotate after **${t.maxAgeDays}** days · due soon **${t.warnDays}** days before · ` +
    (t.unusedDays > 0 ? `unused after **${t.unusedDays}** days` : 'unused rule off')
  if (all.length === 0) return ''
  if (all.length === 1) return `Thresholds: ${one(all[0] as Thresholds)}`
  return `⚠️ The accounts were audited with different thresholds: ${all.map(one).join('; ')}`
}

function header(input: AggregateSummaryInput): string {
  const { result } = input
  const expected = result.accounts.filter((a) => a.expected).length
  const reported = result.accounts.filter((a) => a.status === 'reported').length
  const failed = result.failed.length
  return [
    '## IAM Key Sentinel: organization audit',
    '',
    `**${expected}** accounts expected · **${reported}** reported · ` +
      `${failed > 0 ? `❌ **${failed}** without a usable report` : 'none missing'} · ` +
      `${result.totals.total} access keys of ${result.users} users · ${input.generatedAt.toISOString()}`,
    '',
    thresholdsLine(result.thresholds)
  ]
    .join('\n')
    .trim()
}

export function failureText(a: FailedAccount): { problem: string; todo: string } {
  if (a.status === 'missing') {
    return {
      problem: 'no report',
      todo:
        "The account's audit job failed before writing its report, or did not upload it: see that job's log " +
        '(often the member role is missing in the account, or does not trust the hub role).'
    }
  }
  return {
    problem: `unreadable report (${a.reason})`,
    todo: "Re-run the account's audit job; if it happens again, open the report file named here."
  }
}

/** A whole fleet can fail at once (a broken hub role): list enough to act on, count the rest. */
export const FAILED_ROWS_LIMIT = 200

function failedSection(failed: readonly FailedAccount[]): string {
  if (failed.length === 0) return ''
  const rows = failed.slice(0, FAILED_ROWS_LIMIT).map((a) => {
    const { problem, todo } = failureText(a)
    const where = a.status === 'unreadable' ? `<br>File: ${esc(a.path, 300)}` : ''
    return [esc(a.accountId, 12), esc(a.name, 60), esc(problem, 300) + where, esc(todo, 300)]
  })
  return [
    `### ❌ Accounts without a usable report (${failed.length})`,
    '',
    'Their keys are not in the counts below; the step fails so they are not missed.',
    '',
    table(['Account', 'Name', 'Problem', 'What to do'], rows) +
      (failed.length > rows.length
        ? `\n\n_…and ${failed.length - rows.length} more, all in the failed-accounts output._`
        : '')
  ].join('\n')
}

function totalsSection(result: OrganizationResult): string {
  const t: Counts = result.totals
  const rows = [...CLASSES.map((c) => [LABEL[c], String(t[c])]), ['**total**', `**${t.total}**`]]
  const c = result.changes
  const lines = ['### Keys in the reported accounts', '', table(['Class', 'Keys'], rows)]
  if (c.deactivated + c.deleted + c.failed > 0) {
    lines.push(
      '',
      `Changes made by the account jobs: ${c.deactivated} deactivated, ${c.deleted} deleted, ${c.failed} failed.`
    )
  }
  if (result.scanErrors > 0) {
    lines.push(
      '',
      `⚠️ ${result.scanErrors} scan errors in the reports: those accounts' counts may be incomplete (see their jobs).`
    )
  }
  return lines.join('\n')
}

/** Horizontal bars: account IDs (digits only, nothing to escape in Mermaid) read down the side. */
export function renderOverdueChart(accounts: readonly AccountResult[]): string {
  const withOverdue = accounts
    .filter((a) => a.status === 'reported' && a.report.counts.overdue > 0)
    .map((a) => ({
      id: a.accountId,
      overdue: a.status === 'reported' ? a.report.counts.overdue : 0
    }))
    .sort((a, b) => b.overdue - a.overdue || a.id.localeCompare(b.id))
  if (withOverdue.length === 0) return 'No overdue key in any reported account. 🎉'
  const shown = withOverdue.slice(0, CHART_ACCOUNTS_LIMIT)
  const max = Math.max(1, ...shown.map((a) => a.overdue))
  const more =
    withOverdue.length > shown.length
      ? `\n\n_The ${shown.length} accounts with the most overdue keys of ${withOverdue.length}; the table lists them all._`
      : ''
  return (
    [
      '```mermaid',
      'xychart-beta horizontal',
      '  title "Overdue access keys per account"',
      `  x-axis [${shown.map((a) => `"${a.id}"`).join(', ')}]`,
      `  y-axis "Overdue keys" 0 --> ${max}`,
      `  bar [${shown.map((a) => a.overdue).join(', ')}]`,
      '```'
    ].join('\n') + more
  )
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
  '🔴 Overdue',
  '🟠 Unused',
  '🟡 Due soon',
  '⚫ Inactive',
  '⚪ Exempt',
  '🟢 OK',
  'Keys'
]

function accountRow(a: AccountResult): string[] {
  const count = (k: keyof Counts): string =>
    a.status === 'reported' ? String(a.report.counts[k]) : '—'
  return [
    esc(a.accountId, 12),
    esc(a.name, 60),
    resultCell(a),
    count('overdue'),
    count('unused'),
    count('due-soon'),
    count('inactive'),
    count('exempt'),
    count('ok'),
    count('total')
  ]
}

/** Rows while the byte budget lasts, then how many were left out and where they are. */
function boundedTable(
  headerCells: string[],
  rows: string[][],
  budget: number,
  what: string,
  where: string
): string {
  const lines = [table(headerCells, [])]
  let used = utf8Bytes(lines[0] as string)
  let shown = 0
  for (const row of rows) {
    const line = `\n| ${row.join(' | ')} |`
    if (used + utf8Bytes(line) > budget) break
    lines.push(line)
    used += utf8Bytes(line)
    shown++
  }
  if (shown < rows.length) {
    lines.push(
      `\n\n_${rows.length - shown} more ${what} are not shown here to stay under GitHub's summary size limit; ${where}._`
    )
  }
  return lines.join('')
}

function worstKeyRows(result: OrganizationResult): string[][] {
  return result.worstKeys
    .slice(0, WORST_KEYS_LIMIT)
    .map(({ accountId, finding: f }) => [
      esc(accountId, 12),
      esc(f.userName, 64),
      esc(f.accessKeyId, 32),
      String(f.ageDays),
      formatLastUse(f),
      LABEL[f.class],
      formatDeadline(f)
    ])
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
      `<details><summary>Files in ${esc(reportsDirectory, 200)} that are not audit reports (${result.ignored.length}, ignored)</summary>\n\n${table(['File', 'Why'], rows)}\n\n</details>`
    )
  }
  return parts.join('\n\n')
}

export function renderAggregateSummary(
  input: AggregateSummaryInput,
  maxBytes = SUMMARY_LIMIT_BYTES
): string {
  const { result } = input
  const where = input.reportPath
    ? `every account is in the organization report (${esc(input.reportPath, 300)})`
    : 'every account is in the accounts output'
  const worst = worstKeyRows(result)
  const worstSection =
    worst.length === 0
      ? ''
      : [
          `### Worst keys (${worst.length} of ${result.worstKeys.length} overdue, unused or due soon)`,
          '',
          table(
            ['Account', 'User', 'Access key', 'Age (days)', 'Last used', 'Class', 'Deadline'],
            worst
          )
        ].join('\n')
  const fixed = [
    header(input),
    failedSection(result.failed),
    totalsSection(result),
    `### Overdue keys per account\n\n${renderOverdueChart(result.accounts)}`,
    worstSection,
    filesSection(result, input.reportsDirectory)
  ].filter((part) => part !== '')
  // The per-account table takes what the fixed parts leave; it goes before the worst keys.
  const budget = maxBytes - utf8Bytes(fixed.join('\n\n')) - 1024
  const accountsTable = [
    `### Accounts (${result.accounts.length})`,
    '',
    boundedTable(ACCOUNT_HEADER, result.accounts.map(accountRow), budget, 'accounts', where)
  ].join('\n')
  const at = worstSection ? fixed.indexOf(worstSection) : fixed.length
  fixed.splice(at, 0, accountsTable)
  return fixed.join('\n\n') + '\n'
}
