// The organization-wide job summary: failed accounts first, the sums, a chart of overdue keys per
// account, every account's counts and the worst keys. Pure, and within GitHub's summary limit.
import { escapeMarkdown as esc, table, utf8Bytes } from '../kit/markdown.js'
import { formatDeadline, formatLastUse, SUMMARY_LIMIT_BYTES } from './summary.js'
import type { Counts, KeyClass, Thresholds } from '../domain/types.js'
import { CLASS_LABEL, CLASS_ORDER, plural } from './wording.js'
import type { AccountResult, FailedAccount, OrganizationResult } from '../classify/organization.js'

/** Bars in the chart: beyond a few dozen, Mermaid's labels no longer read. */
export const CHART_ACCOUNTS_LIMIT = 30
export const WORST_KEYS_LIMIT = 20
/** Worst keys shown open; the rest of the WORST_KEYS_LIMIT fold into <details>. */
export const WORST_KEYS_OPEN = 10

const LABEL = CLASS_LABEL
const CLASSES: readonly KeyClass[] = CLASS_ORDER

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
    `${plural(expected, 'account')} expected · ${reported} reported · ` +
      `${failed > 0 ? `❌ **${failed}** without a usable report` : 'none missing'} · ` +
      `${plural(result.totals.total, 'access key')} of ${plural(result.users, 'user')} · ${input.generatedAt.toISOString()}`,
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

/** An account name inside a Mermaid label: letters, digits and a few marks, nothing that ends the string. */
function chartName(name: string): string {
  const safe = name.replace(/[^\p{L}\p{N} ._-]/gu, '').trim()
  return Array.from(safe).slice(0, 24).join('')
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
  // At least 10, so Mermaid's ticks are whole keys.
  const max = Math.max(10, ...shown.map((a) => a.overdue))
  const more =
    withOverdue.length > shown.length
      ? `\n\n_The ${shown.length} accounts with the most overdue keys of ${withOverdue.length}; the table lists them all._`
      : ''
  const label = (a: { id: string; name: string }): string =>
    `"${a.id}${a.name ? ` ${a.name}` : ''}"`
  return (
    [
      '```mermaid',
      '---',
      'config:',
      '  xyChart:',
      '    width: 600',
      `    height: ${Math.min(600, 120 + shown.length * 30)}`,
      '  themeVariables:',
      '    xyChart:',
      '      plotColorPalette: "#cf222e"',
      '---',
      'xychart-beta horizontal',
      `  x-axis [${shown.map(label).join(', ')}]`,
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
      LABEL[f.class],
      `${formatDeadline(f, maxAgeOf(result, accountId))}, ${plural(f.ageDays, 'day')} old`,
      formatLastUse(f)
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
  const worst = worstKeyRows(result)
  const worstHeader = ['Account', 'User', 'Access key', 'Class', 'Rotation deadline', 'Last used']
  const folded = worst.slice(WORST_KEYS_OPEN)
  const worstSection =
    worst.length === 0
      ? ''
      : [
          `### Worst keys (${worst.length} of ${result.worstKeys.length} overdue, unused or due soon)`,
          '',
          table(worstHeader, worst.slice(0, WORST_KEYS_OPEN)),
          ...(folded.length === 0
            ? []
            : [
                '',
                `<details><summary>${folded.length} more</summary>\n\n${table(worstHeader, folded)}\n\n</details>`
              ])
        ].join('\n')
  // What to act on first: accounts without a report, the worst keys; then the counts.
  const before = [header(input), failedSection(result.failed), worstSection]
  const after = [
    totalsSection(result),
    overdueSection(result.accounts),
    filesSection(result, input.reportsDirectory)
  ]
  const fixed = [...before, ...after].filter((part) => part !== '')
  // The per-account table takes what the fixed parts leave.
  const budget = maxBytes - utf8Bytes(fixed.join('\n\n')) - 1024
  const accountsTable = [
    `### Accounts (${result.accounts.length})`,
    '',
    boundedTable(ACCOUNT_HEADER, result.accounts.map(accountRow), budget, 'accounts', where)
  ].join('\n')
  return [...before, accountsTable, ...after].filter((part) => part !== '').join('\n\n') + '\n'
}
