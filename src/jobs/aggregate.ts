// mode: aggregate. Reads every account's report from reports-directory, then writes one
// organization-wide summary, JSON report and outputs, and publishes one SNS digest. Runs after the
// matrix with `if: always()`, so an account whose job failed is named here, never silently missing.
import * as core from '@actions/core'
import type { AwsCredentials } from '../aws/clients.js'
import { deliveryFailures, renderDeliveries, type Delivery } from '../deliver/deliveries.js'
import { describeFailure } from '../kit/errors.js'
import type { AggregateSettings } from '../domain/settings.js'
import { deliverSns, repoOf, type JobResult } from './context.js'
import { keepDashboard, type DashboardResult } from './dashboard.js'
import { writeJsonReport } from '../deliver/report.js'
import { setAggregateOutputs, writeSummary } from '../deliver/outputs.js'
import type { RunContext } from '../inputs/run-context.js'
import {
  aggregate,
  changeTotals,
  type AccountResult,
  type OrganizationResult
} from '../classify/organization.js'
import { renderAggregateSummary } from '../render/organization.js'
import {
  DIGEST_ACCOUNT,
  renderDigestNotification,
  shouldPublishDigest
} from '../render/organization-digest.js'
import { readReportsDirectory } from '../scan/reports-dir.js'

const ORGANIZATION_REPORT_TOOL = 'iam-key-sentinel-organization'

export interface AggregateJob {
  settings: AggregateSettings
  run: RunContext
  /** Asked for only when there is a digest to publish: reading reports needs no AWS access. */
  credentials: () => Promise<AwsCredentials | undefined>
}

/** One account as the outputs and the organization report give it. */
function accountJson(a: AccountResult): Record<string, unknown> {
  const base = { accountId: a.accountId, name: a.name, status: a.status, expected: a.expected }
  if (a.status === 'missing') return base
  if (a.status === 'unreadable') return { ...base, reportFile: a.path, reason: a.reason }
  return {
    ...base,
    reportFile: a.path,
    generatedAt: a.report.generatedAt,
    counts: a.report.counts,
    changes: changeTotals(a.report),
    scanErrors: a.report.errors.length
  }
}

async function writeOrganizationReport(
  result: OrganizationResult,
  generatedAt: Date,
  reportsDirectory: string,
  env: NodeJS.ProcessEnv = process.env
): Promise<string> {
  const report = {
    // Not 'iam-key-sentinel': an aggregate run over a directory holding this file ignores it.
    tool: ORGANIZATION_REPORT_TOOL,
    schemaVersion: 1,
    generatedAt: generatedAt.toISOString(),
    reportsDirectory,
    totals: result.totals,
    changes: result.changes,
    scanErrors: result.scanErrors,
    users: result.users,
    failedAccounts: result.failed.map((a) => a.accountId),
    accounts: result.accounts.map(accountJson),
    unattributedFiles: result.unattributed,
    ignoredFiles: result.ignored
  }
  return writeJsonReport(ORGANIZATION_REPORT_TOOL, report, env)
}

async function publishDigest(
  job: AggregateJob,
  result: OrganizationResult,
  generatedAt: Date
): Promise<Delivery | undefined> {
  const { snsTopicArn, notifyOn } = job.settings.notify
  if (!snsTopicArn || !shouldPublishDigest(result, notifyOn)) return undefined
  const notification = renderDigestNotification({ result, runUrl: job.run.runUrl, generatedAt })
  let credentials: AwsCredentials | undefined
  try {
    credentials = await job.credentials()
  } catch (error) {
    return {
      channel: 'SNS',
      ok: false,
      detail: `No AWS credentials to publish with: ${describeFailure(error)}`
    }
  }
  return deliverSns(
    { settings: job.settings, credentials, accountId: DIGEST_ACCOUNT, run: job.run },
    notification,
    'audit',
    job.settings.dryRun
  )
}

/** The fleet's one dashboard, with dashboard: true. */
function fleetDashboard(
  job: AggregateJob,
  result: OrganizationResult,
  generatedAt: Date
): Promise<DashboardResult> | undefined {
  const { dashboard } = job.settings
  if (!dashboard) return undefined
  const reported = result.accounts.flatMap((a) => (a.status === 'reported' ? [a] : []))
  const thresholds = result.thresholds.length === 1 ? result.thresholds[0] : undefined
  return keepDashboard({
    settings: dashboard,
    repo: repoOf(job.run),
    run: job.run,
    scope: { kind: 'organization' },
    now: generatedAt,
    keys: reported.flatMap((a) =>
      a.report.keys.map((finding) => ({ accountId: a.accountId, finding }))
    ),
    counts: result.totals,
    // An account without a report, or whose scan missed keys, has no key called gone.
    completeAccounts: new Set(
      reported
        .filter((a) => !a.report.errors.some((e) => e.operation === 'iam:ListAccessKeys'))
        .map((a) => a.accountId)
    ),
    unusedDays: thresholds?.unusedDays ?? 0,
    fleet: { accounts: reported.length, withoutReport: result.failed.length },
    ...(thresholds ? { thresholds } : {})
  })
}

function listed(accounts: readonly AccountResult[], detail: (a: AccountResult) => string): string {
  const shown = accounts
    .slice(0, 20)
    .map((a) => `${a.accountId}${a.name ? ` (${a.name})` : ''}${detail(a)}`)
  return (
    shown.join(', ') +
    (accounts.length > shown.length ? ` and ${accounts.length - shown.length} more` : '')
  )
}

function aggregateFailures(result: OrganizationResult): string[] {
  const failures: string[] = []
  const missing = result.failed.filter((a) => a.status === 'missing')
  const unreadable = result.failed.filter((a) => a.status === 'unreadable')
  const expected = result.accounts.filter((a) => a.expected).length
  if (missing.length > 0) {
    failures.push(
      `No report for ${missing.length} of ${expected} expected accounts: ${listed(missing, () => '')}. ` +
        'Their audit jobs failed or did not upload a report; see "Accounts without a usable report" in the job summary.'
    )
  }
  if (unreadable.length > 0) {
    failures.push(
      `${unreadable.length === 1 ? 'The report of 1 account' : `The reports of ${unreadable.length} accounts`} could not be read: ` +
        `${listed(unreadable, (a) => (a.status === 'unreadable' ? `: ${a.reason}` : ''))}.`
    )
  }
  return failures
}

export async function runAggregateJob(job: AggregateJob): Promise<JobResult> {
  const fleet = job.settings
  const generatedAt = new Date()
  const directory = await readReportsDirectory(fleet.reportsDirectory)
  if (!directory.exists) {
    core.warning(
      `'reports-directory' ${fleet.reportsDirectory} does not exist: no report was downloaded into it, ` +
        'so every expected account is missing.'
    )
  }
  const result = aggregate(fleet.expectedAccounts, directory.files)
  for (const f of result.ignored) core.info(`Ignored ${f.path}: ${f.reason}.`)
  const reportPath = await writeOrganizationReport(result, generatedAt, fleet.reportsDirectory)
  const dashboard = await fleetDashboard(job, result, generatedAt)
  const deliveries = [await publishDigest(job, result, generatedAt), dashboard?.delivery].filter(
    (d): d is Delivery => d !== undefined
  )

  const summary = renderAggregateSummary({
    result,
    generatedAt,
    reportsDirectory: fleet.reportsDirectory,
    reportPath
  })
  const notifications = [dashboard?.section ?? '', renderDeliveries(deliveries, job.run.runUrl)]
    .filter((s) => s !== '')
    .join('\n\n')
  await writeSummary(notifications ? `${summary}\n${notifications}\n` : summary)

  const t = result.totals
  setAggregateOutputs(
    {
      accounts: result.accounts.map(accountJson),
      failedAccountIds: result.failed.map((a) => a.accountId),
      totals: t
    },
    reportPath
  )
  core.info(
    `${result.accounts.length} accounts, ${result.failed.length} without a usable report; ` +
      `${t.total} keys: ${t.overdue} overdue, ${t['due-soon']} due soon, ${t.unused} unused. Report: ${reportPath}`
  )
  return { failures: [...aggregateFailures(result), ...deliveryFailures(deliveries)] }
}
