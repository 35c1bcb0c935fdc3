// The incident job: revoke each exposed key, summarize what it did, tell security on every
// channel, and when a key could not be taken away, say that a person must step in.
import { setIncidentOutputs, writeSummary } from '../deliver/outputs.js'
import type { RevokeSettings } from '../domain/settings.js'
import * as core from '@actions/core'
import { incidentTargets, lookUpRunActivity } from '../activity/run-activity.js'
import type { ActivitySummary } from '../domain/activity.js'
import { partitionOf } from '../render/links.js'
import { deliveryFailures, renderDeliveries, type Delivery } from '../deliver/deliveries.js'
import {
  deliverSns,
  deliverToSecurityHub,
  ownAccessKeyId,
  repoOf,
  writeOcsf,
  type JobContext,
  type JobResult
} from './context.js'
import { incidentSecurityFindings } from '../render/security-findings.js'
import { cancelledBy, setFinalizer } from '../kit/cancellation.js'
import { claimantId } from '../act/claim.js'
import { writeReport } from '../deliver/report.js'
import { openIncidentIssue } from '../deliver/incident-issue.js'
import {
  failedKeys,
  renderIncidentMarkdown,
  renderIncidentSns,
  type IncidentReport
} from '../render/incident.js'
import { revokeAll } from '../act/revoke.js'
import {
  roleNeedsPerson,
  type IncidentKeyResult,
  type RoleSessionRevocation
} from '../domain/incident.js'
import { revokeRoleSessions, rolesReached, runRoleArns } from '../act/revoke-roles.js'
import { traceMissingOwners } from '../act/trace-owner.js'
import { withQuarantine } from '../act/quarantine.js'
import { healthResponse } from '../domain/exposure.js'
import { runnerLog } from '../deliver/runner.js'

type RevokeJob = JobContext<RevokeSettings>

async function writeIncidentRecord(
  report: IncidentReport,
  job: RevokeJob,
  deliveries: readonly Delivery[]
): Promise<string> {
  const reportPath = await writeReport(report)
  await writeOcsf(job, incidentSecurityFindings(report), reportPath, new Date(report.generatedAt))
  const deliveriesSection = renderDeliveries(deliveries, job.run.runUrl)
  await writeSummary(
    renderIncidentMarkdown(report, job.run.runUrl, 2, partitionOf(job.settings.awsRegion)) +
      (deliveriesSection ? `\n${deliveriesSection}\n` : '')
  )
  setIncidentOutputs(report, reportPath)
  return reportPath
}

/** The incident's record, built once from what the run did (a cancel builds it from what it has). */
function incidentReport(
  job: RevokeJob,
  keys: readonly IncidentKeyResult[],
  activity: readonly ActivitySummary[],
  generatedAt: Date,
  roleSessions: readonly RoleSessionRevocation[] = []
): IncidentReport {
  const { settings } = job
  const incident = settings.revoke
  return {
    tool: 'iam-key-sentinel',
    schemaVersion: 1,
    kind: 'incident',
    accountId: job.accountId,
    ...(job.accountAlias ? { accountAlias: job.accountAlias } : {}),
    generatedAt: generatedAt.toISOString(),
    source: incident.source,
    ...(incident.event ? { event: incident.event } : {}),
    action: revokeAction(settings),
    ...(requestedDelete(settings) ? { requestedAction: 'delete' as const } : {}),
    dryRun: settings.remediation.dryRun,
    revokeSessions: incident.revokeSessions,
    revokeRoleSessions: incident.revokeRoleSessions,
    lookbackHours: settings.activity.lookbackHours,
    keys: [...keys],
    activity: [...activity],
    roleSessions: [...roleSessions]
  }
}

/** A suspected exposure is never answered by a delete (see healthResponse). */
const suspected = (settings: RevokeSettings): boolean => {
  const code = settings.revoke.event?.eventTypeCode
  return code !== undefined && healthResponse(code).suspected
}

const revokeAction = (settings: RevokeSettings): 'deactivate' | 'delete' =>
  settings.remediation.action === 'delete' && !suspected(settings) ? 'delete' : 'deactivate'

const requestedDelete = (settings: RevokeSettings): boolean =>
  settings.remediation.action === 'delete' && suspected(settings)

/** The verdict, and the record of what was done (mode secret-scanning resolves alerts from it). */
export async function runIncidentJob(
  job: RevokeJob
): Promise<JobResult & { report: IncidentReport }> {
  const { settings } = job
  const incident = settings.revoke
  const action = revokeAction(settings)
  const ownKeyId = await ownAccessKeyId(job.clients)
  const started = new Date()
  core.info(
    `Incident mode: ${action} ${incident.keys.map((k) => k.accessKeyId).join(', ')} in ${job.accountId}.`
  )

  const results: IncidentKeyResult[] = []
  // Written once: by the end of the job, or by a cancel that does not let it finish.
  let written: Promise<string> | undefined
  const finish = (report: IncidentReport, deliveries: readonly Delivery[]): Promise<string> =>
    (written ??= writeIncidentRecord(report, job, deliveries))
  setFinalizer(() => finish(incidentReport(job, results, [], started), []))

  const revoked = revokeAll(job.clients.iam, incident, {
    action,
    dryRun: settings.remediation.dryRun,
    revokeSessions: incident.revokeSessions,
    ...(ownKeyId ? { ownKeyId } : {}),
    claimant: claimantId(job.run),
    log: runnerLog,
    now: () => new Date(),
    cancelled: cancelledBy
  })
  for await (const result of revoked) results.push(result)
  // AWS's quarantine policy on each user is read to be reported (never changed); a cancelled
  // job has no time for it.
  if (!cancelledBy())
    results.splice(0, results.length, ...(await withQuarantine(job.clients.iam, results)))
  const now = new Date()
  // A cancelled job skips CloudTrail to write its record in time; security is still told.
  const activity = cancelledBy()
    ? []
    : await lookUpRunActivity(incidentTargets(settings.activity.activityFor, results), {
        settings: settings.activity,
        now,
        credentials: job.credentials,
        log: runnerLog,
        incident: { awsRegion: settings.awsRegion }
      })
  // A key IAM could not name the user of, or already deleted: STS and CloudTrail may tell.
  if (!cancelledBy()) {
    await traceMissingOwners(job.clients.iam, job.clients.sts, results, activity, {
      accountId: job.accountId,
      dryRun: settings.remediation.dryRun,
      revokeSessions: incident.revokeSessions,
      lookbackHours: settings.activity.lookbackHours,
      now: () => new Date()
    })
  }
  // The doors the key opened: the roles it reached get the deny (or a list to do by hand).
  const roleSessions = cancelledBy()
    ? []
    : await revokeRoleSessions(job.clients.iam, rolesReached(activity), {
        enabled: incident.revokeRoleSessions,
        dryRun: settings.remediation.dryRun,
        maxRoles: incident.maxRoleRevocations,
        accountId: job.accountId,
        ownRoleArns: runRoleArns(settings),
        now: () => new Date(),
        log: runnerLog
      })
  const report = incidentReport(job, results, activity, now, roleSessions)

  const deliveries: Delivery[] = []
  if (settings.issues.enabled) {
    deliveries.push(
      await openIncidentIssue(
        settings.issues.token,
        repoOf(job.run),
        report,
        job.run,
        partitionOf(settings.awsRegion),
        settings.remediation.dryRun
      )
    )
  }
  if (settings.notify.snsTopicArn && settings.notify.notifyOn !== 'never') {
    deliveries.push(
      await deliverSns(
        job,
        renderIncidentSns(report, job.run.runUrl),
        'incident',
        settings.remediation.dryRun
      )
    )
  }
  // An incident only adds its exposures; the next audit resolves them once the key is gone.
  const hub = await deliverToSecurityHub(
    job,
    incidentSecurityFindings(report),
    { owns: [], canResolve: () => false },
    now
  )
  if (hub) deliveries.push(hub)

  await finish(report, deliveries)

  const failed = failedKeys(report)
  return {
    report,
    failures: [
      ...failed.map(
        (k) =>
          `Manual inspection and intervention needed for ${k.accessKeyId}: ${k.error ?? 'unknown error'}`
      ),
      ...report.roleSessions
        .filter((r) => roleNeedsPerson(r, report.revokeRoleSessions))
        .map(
          (r) =>
            `Manual inspection and intervention needed for the sessions of role ${r.roleArn}: ${r.detail ?? r.outcome}`
        ),
      ...deliveryFailures(deliveries)
    ]
  }
}
