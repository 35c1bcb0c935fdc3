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
  /**
   * Incident mode: also the region where IAM, STS (global endpoint) and sign-in events are
   * recorded, and the evidence read from the events (sessions minted are followed).
   */
  incident?: { awsRegion: string }
}

/**
 * Where CloudTrail records the events of global services (IAM, STS's global endpoint, console
 * sign-in): us-east-1 in the commercial partition, and each other partition's first region.
 */
export function globalEventsRegion(awsRegion: string): string {
  if (awsRegion.startsWith('us-gov-')) return 'us-gov-west-1'
  if (awsRegion.startsWith('cn-')) return 'cn-north-1'
  return 'us-east-1'
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
  const { settings, incident } = run
  const regions = incident
    ? [...new Set([...settings.regions, globalEventsRegion(incident.awsRegion)])]
    : settings.regions
  const summaries = await lookupActivity(targets, {
    regions,
    ...(incident ? { evidence: true } : {}),
    lookbackHours: settings.lookbackHours,
    maxEvents: settings.maxEvents,
    now: run.now,
    ...(run.credentials ? { credentials: run.credentials } : {}),
    log: (line) => run.log.info(line)
  })
  return [...summaries.values()]
}
