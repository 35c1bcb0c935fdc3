// Who needs a key's ID. The credential report has no key IDs: a key it vouches for is named by
// its user and slot (access_key_1 or _2) unless a channel of this run needs the ID, and only then
// is the user read live (one ListAccessKeys). Overdue, unused and inactive keys are always read
// live (they are acted on, get issues and reminders); this rule is about due-soon keys. Pure.
import { destinationFor } from './rotation.js'
import type { AuditSettings } from './settings.js'
import type { KeyStatus, LastUse, RatedExemption } from './types.js'

/** Why this run needs the IDs of due-soon keys; empty: due-soon keys are named by slot. */
export interface DueSoonIdNeed {
  /** The settings that need them, as the inputs say them ("issue-for: due-soon"). */
  reasons: string[]
  /** Whether this user's due-soon keys must be named by ID (read live). */
  forUser: (userName: string) => boolean
}

type NamingSettings = Pick<AuditSettings, 'issues' | 'reminders' | 'rotation' | 'activity'> &
  Partial<Pick<AuditSettings, 'findingsExport'>>

/**
 * - issue-for: due-soon (issues on): one issue per due-soon key, its marker the key's ID;
 * - the owners file's reminder ladder with a rung before the deadline: it posts on those issues;
 * - rotate-on: due-soon (action: rotate): the mapped users' due-soon keys get a new key;
 * - activity-for: flagged: CloudTrail is looked up by key ID, due-soon keys are flagged;
 * - security-hub or ocsf-report: a finding names its key (resource AwsIamAccessKey, a stable
 *   finding ID per key), so it must not change when the key is later read by ID.
 * No remediation action acts on a due-soon key (deactivate and delete take overdue, unused and
 * inactive ones), so no other setting needs one.
 */
export function dueSoonIdNeed(s: NamingSettings): DueSoonIdNeed {
  const issues = s.issues.enabled && s.issues.issueFor === 'due-soon'
  const ladder = issues && (s.reminders?.daysBefore.length ?? 0) > 0
  const exports = s.findingsExport
  const everyone =
    issues || s.activity.activityFor === 'flagged' || !!exports?.securityHub || !!exports?.ocsf
  const rotation = s.rotation?.rotateOn === 'due-soon' ? s.rotation.map : undefined
  const reasons = [
    ...(issues ? ['issue-for: due-soon'] : []),
    ...(ladder ? ['reminder-days (a rung before the deadline)'] : []),
    ...(rotation ? ['rotate-on: due-soon'] : []),
    ...(s.activity.activityFor === 'flagged' ? ['activity-for: flagged'] : []),
    ...(exports?.securityHub ? ['security-hub: true'] : []),
    ...(exports?.ocsf ? ['ocsf-report: true'] : [])
  ]
  return {
    reasons,
    forUser: (userName) =>
      everyone || (rotation !== undefined && destinationFor(rotation, userName) !== undefined)
  }
}

/** Needs no ID at all: every due-soon key may be named by slot. */
export const NO_ID_NEEDED: DueSoonIdNeed = { reasons: [], forUser: () => false }

/** A key the credential report shows and no one needs the ID of: its user was not read live. */
export interface SlotKey {
  userName: string
  slot: 1 | 2
  status: KeyStatus
  createDate: Date
  /** As of the report's generation. */
  lastUse: LastUse
}

/** A due-soon key named by slot, classed; exempt when an exemption holds it back. */
export interface SlotFinding extends SlotKey {
  class: 'due-soon' | 'exempt'
  rawClass: 'due-soon'
  ageDays: number
  idleDays?: number
  daysToDeadline: number
  exemption?: RatedExemption
  expiredExemption?: RatedExemption
}
