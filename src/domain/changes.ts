// What the remediation plans and what applying it did, as the reports, summaries and outputs
// carry it. Plain data: the planner (src/plan) makes plans, src/act makes the records.
import { isIamName } from './iam-name.js'
import type { KeyStatus, RemediationAction } from './types.js'

export type ChangeKind = 'deactivate' | 'delete'

export interface PlannedChange {
  kind: ChangeKind
  userName: string
  accessKeyId: string
  /** With the status, what the key must still look like right before the change. */
  createDate: Date
  fromStatus: KeyStatus
  reason: string
}

/** A key flagged for action that this run leaves alone, and why. */
export interface Hold {
  userName: string
  accessKeyId: string
  reason: string
}

export interface Plan {
  action: RemediationAction
  dryRun: boolean
  maxActions: number
  changes: PlannedChange[]
  /** Inactive keys seen for the first time under action: delete; their grace period starts now. */
  graceStarts: { userName: string; accessKeyId: string }[]
  holds: Hold[]
  /** More changes than max-actions: nothing is changed this run. */
  capExceeded: boolean
}

/**
 * `already-done`: at the re-read the key was already what the change would make it (another run
 * or a person got there first), so nothing was written. `claimed`: another run holds the claim on
 * the key and is changing it. Neither gets an undo command, and neither counts against fail-on.
 */
export type ChangeResult =
  | 'planned'
  | 'applied'
  | 'already-done'
  | 'claimed'
  | 'skipped'
  | 'failed'
  /** Not started: the job was cancelled first. */
  | 'cancelled'

/** Results after which the key needs nothing more from this run. */
export const HANDLED_RESULTS: ReadonlySet<ChangeResult> = new Set([
  'applied',
  'already-done',
  'claimed'
])

/** One change as it goes into the report: enough to audit it and to undo it. */
export interface ChangeRecord {
  kind: ChangeKind
  userName: string
  accessKeyId: string
  reason: string
  result: ChangeResult
  detail?: string
  before: { status: KeyStatus; createDate: string }
  after?: { status: KeyStatus | 'Deleted' }
  at: string
  /** The AWS CLI command that reverses the change; deletions cannot be undone. */
  undo?: string
}

/** The command that reactivates a deactivated key; none for a deletion or a name unsafe to paste. */
export function undoCommand(
  change: Pick<PlannedChange, 'kind' | 'userName' | 'accessKeyId'>
): string | undefined {
  if (change.kind !== 'deactivate') return undefined
  if (!isIamName(change.userName) || !isIamName(change.accessKeyId)) return undefined
  return `aws iam update-access-key --user-name ${change.userName} --access-key-id ${change.accessKeyId} --status Active`
}

export interface ChangeCounts {
  /** Applied deactivations and deletions (the deactivated-count and deleted-count outputs). */
  deactivated: number
  deleted: number
  failed: number
  planned: number
  /** Not started because the job was cancelled. */
  cancelled: number
}

/** The one count of a run's changes, for outputs, subjects, totals and verdicts. */
export function countChanges(
  changes: readonly Pick<ChangeRecord, 'kind' | 'result'>[]
): ChangeCounts {
  const counts: ChangeCounts = { deactivated: 0, deleted: 0, failed: 0, planned: 0, cancelled: 0 }
  for (const { kind, result } of changes) {
    if (result === 'applied' && kind === 'deactivate') counts.deactivated++
    else if (result === 'applied' && kind === 'delete') counts.deleted++
    else if (result === 'failed' || result === 'planned' || result === 'cancelled') counts[result]++
  }
  return counts
}
