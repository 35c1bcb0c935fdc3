// The security-incident issue: one per incident run, written once even when the job is
// re-run (the marker names the run attempt).
import { errorMessage } from '../kit/errors.js'
import type { Delivery } from './deliveries.js'
import { dryRunDelivery } from './dry-run.js'
import { createOctokit, isPermissionDenied, type Repo } from '../github/client.js'
import { ensureLabels, ISSUES_PERMISSION_HINT } from './issues/github.js'
import { runnerLog } from './runner.js'
import type { Partition } from '../render/links.js'
import { incidentMarker, renderIncidentIssue, type IncidentReport } from '../render/incident.js'

const INCIDENT_LABEL = 'security-incident'

export async function openIncidentIssue(
  token: string,
  repo: Repo,
  report: IncidentReport,
  run: { runUrl: string; runId: string; runAttempt: string },
  /** For the IAM console links. */
  partition: Partition | undefined,
  dryRun: boolean
): Promise<Delivery> {
  const { title, body } = renderIncidentIssue(report, run, partition)
  if (dryRun)
    return dryRunDelivery(
      'GitHub issues',
      `Would open (or update this run's) incident issue "${title}", labelled ${INCIDENT_LABEL}.`
    )
  const octokit = createOctokit(token, runnerLog)
  const marker = incidentMarker(report.accountId, run.runId, run.runAttempt)
  try {
    await ensureLabels(octokit, repo, [INCIDENT_LABEL])
    const open = await octokit.paginate(octokit.rest.issues.listForRepo, {
      ...repo,
      labels: INCIDENT_LABEL,
      state: 'open',
      per_page: 100
    })
    const existing = open.find((i) => !i.pull_request && (i.body ?? '').startsWith(marker))
    if (existing) {
      await octokit.rest.issues.update({ ...repo, issue_number: existing.number, title, body })
      return {
        channel: 'GitHub issues',
        ok: true,
        detail: 'Updated the incident issue',
        issues: [existing.number]
      }
    }
    const { data } = await octokit.rest.issues.create({
      ...repo,
      title,
      body,
      labels: [INCIDENT_LABEL]
    })
    return {
      channel: 'GitHub issues',
      ok: true,
      detail: 'Opened the incident issue',
      issues: [data.number]
    }
  } catch (error) {
    const denied = isPermissionDenied(error)
    return {
      channel: 'GitHub issues',
      ok: false,
      detail: `Opening the incident issue failed: ${errorMessage(error)}`,
      hint: denied ? ISSUES_PERMISSION_HINT : 'Check github-token and the repository.'
    }
  }
}
