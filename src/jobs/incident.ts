// The incident job: revoke each exposed key, summarize what it did, tell security on every
// channel, and when a key could not be taken away, say that a person must step in.
import { setIncidentOutputs, writeSummary } from '../deliver/outputs.js'
import type { RevokeSettings } from '../domain/settings.js'
import * as core from '@actions/core'
import { lookupActivity } from '../activity/lookup.js'
import { selectActivityTargets } from '../activity/targets.js'
import type { ActivitySummary } from '../domain/activity.js'
import { partitionOf } from '../render/links.js'
import { deliveryFailures, renderDeliveries, type Delivery } from '../deliver/deliveries.js'
import { deliverSns, ownAccessKeyId, repoOf, type JobContext, type JobResult } from './context.js'
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
import type { IncidentKeyResult } from '../domain/incident.js'
import { runnerLog } from '../deliver/runner.js'

type RevokeJob = JobContext<RevokeSettings>

async function activityFor(
  job: RevokeJob,
  results: readonly IncidentKeyResult[],
  now: Date
): Promise<ActivitySummary[]> {
  const { activity } = job.settings
  // Revoked keys are looked up by key ID and by user name: sessions minted with the key carry
  // other key IDs. A key whose owner is unknown can only be looked up by its ID.
  const known = results.flatMap((r) =>
    r.userName ? [{ accessKeyId: r.accessKeyId, userName: r.userName }] : []
  )
  // An entity that is not a key ID has nothing CloudTrail could be asked about.
  const unknownOwner = results.filter((r) => !r.userName && !r.unusableEntity)
  const targets = [
    ...selectActivityTargets(activity.activityFor, { flagged: [], changed: [], revoked: known }),
    ...(activity.activityFor === 'none'
      ? []
      : unknownOwner.map((r) => ({ accessKeyId: r.accessKeyId, byUsername: false })))
  ]
  if (targets.length === 0) return []
  const summaries = await lookupActivity(targets, {
    regions: activity.regions,
    lookbackHours: activity.lookbackHours,
    maxEvents: activity.maxEvents,
    now,
    ...(job.credentials ? { credentials: job.credentials } : {}),
    log: (line) => core.info(line)
  })
  return [...summaries.values()]
}

async function writeIncidentRecord(
  report: IncidentReport,
  job: RevokeJob,
  deliveries: readonly Delivery[]
): Promise<string> {
  const reportPath = await writeReport(report)
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
  generatedAt: Date
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
    dryRun: settings.remediation.dryRun,
    revokeSessions: incident.revokeSessions,
    lookbackHours: settings.activity.lookbackHours,
    keys: [...keys],
    activity: [...activity]
  }
}

const revokeAction = (settings: RevokeSettings): 'deactivate' | 'delete' =>
  settings.remediation.action === 'delete' ? 'delete' : 'deactivate'

export async function runIncidentJob(job: RevokeJob): Promise<JobResult> {
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
  const now = new Date()
  // A cancelled job skips CloudTrail to write its record in time; security is still told.
  const activity = cancelledBy() ? [] : await activityFor(job, results, now)
  const report = incidentReport(job, results, activity, now)

  const deliveries: Delivery[] = []
  if (settings.issues.enabled) {
    deliveries.push(
      await openIncidentIssue(
        settings.issues.token,
        repoOf(job.run),
        report,
        job.run,
        partitionOf(settings.awsRegion)
      )
    )
  }
  if (settings.notify.snsTopicArn && settings.notify.notifyOn !== 'never') {
    deliveries.push(await deliverSns(job, renderIncidentSns(report, job.run.runUrl), 'incident'))
  }

  await finish(report, deliveries)

  const failed = failedKeys(report)
  return {
    failures: [
      ...failed.map(
        (k) =>
          `Manual inspection and intervention needed for ${k.accessKeyId}: ${k.error ?? 'unknown error'}`
      ),
      ...deliveryFailures(deliveries)
    ]
  }
}
