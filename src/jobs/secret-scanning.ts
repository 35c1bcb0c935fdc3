// The secret-scanning job: GitHub's open alerts for AWS access key IDs, each key mapped to its
// account; this account's keys are revoked through the incident job and each alert is resolved
// as revoked only once the revocation (or the key's absence) is verified. Other accounts' keys
// are listed for their own account's run. A rerun finds no open alert left: no new work.
import * as core from '@actions/core'
import { keyPresence, type KeyPresence } from '../act/leaked-key-presence.js'
import { setSecretScanningOutputs, writeSummary } from '../deliver/outputs.js'
import { maskSecret, runnerLog } from '../deliver/runner.js'
import type { ExposedKey } from '../domain/exposure.js'
import type { IncidentKeyResult } from '../domain/incident.js'
import { otherAccountKeys, type AlertResult, type LeakAlert } from '../domain/secret-scanning.js'
import type { RevokeSettings, SecretScanningSettings } from '../domain/settings.js'
import { createOctokit, type Octokit } from '../github/client.js'
import {
  listOpenKeyAlerts,
  resolveAlertAsRevoked,
  type AlertScope
} from '../github/secret-scanning.js'
import { cancelledBy } from '../kit/cancellation.js'
import { errorMessage } from '../kit/errors.js'
import { renderSecretScanningMarkdown } from '../render/secret-scanning.js'
import { keyAccounts, type KeyAccount } from '../scan/leaked-keys.js'
import { repoOf, type JobContext, type JobResult } from './context.js'
import { runIncidentJob } from './incident.js'

type SecretScanningJob = JobContext<SecretScanningSettings>

const NEEDS_PERSON = new Set<AlertResult['outcome']>([
  'left-open',
  'resolve-failed',
  'needs-person'
])

interface Verdicts {
  owners: Map<string, KeyAccount>
  presence: Map<string, KeyPresence>
  revoked: Map<string, IncidentKeyResult>
  capped?: string
}

/** The revocation of this account's key as the alert sees it: verified, planned or not. */
function verdict(
  id: string,
  v: Verdicts,
  job: SecretScanningJob
): { verified: string } | { planned: string } | { open: string } {
  const presence = v.presence.get(id)
  if (!presence) return { open: 'The key was not looked up.' }
  if ('error' in presence) return { open: presence.error }
  if ('gone' in presence) return { verified: `The key no longer exists: ${presence.gone}` }
  if (v.capped) return { open: v.capped }
  const result = v.revoked.get(id)
  if (!result) return { open: 'Not revoked: the job was cancelled before it.' }
  if (result.outcome === 'planned') return { planned: 'Dry run: the key would be revoked.' }
  if (result.outcome === 'revoked' || result.outcome === 'already-inactive') {
    const how = result.change?.kind === 'delete' ? 'deleted' : 'deactivated'
    return {
      verified: `The key was ${result.outcome === 'revoked' ? how : 'already inactive'} in account ${job.accountId} (verified).`
    }
  }
  return { open: result.error ?? 'The key could not be revoked.' }
}

async function resolveOne(
  octokit: Octokit,
  alert: LeakAlert,
  base: AlertResult,
  why: string,
  job: SecretScanningJob
): Promise<AlertResult> {
  const comment = `Revoked by IAM Key Sentinel. ${why} Run: ${job.run.runUrl}`
  try {
    await resolveAlertAsRevoked(octokit, alert, comment, job.settings.secretScanning.tokenInput)
    return { ...base, outcome: 'resolved', detail: why }
  } catch (error) {
    return { ...base, outcome: 'resolve-failed', detail: `${why} ${errorMessage(error)}` }
  }
}

async function alertResult(
  octokit: Octokit,
  alert: LeakAlert,
  v: Verdicts,
  job: SecretScanningJob
): Promise<AlertResult> {
  const id = alert.accessKeyId
  if (!id) {
    return {
      ...alert,
      outcome: 'needs-person',
      detail: 'The alert’s secret is not an access key ID (AKIA…): find the key it belongs to.'
    }
  }
  const owner = v.owners.get(id)
  if (!owner || 'error' in owner) {
    return { ...alert, outcome: 'needs-person', detail: owner?.error ?? 'Not looked up.' }
  }
  const base: AlertResult = { ...alert, accountId: owner.accountId, outcome: 'left-open' }
  if (owner.accountId !== job.accountId) {
    return { ...base, outcome: 'other-account', detail: 'Left open for that account’s run.' }
  }
  const state = verdict(id, v, job)
  if ('open' in state) return { ...base, detail: state.open }
  if (job.settings.remediation.dryRun) {
    return {
      ...base,
      outcome: 'would-resolve',
      detail: 'planned' in state ? state.planned : state.verified
    }
  }
  if ('planned' in state) return { ...base, detail: state.planned }
  if (cancelledBy()) return { ...base, detail: 'Not resolved: the job was cancelled.' }
  return resolveOne(octokit, alert, base, state.verified, job)
}

/** The incident settings for this account's keys: the same revoke path as any exposure. */
function incidentSettings(job: SecretScanningJob, keys: ExposedKey[]): RevokeSettings {
  const { settings } = job
  return {
    ...settings,
    mode: 'revoke',
    revoke: {
      keys,
      source: 'github-secret-scanning',
      event: {
        source: 'github-secret-scanning',
        keys,
        reference: `${keys.length} open secret-scanning ${keys.length === 1 ? 'alert' : 'alerts'}`
      },
      revokeSessions: settings.revokeSessions,
      revokeRoleSessions: settings.revokeRoleSessions,
      maxRoleRevocations: settings.maxRoleRevocations
    }
  }
}

function scopeOf(job: SecretScanningJob): { scope: AlertScope; text: string } {
  const { owner, repo } = repoOf(job.run)
  return job.settings.secretScanning.scope === 'organization'
    ? { scope: { kind: 'organization', org: owner }, text: `the ${owner} organization` }
    : { scope: { kind: 'repository', repo: { owner, repo } }, text: `${owner}/${repo}` }
}

export async function runSecretScanningJob(job: SecretScanningJob): Promise<JobResult> {
  const { settings } = job
  const { scope, text } = scopeOf(job)
  // A token from a secret is masked by the runner; one built in the workflow may not be.
  maskSecret(settings.secretScanning.token)
  const dryRun = settings.remediation.dryRun
  // A dry run lists the alerts and resolves none (read-only client, behind the check below).
  const octokit = createOctokit(settings.secretScanning.token, runnerLog, { readOnly: dryRun })
  const view = { accountId: job.accountId, scope: text, dryRun }
  let alerts: LeakAlert[]
  try {
    alerts = await listOpenKeyAlerts(octokit, scope, settings.secretScanning.tokenInput)
  } catch (error) {
    const message = errorMessage(error)
    const none = otherAccountKeys([])
    await writeSummary(
      renderSecretScanningMarkdown(
        { ...view, results: [], others: none, error: message },
        job.run.runUrl
      )
    )
    setSecretScanningOutputs(job.accountId, [], none)
    return { failures: [message] }
  }
  core.info(`Secret scanning: ${alerts.length} open alerts for AWS access key IDs in ${text}.`)

  const ids = alerts.flatMap((a) => (a.accessKeyId ? [a.accessKeyId] : []))
  const v: Verdicts = {
    owners: await keyAccounts(job.clients.sts, ids),
    presence: new Map(),
    revoked: new Map()
  }
  const ours = [...new Set(ids)].filter((id) => {
    const owner = v.owners.get(id)
    return owner !== undefined && 'accountId' in owner && owner.accountId === job.accountId
  })
  for (const id of ours) v.presence.set(id, await keyPresence(job.clients.iam, id))
  const present = ours.filter((id) => 'present' in (v.presence.get(id) ?? {}))

  const failures: string[] = []
  if (present.length > settings.remediation.maxActions) {
    v.capped = `Not revoked: ${present.length} keys of this account are leaked, more than max-actions (${settings.remediation.maxActions}). Check the alerts, then raise max-actions for one run.`
    failures.push(v.capped)
  } else if (present.length > 0) {
    const keys = present.map((accessKeyId) => {
      const where = alerts.find((a) => a.accessKeyId === accessKeyId)?.htmlUrl
      return { accessKeyId, ...(where ? { location: where } : {}) }
    })
    const incident = await runIncidentJob({ ...job, settings: incidentSettings(job, keys) })
    for (const k of incident.report.keys) v.revoked.set(k.accessKeyId, k)
    failures.push(...incident.failures)
  }

  const results: AlertResult[] = []
  for (const alert of alerts) results.push(await alertResult(octokit, alert, v, job))
  const others = otherAccountKeys(results)
  await writeSummary(renderSecretScanningMarkdown({ ...view, results, others }, job.run.runUrl))
  setSecretScanningOutputs(job.accountId, results, others)
  if (others.include.length > 0) {
    core.warning(
      `Leaked keys of other accounts, left open for their own run: ${others.include.map((o) => `${o['account-id']}: ${o['access-key-ids']}`).join('; ')}.`
    )
  }
  // A capped run already failed once for all its keys; every other alert a person must see fails.
  for (const r of results) {
    const capped = v.capped !== undefined && r.detail === v.capped
    if (NEEDS_PERSON.has(r.outcome) && !capped) {
      failures.push(`Secret-scanning alert ${r.repository}#${r.number}: ${r.detail ?? r.outcome}`)
    }
  }
  return { failures: [...new Set(failures)] }
}
