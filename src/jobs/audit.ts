// The audit job: scan every key, remediate by plan, keep the issues, notify, report.
import type { AuditSettings } from '../domain/settings.js'
import * as core from '@actions/core'
import {
  lookupActivity,
  renderActivityMarkdown,
  renderActivitySection,
  renderActivityText,
  selectActivityTargets,
  type ActivitySummary
} from '../activity/index.js'
import { classifyAccount, type Audit } from '../classify/findings.js'
import { scanAccount } from '../scan/account.js'
import { deliveryFailures, renderDeliveries, type Delivery } from '../deliver/deliveries.js'
import { syncIssues } from '../deliver/issues/sync.js'
import { deliverSns, ownAccessKeyId, repoOf, type JobContext, type JobResult } from './context.js'
import { partitionOf } from '../render/links.js'
import { renderSnsNotification, shouldPublish } from '../render/sns-message.js'
import { cancelledBy, setFinalizer } from '../kit/cancellation.js'
import { applyPlan } from '../act/apply.js'
import type { ChangeRecord } from '../domain/changes.js'
import { runnerLog } from '../deliver/runner.js'
import { claimantId } from '../act/claim.js'
import { readDeactivatedAt } from '../act/lifecycle-tag.js'
import { planRemediation } from '../plan/remediation.js'
import { renderChanges } from '../render/changes.js'
import { writeReport } from '../deliver/report.js'
import { setAuditOutputs, setIssuesOutput, writeSummary } from '../deliver/outputs.js'
import { renderSummary } from '../render/summary.js'
import { failureReasons } from '../domain/verdict.js'
import { isFlagged } from '../domain/classify.js'

type AuditJob = JobContext<AuditSettings>

/** Keys the plan must leave alone whatever their class, with the reason shown in the report. */
async function blockedKeys(audit: Audit, job: AuditJob): Promise<Map<string, string>> {
  const blocked = new Map<string, string>()
  const own = await ownAccessKeyId(job.clients)
  for (const key of audit.report.keys) {
    if (key.accessKeyId === own) {
      blocked.set(key.accessKeyId, 'the action is running with this key')
    } else if (audit.unreadable.has(key.userName)) {
      blocked.set(
        key.accessKeyId,
        "the user's tags or groups could not be read, so exemptions are unknown"
      )
    }
  }
  return blocked
}

/**
 * Plans and applies the remediation. `report.remediation.changes` fills as each change is made,
 * so a cancelled job can write what was done; the section is rendered from it when written.
 */
async function remediate(audit: Audit, job: AuditJob): Promise<() => string> {
  const { report } = audit
  const { settings } = job
  const deactivatedAt = new Map<string, Date>()
  for (const key of report.keys) {
    const date = readDeactivatedAt(audit.tags.get(key.userName), key.accessKeyId)
    if (date) deactivatedAt.set(key.accessKeyId, date)
  }
  const plan = planRemediation({
    findings: report.keys,
    settings: settings.remediation,
    thresholds: settings.thresholds,
    now: audit.now,
    deactivatedAt,
    blocked: await blockedKeys(audit, job)
  })
  const records: ChangeRecord[] = []
  report.remediation = {
    action: plan.action,
    dryRun: plan.dryRun,
    maxActions: plan.maxActions,
    capExceeded: plan.capExceeded,
    changes: records,
    holds: plan.holds
  }
  const render = () => renderChanges(plan, records, partitionOf(job.settings.awsRegion))
  // From here on a cancel writes what was done instead of ending the process at once.
  setFinalizer(() => finish(audit, job, [cancelNote(), render()], cancelFailures(records)))
  const applied = applyPlan(job.clients.iam, plan, {
    now: () => new Date(),
    log: runnerLog,
    claimant: claimantId(job.run),
    cancelled: cancelledBy
  })
  for await (const record of applied) records.push(record)
  return render
}

function cancelNote(): string {
  const signal = cancelledBy()
  return signal
    ? `> [!WARNING]\n> The job was cancelled (${signal}): no change was started after it, and CloudTrail activity, issues and notifications were skipped to write this record in time.`
    : ''
}

const finished = new WeakMap<Audit, Promise<string>>()

/** Writes the JSON report, the summary and the outputs, once (the job and a cancel may both ask). */
function finish(
  audit: Audit,
  job: AuditJob,
  sections: string[],
  failures: string[]
): Promise<string> {
  let done = finished.get(audit)
  if (!done) {
    done = writeOutcome(
      audit,
      job,
      sections.filter((s) => s !== ''),
      failures
    )
    finished.set(audit, done)
  }
  return done
}

async function writeOutcome(
  audit: Audit,
  job: AuditJob,
  sections: string[],
  failures: string[]
): Promise<string> {
  const { report } = audit
  const { settings } = job
  const reportPath = await writeReport(report)
  await writeSummary(
    renderSummary({
      ...report,
      generatedAt: audit.now,
      findings: report.keys,
      unlistedOkAgeDays: audit.unlistedOkAgeDays,
      reportPath,
      sections,
      // Decided before the summary is written, so the summary opens with it.
      failures,
      failOn: settings.failOn,
      runUrl: job.run.runUrl,
      partition: partitionOf(settings.awsRegion)
    })
  )
  setAuditOutputs(report, reportPath)
  return reportPath
}

/**
 * CloudTrail activity of the keys activity-for names: those this run changed (attempted,
 * whatever the result) or every flagged key. Regions that fail are in the summaries.
 */
async function lookUpActivity(audit: Audit, job: AuditJob): Promise<ActivitySummary[]> {
  const { activity } = job.settings
  const { report } = audit
  const ref = (k: { accessKeyId: string; userName: string }) => ({
    accessKeyId: k.accessKeyId,
    userName: k.userName
  })
  const targets = selectActivityTargets(activity.activityFor, {
    flagged: report.keys.filter((k) => isFlagged(k.class)).map(ref),
    // A change that was attempted (applied, failed or skipped) is one someone will look into.
    changed: (report.remediation?.changes ?? []).filter((c) => c.result !== 'planned').map(ref)
  })
  if (targets.length === 0) return []
  const summaries = await lookupActivity(targets, {
    regions: activity.regions,
    lookbackHours: activity.lookbackHours,
    maxEvents: activity.maxEvents,
    now: audit.now,
    ...(job.credentials ? { credentials: job.credentials } : {}),
    log: (line) => core.info(line)
  })
  return [...summaries.values()]
}

/** One issue per key that needs rotation, when a token is there and create-issues is on. */
async function notifyIssues(
  audit: Audit,
  job: AuditJob,
  activity: readonly ActivitySummary[]
): Promise<Delivery | undefined> {
  if (!job.settings.issues.enabled) return undefined
  const result = await syncIssues({
    settings: job.settings.issues,
    remediation: job.settings.remediation,
    audit,
    run: job.run,
    repo: repoOf(job.run),
    activityMarkdown: new Map(activity.map((a) => [a.accessKeyId, renderActivityMarkdown(a)])),
    partition: partitionOf(job.settings.awsRegion)
  })
  setIssuesOutput(result.applied)
  return result.delivery
}

async function notifySns(
  audit: Audit,
  job: AuditJob,
  activity: readonly ActivitySummary[]
): Promise<Delivery | undefined> {
  const { snsTopicArn, notifyOn } = job.settings.notify
  if (!snsTopicArn || !shouldPublish(audit.report, notifyOn, 'audit')) return undefined
  const notification = renderSnsNotification({
    report: audit.report,
    event: 'audit',
    runUrl: job.run.runUrl,
    activity: new Map(activity.map((a) => [a.accessKeyId, renderActivityText(a)])),
    partition: partitionOf(job.settings.awsRegion)
  })
  return deliverSns(job, notification, 'audit')
}

export async function runAuditJob(job: AuditJob): Promise<JobResult> {
  const { settings } = job
  core.info(`Scanning the access keys of account ${job.accountId}.`)
  // One instant for the whole audit: what is read, how keys are classed and planned.
  const at = new Date()
  const scan = await scanAccount(job.clients.iam, settings, at)
  const audit = classifyAccount(scan, settings, job, at)
  const { report } = audit
  if (audit.scan.fallbackReason)
    core.warning(`Credential report not used: ${audit.scan.fallbackReason}`)
  const renderChangesSection = await remediate(audit, job)
  // After a cancel, each slow stage not yet started is skipped, to write the record in time.
  const activity = cancelledBy() ? [] : await lookUpActivity(audit, job)
  if (activity.length > 0) report.activity = activity
  const deliveries: Delivery[] = []
  for (const deliver of [notifyIssues, notifySns]) {
    if (cancelledBy()) break
    const delivery = await deliver(audit, job, activity)
    if (delivery) deliveries.push(delivery)
  }
  const failures = [
    ...cancelFailures(report.remediation?.changes ?? []),
    ...failureReasons(report, settings.failOn),
    ...deliveryFailures(deliveries)
  ]
  const reportPath = await finish(
    audit,
    job,
    [
      cancelNote(),
      renderChangesSection(),
      renderActivitySection(activity),
      renderDeliveries(deliveries, job.run.runUrl)
    ],
    failures
  )
  core.info(
    `${report.counts.total} keys: ${report.counts.overdue} overdue, ${report.counts['due-soon']} due soon, ` +
      `${report.counts.unused} unused. Report: ${reportPath}`
  )
  return { failures }
}

/** The reason a cancelled job fails, or none when it was not cancelled. */
function cancelFailures(changes: readonly ChangeRecord[]): string[] {
  const signal = cancelledBy()
  if (!signal) return []
  const notStarted = changes.filter((c) => c.result === 'cancelled').length
  return [
    `The job was cancelled (${signal}): ${changes.length - notStarted} of ${changes.length} planned changes were attempted; see "Changes" in the job summary.`
  ]
}
