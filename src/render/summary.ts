// The job summary: a pure renderer from findings to Markdown, kept under GitHub's 1 MiB limit.
// Ordered by what the reader must do: the verdict, the keys needing action (by user, in their
// state after this run), then what the run changed, activity and deliveries, then the rest.
import { renderDeadlineChart } from './age-chart.js'
import { isoDate } from '../domain/dates.js'
import { keyLink, userLink, type Partition } from './links.js'
import { escapeMarkdown as esc, table, utf8Bytes } from '../kit/markdown.js'
import type { ChangeRecord } from '../domain/changes.js'
import type { RemediationReport } from '../deliver/report.js'
import type { RootAccessKey, ScanInfo } from '../domain/scan-info.js'
import type { Counts, Exemption, FailOn, Finding, ScanError, Thresholds } from '../domain/types.js'
import {
  CLASS_LABEL,
  CLASS_ORDER,
  deadlineText,
  lastUseText,
  plural,
  reasonText,
  stateAfterRun
} from './wording.js'

export { CLASS_LABEL } from './wording.js'

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
  /** Pre-rendered sections (changes, activity, notifications) shown after the keys needing action. */
  sections?: readonly string[]
  scan?: ScanInfo
  /** Ages of ok keys the credential report counted without listing them (no key ID). */
  unlistedOkAgeDays?: readonly number[]
  /** What this run changed, for each key's state after the run. */
  remediation?: RemediationReport
  /** Why the step fails (empty: it passes); undefined leaves the verdict out. */
  failures?: readonly string[]
  failOn?: FailOn
  runUrl?: string
  /** For the IAM console links; without it, no console links. */
  partition?: Partition
}

/** GitHub rejects step summaries over 1 MiB; leave room for what other steps append. */
export const SUMMARY_LIMIT_BYTES = 1024 * 1024 - 16 * 1024
/** OK keys are listed (collapsed) only up to this many; beyond, they are counted. */
export const OK_LIST_LIMIT = 50

const NEEDS_ACTION = new Set(['overdue', 'unused', 'due-soon'])

export function formatDeadline(f: Finding, maxAgeDays: number): string {
  return f.status === 'Active' ? deadlineText(f, maxAgeDays) : '—'
}

export function formatLastUse(f: Finding): string {
  return lastUseText(f, esc)
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
  if (f.class === 'unused') return `${CLASS_LABEL.unused}: ${reasonText(f, 0)}`
  if (f.class !== 'exempt' || !f.exemption) return CLASS_LABEL[f.class]
  return `${CLASS_LABEL.exempt} (${CLASS_LABEL[f.rawClass]}; ${exemptionText(f.exemption)})`
}

interface RowContext {
  thresholds: Thresholds
  partition?: Partition
  changes: ReadonlyMap<string, ChangeRecord>
}

const KEY_HEADER = [
  'User',
  'Access key',
  'Class',
  'Rotation deadline',
  'Last used',
  'After this run'
]

function userCell(f: Finding, ctx: RowContext): string {
  return userLink(ctx.partition, f.userName, esc(f.userName, 64))
}

function keyCell(f: Finding, ctx: RowContext): string {
  return keyLink(ctx.partition, f.userName, esc(f.accessKeyId, 32))
}

function keyRow(f: Finding, ctx: RowContext): string[] {
  const change = ctx.changes.get(f.accessKeyId)
  const state = stateAfterRun(f, change)
  return [
    userCell(f, ctx),
    keyCell(f, ctx),
    classCell(f),
    `${formatDeadline(f, ctx.thresholds.maxAgeDays)}, ${plural(f.ageDays, 'day')} old`,
    formatLastUse(f),
    change?.result === 'applied' ? `**${state}**` : state
  ]
}

/**
 * Keys of one user together, the users in the order of their most urgent key; each user's other
 * keys follow its flagged ones, since rotating one of two keys depends on the other.
 */
function byUser(flagged: readonly Finding[], all: readonly Finding[]): Finding[] {
  const groups = new Map<string, Finding[]>()
  for (const f of flagged) groups.set(f.userName, [...(groups.get(f.userName) ?? []), f])
  for (const f of all) {
    const group = groups.get(f.userName)
    if (group && !group.includes(f)) group.push(f)
  }
  return [...groups.values()].flat()
}

function counted(input: SummaryInput): string {
  const c = input.counts
  const classes = CLASS_ORDER.filter((k) => c[k] > 0).map((k) => `${CLASS_LABEL[k]} ${c[k]}`)
  return `${plural(input.userCount, 'user')}, ${plural(c.total, 'access key')}${classes.length > 0 ? `: ${classes.join(' · ')}` : ''}`
}

function header(input: SummaryInput): string {
  const t = input.thresholds
  const alias = input.accountAlias ? ` (${esc(input.accountAlias, 64)})` : ''
  const unused = t.unusedDays > 0 ? `unused after **${t.unusedDays}** days` : 'unused rule off'
  const run = input.runUrl ? ` · [run log](${input.runUrl})` : ''
  return [
    `Account **${esc(input.accountId, 12)}**${alias} · scanned ${input.generatedAt.toISOString()}${run}`,
    '',
    counted(input),
    '',
    `Thresholds: rotate after **${t.maxAgeDays}** days · due soon **${t.warnDays}** days before · ${unused}`,
    ...scanLines(input.scan)
  ].join('\n')
}

/** One line first: whether the step fails and why, or what is left to do. */
function verdict(input: SummaryInput, open: number): string {
  const failures = input.failures
  if (failures === undefined) return ''
  if (failures.length === 1) return `**❌ This step fails:** ${esc(failures[0] ?? '', 800)}`
  if (failures.length > 1) {
    return [
      `**❌ This step fails, for ${failures.length} reasons:**`,
      '',
      ...failures.map((f) => `- ${esc(f, 800)}`)
    ].join('\n')
  }
  if (open === 0) return '**✅ No key needs action.**'
  return `**⚠️ ${plural(open, 'key')} ${open === 1 ? 'needs' : 'need'} action below;** the step passes (fail-on: ${input.failOn ?? 'never'}).`
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

/** Active, not exempt, and still active after this run: the keys that have a deadline to meet. */
function chartSection(input: SummaryInput, ctx: RowContext): string {
  const days = [
    ...input.findings
      .filter((f) => f.status === 'Active' && f.class !== 'exempt')
      .filter((f) => ctx.changes.get(f.accessKeyId)?.result !== 'applied')
      .map((f) => f.daysToDeadline),
    ...(input.unlistedOkAgeDays ?? []).map((age) => input.thresholds.maxAgeDays - age)
  ]
  const chart = renderDeadlineChart(days, input.thresholds)
  return chart === '' ? '' : `### Active keys by rotation deadline\n\n${chart}`
}

/**
 * Adds table rows until the byte budget is spent, then says how many were left out,
 * so a huge account still gets a summary GitHub accepts.
 */
function boundedTable(
  findings: readonly Finding[],
  budget: number,
  reportPath: string | undefined,
  ctx: RowContext
): string {
  const head = table(KEY_HEADER, [])
  let used = utf8Bytes(head)
  const lines: string[] = [head]
  let shown = 0
  for (const f of findings) {
    const line = `\n| ${keyRow(f, ctx).join(' | ')} |`
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

const details = (title: string, body: string): string =>
  `<details><summary>${title}</summary>\n\n${body}\n\n</details>`

export function renderSummary(input: SummaryInput, maxBytes = SUMMARY_LIMIT_BYTES): string {
  const changes = new Map(
    (input.remediation?.changes ?? []).map((c) => [c.accessKeyId, c] as const)
  )
  const ctx: RowContext = {
    thresholds: input.thresholds,
    changes,
    ...(input.partition ? { partition: input.partition } : {})
  }
  const flaggedOnly = input.findings.filter((f) => NEEDS_ACTION.has(f.class))
  const flagged = byUser(flaggedOnly, input.findings)
  const shown = new Set(flagged)
  const others = input.findings.filter(
    (f) => (f.class === 'exempt' || f.class === 'inactive') && !shown.has(f)
  )
  const ok = input.findings.filter((f) => f.class === 'ok' && !shown.has(f))
  const open = flaggedOnly.filter((f) => changes.get(f.accessKeyId)?.result !== 'applied').length

  const top = [
    '## IAM Key Sentinel: access key audit',
    verdict(input, open),
    header(input),
    rootSection(input.scan)
  ]
  const rest = [errorsSection(input.errors), ...(input.sections ?? []), chartSection(input, ctx)]
  const fixed = [...top, ...rest].filter((part) => part !== '')

  const users = new Set(flaggedOnly.map((f) => f.userName)).size
  const context = flagged.length - flaggedOnly.length
  const handled = flaggedOnly.length - open
  const attentionTitle =
    flaggedOnly.length === 0
      ? '### Keys needing action (0)'
      : `### Keys needing action (${plural(flaggedOnly.length, 'key')} of ${plural(users, 'user')}` +
        (handled > 0 ? `; this run dealt with ${handled}, ${open} left)` : ')')
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
  let budget = maxBytes - utf8Bytes(fixed.join('\n\n')) - 1024
  const keyParts = [attentionTitle]
  if (flagged.length === 0) keyParts.push('No key needs action. 🎉')
  else {
    if (context > 0) {
      keyParts.push(
        `Also listed: ${plural(context, 'other key')} of these users, since rotating one of two keys depends on the other.`
      )
    }
    const flaggedTable = boundedTable(flagged, budget, input.reportPath, ctx)
    budget -= utf8Bytes(flaggedTable)
    keyParts.push(flaggedTable)
  }
  const tail: string[] = []
  if (others.length > 0 && budget > 2048) {
    const othersTable = boundedTable(others, budget, input.reportPath, ctx)
    budget -= utf8Bytes(othersTable)
    tail.push(details(`Exempt and inactive keys (${others.length})`, othersTable))
  }
  if (ok.length > 0 && ok.length <= OK_LIST_LIMIT && budget > 2048) {
    tail.push(details(`OK keys (${ok.length})`, boundedTable(ok, budget, input.reportPath, ctx)))
  }
  if (okNote) tail.push(okNote)
  return (
    [
      ...top.filter((p) => p !== ''),
      keyParts.join('\n\n'),
      ...rest.filter((p) => p !== ''),
      ...tail
    ].join('\n\n') + '\n'
  )
}
