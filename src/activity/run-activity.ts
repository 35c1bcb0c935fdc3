// The CloudTrail activity of one run's keys, with the activity inputs: the audit's (changed or
// flagged keys) and the incident's (revoked keys, and exposed keys whose owner is unknown).
import type { AwsCredentials } from '../aws/clients.js'
import type { ActivitySummary } from '../domain/activity.js'
import type { ChangeRecord } from '../domain/changes.js'
import { isFlagged } from '../domain/classify.js'
import type { IncidentKeyResult } from '../domain/incident.js'
import type { ActivitySettings } from '../domain/settings.js'
import type { Finding } from '../domain/types.js'
import type { Log } from '../kit/log.js'
import type { ActivityTarget } from './key-run.js'
import { lookupActivity } from './lookup.js'
import { selectActivityTargets } from './targets.js'

interface RunLookup {
  settings: ActivitySettings
  /** The end of the window. */
  now: Date
  credentials?: AwsCredentials
  log: Log
}

const ref = (k: { accessKeyId: string; userName: string }) => ({
  accessKeyId: k.accessKeyId,
  userName: k.userName
})

/** The keys activity-for names in an audit: those this run changed (attempted) or every flagged key. */
export function auditTargets(
  activityFor: ActivitySettings['activityFor'],
  findings: readonly Finding[],
  changes: readonly ChangeRecord[]
): ActivityTarget[] {
  return selectActivityTargets(activityFor, {
    flagged: findings.filter((k) => isFlagged(k.class)).map(ref),
    // A change that was attempted (applied, failed or skipped) is one someone will look into.
    changed: changes.filter((c) => c.result !== 'planned').map(ref)
  })
}

/**
 * Revoked keys are looked up by key ID and by user name: sessions minted with the key carry
 * other key IDs. A key whose owner is unknown can only be looked up by its ID; an entity that is
 * not a key ID has nothing CloudTrail could be asked about.
 */
export function incidentTargets(
  activityFor: ActivitySettings['activityFor'],
  results: readonly IncidentKeyResult[]
): ActivityTarget[] {
  const known = results.flatMap((r) => (r.userName ? [ref({ ...r, userName: r.userName })] : []))
  const unknownOwner = results.filter((r) => !r.userName && !r.unusableEntity)
  return [
    ...selectActivityTargets(activityFor, { flagged: [], changed: [], revoked: known }),
    ...(activityFor === 'none'
      ? []
      : unknownOwner.map((r) => ({ accessKeyId: r.accessKeyId, byUsername: false })))
  ]
}

/** One lookup of the targets; regions that fail are in the summaries, never thrown. */
export async function lookUpRunActivity(
  targets: readonly ActivityTarget[],
  run: RunLookup
): Promise<ActivitySummary[]> {
  if (targets.length === 0) return []
  const { settings } = run
  const summaries = await lookupActivity(targets, {
    regions: settings.regions,
    lookbackHours: settings.lookbackHours,
    maxEvents: settings.maxEvents,
    now: run.now,
    ...(run.credentials ? { credentials: run.credentials } : {}),
    log: (line) => run.log.info(line)
  })
  return [...summaries.values()]
}
