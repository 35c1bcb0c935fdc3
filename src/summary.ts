// The job summary: a pure renderer from findings to Markdown, kept under GitHub's 1 MiB limit.
import { renderAgeChart } from './age-chart.js'
import { isoDate } from './dates.js'
import { escapeMarkdown as esc, table, utf8Bytes } from './markdown.js'
import type { RootAccessKey, ScanInfo } from './scan-info.js'
import type { Counts, Exemption, Finding, KeyClass, ScanError, Thresholds } from './types.js'

export interface SummaryInput {
  accountId: string
  accountAlias?: string
  generatedAt: Date
  thresholds: Thresholds
  userCount: number
  findings: readonly Finding[]
  counts: Counts
  errors: readonly ScanError[]
  reportPath?: string
  /** Pre-rendered sections (changes, notifications) shown after the counts. */
  sections?: readonly string[]
  scan?: ScanInfo
  /** Ages of ok keys the credential report counted without listing them (no key ID). */
  unlistedOkAgeDays?: readonly number[]
}

/** GitHub rejects step summaries over 1 MiB; leave room for what other steps append. */
export const SUMMARY_LIMIT_BYTES = 1024 * 1024 - 16 * 1024
/** OK keys are listed (collapsed) only up to this many; beyond, they are counted. */
export const OK_LIST_LIMIT = 50

export const CLASS_LABEL: Record<KeyClass, string> = {
  overdue: '🔴 overdue',
  unused: '🟠 unused',
  'due-soon': '🟡 due soon',
  exempt: '⚪ exempt',
  inactive: '⚫ inactive',
  ok: '🟢 ok'
}

export function formatDeadline(f: Finding): string {
  if (f.status !== 'Active') return '—'
  const d = f.daysToDeadline
  if (d < 0) return `${-d} ${plural(-d, 'day')} past`
  return d === 0 ? 'today' : `in ${d} ${plural(d, 'day')}`
}

export function formatLastUse(f: Finding): string {
  switch (f.lastUse.kind) {
    case 'used':
      return `${isoDate(f.lastUse.date)} (${esc(f.lastUse.serviceName, 60)}, ${esc(f.lastUse.region, 30)})`
    case 'never':
      return 'never'
    case 'unknown':
      return f.lastUse.notRead ? 'not read (ok key)' : 'unknown (see errors)'
  }
}

function plural(n: number, word: string): string {
  return n === 1 ? word : `${word}s`
}

export function exemptionText(e: Exemption): string {
  switch (e.kind) {
    case 'tag':
      return `tag ${esc(e.tag, 60)}=${esc(e.value, 80)}`
    case 'group':
      return `member of exempt group ${esc(e.group, 60)}`
    case 'excluded-user':
      return `exclude-users ${esc(e.pattern, 60)}`
  }
}

function classCell(f: Finding): string {
  if (f.class !== 'exempt' || !f.exemption) return CLASS_LABEL[f.class]
  return `${CLASS_LABEL.exempt} (${CLASS_LABEL[f.rawClass]}; ${exemptionText(f.exemption)})`
}

const KEY_HEADER = ['User', 'Access key', 'Status', 'Age (days)', 'Last used', 'Class', 'Deadline']

function keyRow(f: Finding): string[] {
  return [
    esc(f.userName, 64),
    esc(f.accessKeyId, 32),
    esc(f.status, 10),
    String(f.ageDays),
    formatLastUse(f),
    classCell(f),
    formatDeadline(f)
  ]
}

function header(input: SummaryInput): string {
  const t = input.thresholds
  const alias = input.accountAlias ? ` (${esc(input.accountAlias, 64)})` : ''
  const unused = t.unusedDays > 0 ? `unused after **${t.unusedDays}** days` : 'unused rule off'
  return [
    '## IAM Key Sentinel: access key audit',
    '',
    `Account **${esc(input.accountId, 12)}**${alias} · scanned ${input.generatedAt.toISOString()} · ` +
      `${input.userCount} users, ${input.counts.total} access keys`,
    '',
    `Thresholds: rotate after **${t.maxAgeDays}** days · due soon **${t.warnDays}** days before · ${unused}`,
    ...scanLines(input.scan)
  ].join('\n')
}

function scanLines(scan: ScanInfo | undefined): string[] {
  if (!scan) return []
  const lines = ['', `Scan: ${esc(scan.reason, 300)}`]
  const report = scan.credentialReport
  if (report) {
    lines.push(
      '',
      `Credential report of ${report.generatedAt.toISOString()}: ${report.candidateUsers} users read live, ` +
        `${report.unlistedOkKeys} ok keys counted from it.`
    )
  }
  if (scan.fallbackReason) {
    lines.push(
      '',
      `> [!WARNING]\n> The credential report could not be used, so every user was read live: ${esc(scan.fallbackReason, 400)}`
    )
  }
  return lines
}

function rootKeyLine(k: RootAccessKey): string {
  const created = k.createDate ? `created ${isoDate(k.createDate)}` : 'creation date unknown'
  const used = k.lastUse.kind === 'used' ? `last used ${isoDate(k.lastUse.date)}` : 'never used'
  return `- 🔴 The root user has an **${k.active ? 'active' : 'inactive'}** access key (slot ${k.slot}, ${created}, ${used}): delete it; the root user should have no access keys.`
}

function rootSection(scan: ScanInfo | undefined): string {
  const keys = scan?.rootAccessKeys ?? []
  return keys.length === 0 ? '' : ['### Root user access keys', ...keys.map(rootKeyLine)].join('\n')
}

function countsTable(c: Counts): string {
  const classes: KeyClass[] = ['overdue', 'unused', 'due-soon', 'inactive', 'exempt', 'ok']
  return table(
    ['Class', 'Keys'],
    [...classes.map((k) => [CLASS_LABEL[k], String(c[k])]), ['**total**', `**${c.total}**`]]
  )
}

function errorsSection(errors: readonly ScanError[]): string {
  if (errors.length === 0) return ''
  const rows = errors
    .slice(0, 100)
    .map((e) => [esc(e.scope, 80), esc(e.operation, 40), esc(e.message, 300)])
  const more = errors.length > 100 ? `\n\n…and ${errors.length - 100} more in the JSON report.` : ''
  return [
    `### ⚠️ Scan errors (${errors.length})`,
    '',
    'These keys or users could not be read completely; the step fails at the end so they are not missed.',
    '',
    table(['Scope', 'Operation', 'Error'], rows) + more
  ].join('\n')
}

/**
 * Adds table rows until the byte budget is spent, then says how many were left out,
 * so a huge account still gets a summary GitHub accepts.
 */
function boundedTable(
  findings: readonly Finding[],
  budget: number,
  reportPath: string | undefined
): string {
  const head = table(KEY_HEADER, [])
  let used = utf8Bytes(head)
  const lines: string[] = [head]
  let shown = 0
  for (const f of findings) {
    const line = `\n| ${keyRow(f).join(' | ')} |`
    const size = utf8Bytes(line)
    if (used + size > budget) break
    lines.push(line)
    used += size
    shown++
  }
  if (shown < findings.length) {
    const where = reportPath
      ? ` in the JSON report (${esc(reportPath, 300)})`
      : ' in the JSON report'
    lines.push(
      `\n\n_${findings.length - shown} more keys are not shown here to stay under GitHub's summary size limit; every key is listed${where}._`
    )
  }
  return lines.join('')
}

export function renderSummary(input: SummaryInput, maxBytes = SUMMARY_LIMIT_BYTES): string {
  const flagged = input.findings.filter((f) => f.class !== 'ok')
  const ok = input.findings.filter((f) => f.class === 'ok')
  const fixed = [
    header(input),
    countsTable(input.counts),
    rootSection(input.scan),
    '### Key ages',
    renderAgeChart(
      [...input.findings.map((f) => f.ageDays), ...(input.unlistedOkAgeDays ?? [])],
      input.thresholds
    ),
    ...(input.sections ?? []),
    errorsSection(input.errors)
  ]
    .filter((part) => part !== '')
    .join('\n\n')

  const attentionTitle = `### Keys needing attention (${flagged.length})`
  const unlisted = input.scan?.credentialReport?.unlistedOkKeys ?? 0
  const okNote = [
    ok.length > OK_LIST_LIMIT
      ? `${ok.length} keys are ok and not listed here; the JSON report lists them.`
      : '',
    unlisted > 0
      ? `${unlisted} ok keys of users the credential report showed to be fine are counted, not listed (the report has no key IDs).`
      : ''
  ]
    .filter(Boolean)
    .join(' ')
  // The fixed parts and headings are small; the tables share what is left of the budget.
  let budget = maxBytes - utf8Bytes(fixed) - 1024
  const parts = [fixed, attentionTitle]
  if (flagged.length === 0) parts.push('No key needs attention. 🎉')
  else {
    const flaggedTable = boundedTable(flagged, budget, input.reportPath)
    budget -= utf8Bytes(flaggedTable)
    parts.push(flaggedTable)
  }
  if (ok.length > 0 && ok.length <= OK_LIST_LIMIT && budget > 2048) {
    parts.push(
      `<details><summary>OK keys (${ok.length})</summary>\n\n${boundedTable(ok, budget, input.reportPath)}\n\n</details>`
    )
  }
  if (okNote) parts.push(okNote)
  return parts.join('\n\n') + '\n'
}
