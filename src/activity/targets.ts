// Which keys get a CloudTrail lookup, from the `activity-for` input and what the run did.
import type { ActivityFor } from '../domain/settings.js'
import type { ActivityTarget } from './key-run.js'

interface KeyRef {
  accessKeyId: string
  userName: string
}

export interface RunKeys {
  /** Every key with a class other than ok (exempt keys are the caller's call). */
  flagged: readonly KeyRef[]
  /** Keys deactivated or deleted by this run. */
  changed: readonly KeyRef[]
  /** Keys revoked in incident mode: also looked up by user name, for the sessions made with them. */
  revoked?: readonly KeyRef[]
}

/**
 * none: no lookups; changed: the keys changed or revoked; flagged: those and every flagged key.
 * Order: revoked, changed, flagged, so the keys that matter most come first in the report.
 */
export function selectActivityTargets(activityFor: ActivityFor, keys: RunKeys): ActivityTarget[] {
  if (activityFor === 'none') return []
  const revoked = keys.revoked ?? []
  const groups = activityFor === 'flagged' ? [keys.changed, keys.flagged] : [keys.changed]
  const targets = new Map<string, ActivityTarget>()
  for (const key of revoked) targets.set(key.accessKeyId, { ...key, byUsername: true })
  for (const key of groups.flat()) {
    if (!targets.has(key.accessKeyId)) targets.set(key.accessKeyId, { ...key, byUsername: false })
  }
  return [...targets.values()]
}
