// The audit job: scan every key, remediate by plan, keep the issues, notify, report.
import type { AuditSettings } from '../domain/settings.js'
import { ownersOf, type UserOwners } from '../domain/owners.js'
import * as core from '@actions/core'
import { auditTargets, lookUpRunActivity } from '../activity/run-activity.js'
import type { ActivitySummary } from '../domain/activity.js'
import {
  renderActivityMarkdown,
  renderActivitySection,
  renderActivityText
} from '../render/activity.js'
import { classifyAccount, type Audit } from '../classify/findings.js'
import { scanAccount } from '../scan/account.js'
import { deliveryFailures, renderDeliveries, type Delivery } from '../deliver/deliveries.js'
import { syncIssues } from '../deliver/issues/sync.js'
import {
  deliverSns,
  deliverToSecurityHub,
  ownAccessKeyId,
  repoOf,
  writeOcsf,
  type JobContext,
  type JobResult
} from './context.js'
import { issueUrl, partitionOf } from '../render/links.js'
import { auditSecurityFindings } from '../render/security-findings.js'
import type { StoredFinding } from '../domain/security-findings.js'
import { rootKeysOf } from '../domain/scan-info.js'
import { renderSnsNotification, shouldPublish } from '../render/sns-message.js'
import { cancelledBy, setFinalizer } from '../kit/cancellation.js'
import { applyPlan } from '../act/apply.js'
import type { ChangeRecord, Plan } from '../domain/changes.js'
import { runnerLog } from '../deliver/runner.js'
import { claimantId } from '../act/claim.js'
import { blockedKeys, recordedDeactivations } from '../plan/guards.js'
import { renderCancelNote } from '../render/cancellation.js'
import { planRemediation } from '../plan/remediation.js'
import { renderChanges } from '../render/changes.js'
import { renderRotationSection } from '../render/rotation.js'
import { writeAuditReport } from '../deliver/report.js'
import type { AuditReport } from '../domain/report.js'
import { setAuditOutputs, setIssuesOutput, writeSummary } from '../deliver/outputs.js'
import { renderSummary } from '../render/summary.js'
import { cancelFailures, failureReasons } from '../domain/verdict.js'
import type { RotationRecord, RotationReport } from '../domain/rotation.js'
import type { RotationPlan } from '../rotate/plan.js'
import { rotate, rotationReport } from './rotation.js'
import { keepDashboard, type DashboardResult } from './dashboard.js'

type AuditJob = JobContext<AuditSettings>

/**
 * Plans the remediation and applies it, key by key. The records are kept as each change is
 * made, so a cancelled job writes what was done (the finalizer) instead of losing it.
 */
async function remediate(
  audit: Audit,
  job: AuditJob
): Promise<{ plan: Plan; changes: ChangeRecord[]; rotation?: RotationReport }> {
  const { report } = audit
  const plan = planRemediation({
    findings: report.keys,
    settings: job.settings.remediation,
    thresholds: job.settings.thresholds,
    now: audit.now,
    deactivatedAt: recordedDeactivations(report.keys, audit.tags),
    blocked: blockedKeys(report.keys, await ownAccessKeyId(job.clients), audit.unreadable)
  })
  const changes: ChangeRecord[] = []
  const rotations: RotationRecord[] = []
  let rotationPlan: RotationPlan | undefined
  const rotationOf = () =>
    rotationReport(rotationPlan, rotations, job.settings.rotation?.map.path ?? '')
  // From here on a cancel writes what was done instead of ending the process at once.
  setFinalizer(() => {
    const record = withOutcome(audit, plan, changes, [], rotationOf())
    return finish(record, job, plan, cancelFailures(cancelledBy(), changes))
  })
  const { rotation } = job.settings
  if (rotation) {
    rotationPlan = await rotate(
      audit,
      { ...job, settings: { ...job.settings, rotation } },
      {
        changes,
        rotations
      }
    )
    return { plan, changes, rotation: rotationOf() }
  }
  const applied = applyPlan(job.clients.iam, plan, {
    now: () => new Date(),
    log: runnerLog,
    claimant: claimantId(job.run),
    cancelled: cancelledBy
  })
  for await (const change of applied) changes.push(change)
  return { plan, changes }
}

/** The audit's report with what the run did: built once here, never changed after. */
function withOutcome(
  audit: Audit,
  plan: Plan,
  changes: readonly ChangeRecord[],
  activity: readonly ActivitySummary[],
  rotation?: RotationReport
): Audit {
  const report: AuditReport = {
    ...audit.report,
    remediation: {
      action: plan.action,
      dryRun: plan.dryRun,
      maxActions: plan.maxActions,
      capExceeded: plan.capExceeded,
      changes: [...changes],
      holds: plan.holds
    },
    ...(activity.length > 0 ? { activity: [...activity] } : {}),
    ...(rotation ? { rotation } : {})
  }
  return { ...audit, report }
}

let finished: Promise<string> | undefined

/**
 * Writes the JSON report, the summary and the outputs, once: the job and a cancel may both ask,
 * and whichever asks first is written.
 */
function finish(
  audit: Audit,
  job: AuditJob,
  plan: Plan,
  failures: string[],
  sections: {
    activity?: readonly ActivitySummary[]
    deliveries?: readonly Delivery[]
    dashboard?: string
    issueUrls?: ReadonlyMap<string, string>
  } = {}
): Promise<string> {
  finished ??= writeOutcome(
    audit,
    job,
    [
      renderCancelNote(cancelledBy()),
      renderRotationSection(audit.report.rotation),
      renderChanges(
        plan,
        audit.report.remediation?.changes ?? [],
        partitionOf(job.settings.awsRegion)
      ),
      renderActivitySection(sections.activity ?? []),
      sections.dashboard ?? '',
      renderDeliveries(sections.deliveries ?? [], job.run.runUrl)
    ].filter((s) => s !== ''),
    failures,
    sections.issueUrls
  )
  return finished
}

async function writeOutcome(
  audit: Audit,
  job: AuditJob,
  sections: string[],
  failures: string[],
  issueUrls?: ReadonlyMap<string, string>
): Promise<string> {
  const { report } = audit
  const { settings } = job
  const reportPath = await writeAuditReport(report)
  await writeOcsf(job, auditSecurityFindings(report, issueUrls), reportPath, audit.now)
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

/** One issue per key that needs rotation, when a token is there and create-issues is on. */
async function notifyIssues(
  audit: Audit,
  job: AuditJob,
  activity: readonly ActivitySummary[]
): Promise<{ delivery: Delivery; urls: Map<string, string> } | undefined> {
  if (!job.settings.issues.enabled) return undefined
  const result = await syncIssues({
    settings: job.settings.issues,
    remediation: job.settings.remediation,
    audit,
    run: job.run,
    repo: repoOf(job.run),
    activityMarkdown: new Map(activity.map((a) => [a.accessKeyId, renderActivityMarkdown(a)])),
    partition: partitionOf(job.settings.awsRegion),
    ...(job.settings.owners ? { owners: job.settings.owners } : {}),
    ...(job.settings.reminders ? { reminders: job.settings.reminders } : {}),
    ...(job.settings.rotation ? { rotation: job.settings.rotation } : {}),
    organizationMember: organizationMember(job.settings)
  })
  setIssuesOutput(result.applied)
  const urls = new Map<string, string>()
  for (const a of result.applied) {
    const url = a.error || a.number <= 0 ? undefined : issueUrl(job.run.runUrl, a.number)
    if (url) urls.set(a.accessKeyId, url)
  }
  return { delivery: result.delivery, urls }
}

/**
 * Whether the audit saw enough to call a stored Security Hub finding gone: its user was read
 * (a user whose keys could not be listed proves nothing), the root check answered. An exposure's
 * finding is gone once its key is: only the API walk lists every key, inactive ones included.
 */
function resolvable(audit: Audit): (s: StoredFinding) => boolean {
  const { report } = audit
  const unreadable = new Set(report.errors.map((e) => e.scope.split(' ')[0] ?? ''))
  const keys = new Set(report.keys.map((k) => k.accessKeyId))
  const rootRead = rootKeysOf(report.scan).present === false
  return (s) => {
    if (s.kind === 'root-access-keys') return rootRead
    if (s.userName === undefined || unreadable.has(s.userName)) return false
    if (s.generator === 'exposure')
      return (
        report.scan?.method === 'api' && s.accessKeyId !== undefined && !keys.has(s.accessKeyId)
      )
    return true
  }
}

/** The account's dashboard issue, with dashboard: true. */
function accountDashboard(audit: Audit, job: AuditJob): Promise<DashboardResult> | undefined {
  const { settings } = job
  if (!settings.dashboard) return undefined
  const { report } = audit
  const { owners, reminders } = settings
  const tag = settings.issues.ownerTag
  return keepDashboard({
    settings: settings.dashboard,
    repo: repoOf(job.run),
    run: job.run,
    scope: { kind: 'account', accountId: report.accountId },
    now: audit.now,
    keys: report.keys.map((finding) => ({ accountId: report.accountId, finding })),
    counts: report.counts,
    // A key missing from an incomplete scan may still exist: it is not called deleted.
    completeAccounts: new Set(
      report.errors.some((e) => e.operation === 'iam:ListAccessKeys') ? [] : [report.accountId]
    ),
    unusedDays: report.thresholds.unusedDays,
    thresholds: report.thresholds,
    partition: partitionOf(settings.awsRegion),
    ...(report.accountAlias ? { accountAlias: report.accountAlias } : {}),
    // Owners are "reminded" only where the ladder posts: with the owners file and the key issues.
    ...(owners && reminders && settings.issues.enabled
      ? {
          owners: {
            reminders,
            of: (_account: string, userName: string) =>
              ownerNames(
                ownersOf(owners, userName, tag ? audit.tags.get(userName)?.get(tag) : undefined)
              )
          }
        }
      : {})
  })
}

/** The owners file's names for a user: its GitHub people, else its teams, else its emails. */
function ownerNames(owners: UserOwners | undefined): string[] {
  if (!owners) return []
  for (const names of [owners.githubUsers, owners.githubTeams, owners.emails, owners.teams])
    if (names.length > 0) return names
  return []
}

/** The owners file's owners of each user with a key, for the SNS message. */
function ownersByUser(audit: Audit, settings: AuditSettings): Map<string, UserOwners> {
  const owners = new Map<string, UserOwners>()
  if (!settings.owners) return owners
  for (const { userName } of audit.report.keys) {
    const tag = settings.issues.ownerTag
    const found = ownersOf(
      settings.owners,
      userName,
      tag ? audit.tags.get(userName)?.get(tag) : undefined
    )
    if (found) owners.set(userName, found)
  }
  return owners
}

/** A hub role chained to a member role: one account of an organization's audit matrix. */
function organizationMember(settings: AuditSettings): boolean {
  const chain = settings.roleChain
  return chain !== undefined && (chain.from === 'oidc' || chain.roleArns.length > 1)
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
    partition: partitionOf(job.settings.awsRegion),
    ...(job.settings.owners ? { owners: ownersByUser(audit, job.settings) } : {})
  })
  return deliverSns(job, notification, 'audit', job.settings.remediation.dryRun)
}

export async function runAuditJob(job: AuditJob): Promise<JobResult> {
  const { settings } = job
  core.info(`Scanning the access keys of account ${job.accountId}.`)
  // One instant for the whole audit: what is read, how keys are classed and planned.
  const at = new Date()
  const scan = await scanAccount(job.clients.iam, settings, at)
  const classified = classifyAccount(scan, settings, job, at)
  if (classified.scan.fallbackReason)
    core.warning(`Credential report not used: ${classified.scan.fallbackReason}`)
  const rootCheck = classified.scan.rootKeyCheck
  if (rootCheck && 'error' in rootCheck)
    core.warning(`Root user access keys not checked: ${rootCheck.error}`)
  const { plan, changes, rotation } = await remediate(classified, job)
  // After a cancel, each slow stage not yet started is skipped, to write the record in time.
  const activity = cancelledBy()
    ? []
    : await lookUpRunActivity(
        auditTargets(settings.activity.activityFor, classified.report.keys, changes),
        { settings: settings.activity, now: at, credentials: job.credentials, log: runnerLog }
      )
  const audit = withOutcome(classified, plan, changes, activity, rotation)
  const deliveries: Delivery[] = []
  let issueUrls = new Map<string, string>()
  const issues = cancelledBy() ? undefined : await notifyIssues(audit, job, activity)
  if (issues) {
    deliveries.push(issues.delivery)
    issueUrls = issues.urls
  }
  const sns = cancelledBy() ? undefined : await notifySns(audit, job, activity)
  if (sns) deliveries.push(sns)
  const hub = cancelledBy()
    ? undefined
    : await deliverToSecurityHub(
        job,
        auditSecurityFindings(audit.report, issueUrls),
        { owns: ['audit', 'exposure'], canResolve: resolvable(audit) },
        at
      )
  if (hub) deliveries.push(hub)
  const dashboard = cancelledBy() ? undefined : await accountDashboard(audit, job)
  if (dashboard) deliveries.push(dashboard.delivery)
  const { report } = audit
  const failures = [
    ...cancelFailures(cancelledBy(), changes),
    ...failureReasons(report, settings.failOn),
    ...deliveryFailures(deliveries)
  ]
  const reportPath = await finish(audit, job, plan, failures, {
    activity,
    deliveries,
    issueUrls,
    ...(dashboard ? { dashboard: dashboard.section } : {})
  })
  core.info(
    `${report.counts.total} keys: ${report.counts.overdue} overdue, ${report.counts['due-soon']} due soon, ` +
      `${report.counts.unused} unused. Report: ${reportPath}`
  )
  return { failures }
}
