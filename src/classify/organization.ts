// The organization-wide result: each expected account with its report, or flagged as missing or
// unreadable, and the sums over the reports. Pure: the decisions the summary, digest, outputs and
// verdict all share.
import { countChanges } from '../domain/changes.js'
import { byUrgency, emptyCounts, isFlagged } from '../domain/classify.js'
import type { AuditReport } from '../domain/report.js'
import type { Counts, Finding, Thresholds } from '../domain/types.js'
import type { ExpectedAccount } from '../domain/matrix.js'
import type { ReportFile } from '../scan/report-file.js'

interface AccountBase {
  accountId: string
  /** From expected-accounts (the organization's name), else the report's account alias. */
  name: string
  /** In expected-accounts; a report of another account is still shown, marked as unexpected. */
  expected: boolean
}

export type AccountResult =
  | (AccountBase & {
      status: 'reported'
      report: AuditReport
      path: string
      /** Other usable or unreadable files for the same account, set aside for this one. */
      setAside: string[]
    })
  | (AccountBase & { status: 'unreadable'; path: string; reason: string })
  | (AccountBase & { status: 'missing' })

export type FailedAccount = Extract<AccountResult, { status: 'missing' | 'unreadable' }>

export interface RankedKey {
  accountId: string
  accountName: string
  finding: Finding
}

export interface ChangeTotals {
  deactivated: number
  deleted: number
  failed: number
}

export interface OrganizationResult {
  /** Failed accounts first, then the most overdue keys first. */
  accounts: AccountResult[]
  failed: FailedAccount[]
  /** Sums over the reported accounts. */
  totals: Counts
  changes: ChangeTotals
  scanErrors: number
  users: number
  /** Overdue, unused and due-soon keys of every account, most urgent first. */
  worstKeys: RankedKey[]
  /** Distinct thresholds the reports were made with (one, unless jobs were configured apart). */
  thresholds: Thresholds[]
  /** Our files whose account nobody can tell: shown, but no account to charge them to. */
  unattributed: { path: string; reason: string }[]
  ignored: { path: string; reason: string }[]
}

export function changeTotals(report: AuditReport): ChangeTotals {
  const { deactivated, deleted, failed } = countChanges(report.remediation?.changes ?? [])
  return { deactivated, deleted, failed }
}

const STATUS_ORDER = { missing: 0, unreadable: 1, reported: 2 } as const
const countOf = (a: AccountResult, key: keyof Counts): number =>
  a.status === 'reported' ? a.report.counts[key] : 0

function byAttention(a: AccountResult, b: AccountResult): number {
  return (
    STATUS_ORDER[a.status] - STATUS_ORDER[b.status] ||
    countOf(b, 'overdue') - countOf(a, 'overdue') ||
    countOf(b, 'unused') - countOf(a, 'unused') ||
    countOf(b, 'due-soon') - countOf(a, 'due-soon') ||
    a.accountId.localeCompare(b.accountId)
  )
}

/** The newest usable report of an account wins (a re-run job may leave two). */
function newestFirst(a: ReportFile, b: ReportFile): number {
  const at = (f: ReportFile): number => (f.kind === 'report' ? Date.parse(f.report.generatedAt) : 0)
  return at(b) - at(a) || a.path.localeCompare(b.path)
}

function accountOfFile(file: ReportFile): string | undefined {
  if (file.kind === 'report') return file.report.accountId
  return file.kind === 'unreadable' ? file.accountId : undefined
}

export function aggregate(
  expected: readonly ExpectedAccount[],
  files: readonly ReportFile[]
): OrganizationResult {
  const byAccount = new Map<string, ReportFile[]>()
  for (const file of files) {
    const id = accountOfFile(file)
    if (id !== undefined) byAccount.set(id, [...(byAccount.get(id) ?? []), file])
  }
  const names = new Map(expected.map((e) => [e.accountId, e.name ?? '']))
  const ids = [...new Set([...expected.map((e) => e.accountId), ...byAccount.keys()])]

  const accounts = ids.map((accountId): AccountResult => {
    const candidates = [...(byAccount.get(accountId) ?? [])].sort(newestFirst)
    const base = { accountId, name: names.get(accountId) ?? '', expected: names.has(accountId) }
    const usable = candidates.find((f) => f.kind === 'report')
    if (usable?.kind === 'report') {
      const name = base.name || usable.report.accountAlias || ''
      const setAside = candidates.filter((f) => f !== usable).map((f) => f.path)
      return {
        ...base,
        name,
        status: 'reported',
        report: usable.report,
        path: usable.path,
        setAside
      }
    }
    const broken = candidates.find((f) => f.kind === 'unreadable')
    if (broken?.kind === 'unreadable') {
      return { ...base, status: 'unreadable', path: broken.path, reason: broken.reason }
    }
    return { ...base, status: 'missing' }
  })
  accounts.sort(byAttention)

  const totals = emptyCounts()
  const changes: ChangeTotals = { deactivated: 0, deleted: 0, failed: 0 }
  const thresholds = new Map<string, Thresholds>()
  const worstKeys: RankedKey[] = []
  let scanErrors = 0
  let users = 0
  for (const a of accounts) {
    if (a.status !== 'reported') continue
    const { report } = a
    for (const k of Object.keys(totals) as (keyof Counts)[]) totals[k] += report.counts[k]
    const c = changeTotals(report)
    changes.deactivated += c.deactivated
    changes.deleted += c.deleted
    changes.failed += c.failed
    scanErrors += report.errors.length
    users += report.userCount
    thresholds.set(JSON.stringify(report.thresholds), report.thresholds)
    for (const finding of report.keys) {
      if (isFlagged(finding.class))
        worstKeys.push({ accountId: a.accountId, accountName: a.name, finding })
    }
  }
  worstKeys.sort(
    (a, b) =>
      byUrgency(a.finding, b.finding) ||
      a.finding.daysToDeadline - b.finding.daysToDeadline ||
      a.accountId.localeCompare(b.accountId)
  )

  return {
    accounts,
    failed: accounts.filter((a): a is FailedAccount => a.status !== 'reported'),
    totals,
    changes,
    scanErrors,
    users,
    worstKeys,
    thresholds: [...thresholds.values()],
    unattributed: files
      .filter((f) => f.kind === 'unreadable' && f.accountId === undefined)
      .map((f) => ({ path: f.path, reason: f.kind === 'unreadable' ? f.reason : '' })),
    ignored: files
      .filter((f) => f.kind === 'ignored')
      .map((f) => ({ path: f.path, reason: f.kind === 'ignored' ? f.reason : '' }))
  }
}
