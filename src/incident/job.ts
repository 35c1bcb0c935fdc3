// The incident job: revoke each exposed key, summarize what it did, tell security on every
// channel, and when a key could not be taken away, say that a person must step in.
import * as core from '@actions/core'
import { lookupActivity, selectActivityTargets, type ActivitySummary } from '../activity/index.js'
import { partitionOf } from '../links.js'
import { deliveryFailures, renderDeliveries, type Delivery } from '../deliveries.js'
import {
  deliverSns,
  ownAccessKeyId,
  repoOf,
  writeSummary,
  type JobContext,
  type JobResult
} from '../job.js'
import { writeReport } from '../report.js'
import { openIncidentIssue } from './issue.js'
import {
  failedKeys,
  renderIncidentMarkdown,
  renderIncidentSns,
  type IncidentReport
} from './render.js'
import { revokeKey, type IncidentKeyResult } from './revoke.js'

async function activityFor(
  job: JobContext,
  results: IncidentKeyResult[],
  now: Date
): Promise<ActivitySummary[]> {
  const { activity } = job.settings
  // Revoked keys are looked up by key ID and by user name: sessions minted with the key carry
  // other key IDs. A key whose owner is unknown can only be looked up by its ID.
  const known = results.flatMap((r) =>
    r.userName ? [{ accessKeyId: r.accessKeyId, userName: r.userName }] : []
  )
  const targets = [
    ...selectActivityTargets(activity.activityFor, { flagged: [], changed: [], revoked: known }),
    ...(activity.activityFor === 'none'
      ? []
      : results
          .filter((r) => !r.userName)
          .map((r) => ({ accessKeyId: r.accessKeyId, byUsername: false })))
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

function setIncidentOutputs(report: IncidentReport, reportPath: string): void {
  const changes = report.keys.flatMap((k) => (k.change ? [k.change] : []))
  const applied = (kind: string) =>
    changes.filter((c) => c.kind === kind && c.result === 'applied').length
  core.setOutput('account-id', report.accountId)
  core.setOutput('report-path', reportPath)
  core.setOutput('incident', JSON.stringify(report.keys))
  core.setOutput('changes', JSON.stringify(changes))
  core.setOutput('deactivated-count', applied('deactivate'))
  core.setOutput('deleted-count', applied('delete'))
  core.setOutput('activity', JSON.stringify(report.activity))
}

export async function runIncidentJob(job: JobContext): Promise<JobResult> {
  const { settings } = job
  const incident = settings.incident
  if (incident.mode !== 'revoke') throw new Error('runIncidentJob needs incident mode')
  const action = settings.remediation.action === 'delete' ? 'delete' : 'deactivate'
  const ownKeyId = await ownAccessKeyId(job.clients)
  core.info(
    `Incident mode: ${action} ${incident.keys.map((k) => k.accessKeyId).join(', ')} in ${job.accountId}.`
  )

  // One key at a time, each isolated: a failure on one never stops the others.
  const results: IncidentKeyResult[] = []
  for (const key of incident.keys) {
    results.push(
      await revokeKey(job.clients.iam, key, {
        action,
        dryRun: settings.remediation.dryRun,
        revokeSessions: incident.revokeSessions,
        ...(ownKeyId ? { ownKeyId } : {}),
        now: () => new Date()
      })
    )
  }
  const now = new Date()
  const report: IncidentReport = {
    tool: 'iam-key-sentinel',
    schemaVersion: 1,
    kind: 'incident',
    accountId: job.accountId,
    ...(job.accountAlias ? { accountAlias: job.accountAlias } : {}),
    generatedAt: now.toISOString(),
    source: incident.source,
    ...(incident.event ? { event: incident.event } : {}),
    action,
    dryRun: settings.remediation.dryRun,
    revokeSessions: incident.revokeSessions,
    lookbackHours: settings.activity.lookbackHours,
    keys: results,
    activity: await activityFor(job, results, now)
  }

  const deliveries: Delivery[] = []
  if (settings.issues.enabled) {
    deliveries.push(
      await openIncidentIssue(settings.issues.token, repoOf(job.run), report, job.run)
    )
  }
  if (settings.notify.snsTopicArn && settings.notify.notifyOn !== 'never') {
    deliveries.push(await deliverSns(job, renderIncidentSns(report, job.run.runUrl), 'incident'))
  }

  const reportPath = await writeReport(report)
  const deliveriesSection = renderDeliveries(deliveries, job.run.runUrl)
  await writeSummary(
    renderIncidentMarkdown(report, job.run.runUrl, 2, partitionOf(job.settings.awsRegion)) +
      (deliveriesSection ? `\n${deliveriesSection}\n` : '')
  )
  setIncidentOutputs(report, reportPath)

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
