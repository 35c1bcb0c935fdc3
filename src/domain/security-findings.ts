// The findings the action hands to a security tool (Security Hub as ASFF, a SIEM as OCSF): one
// per key, per user with two active keys, per account with root keys, per exposure revoked.
// Each has an ID that stays the same across runs, so a key that goes from due soon to overdue
// updates its finding instead of opening a second one. Types and the sync rule only; the
// renderers build them and map them to each format.

/** What a finding is about, most urgent first in SEVERITY_OF. */
export type SecurityFindingKind =
  'exposure-revoked' | 'root-access-keys' | 'overdue' | 'unused' | 'due-soon' | 'two-active-keys'

/** ASFF's severity labels (OCSF's severity_id maps from them). */
export type SeverityLabel = 'CRITICAL' | 'HIGH' | 'MEDIUM' | 'LOW'

export const SEVERITY_OF: Record<SecurityFindingKind, SeverityLabel> = {
  'exposure-revoked': 'CRITICAL',
  'root-access-keys': 'CRITICAL',
  overdue: 'HIGH',
  unused: 'MEDIUM',
  'due-soon': 'LOW',
  'two-active-keys': 'LOW'
}

/**
 * Who wrote a finding: the audit owns every kind but exposures, which incident mode writes. Each
 * run reads only its own generators' findings back.
 */
export type FindingGenerator = 'audit' | 'exposure'

export const GENERATOR_ID: Record<FindingGenerator, string> = {
  audit: 'iam-key-sentinel/audit',
  exposure: 'iam-key-sentinel/exposure'
}

export interface SecurityFinding {
  /** Stable: see securityFindingId. */
  id: string
  generator: FindingGenerator
  kind: SecurityFindingKind
  severity: SeverityLabel
  title: string
  description: string
  /** What to do, one paragraph of plain text. */
  remediation: string
  accountId: string
  userName?: string
  /** The key, when the finding is about one known by ID. */
  key?: { accessKeyId: string; status: 'Active' | 'Inactive'; createDate: Date }
  /** The key's GitHub issue, when the run knows it. */
  issueUrl?: string
}

/** `iam-key-sentinel/<account>/<subject>`: the subject is the key, the user or the root user. */
export function securityFindingId(
  accountId: string,
  subject:
    | { accessKeyId: string; exposure?: boolean }
    | { userName: string; twoActiveKeys: true }
    | { root: true }
): string {
  const base = `iam-key-sentinel/${accountId}`
  if ('root' in subject) return `${base}/root/access-keys`
  if ('userName' in subject) return `${base}/user/${subject.userName}/two-active-keys`
  return `${base}/${subject.accessKeyId}${subject.exposure ? '/exposure' : ''}`
}

/** A finding of this action's as the tool holds it: what a run needs to update or resolve it. */
export interface StoredFinding {
  id: string
  generator: FindingGenerator
  kind?: SecurityFindingKind
  userName?: string
  accessKeyId?: string
  createdAt: string
  firstObservedAt?: string
  /** Security Hub's Workflow.Status: NEW, NOTIFIED, RESOLVED or SUPPRESSED. */
  workflowStatus: string
}

/** What one run writes: every current finding imported, those gone resolved, those back reopened. */
export interface FindingSyncPlan {
  /** Each current finding, with the first-seen times of its stored self when there is one. */
  imports: { finding: SecurityFinding; createdAt?: string; firstObservedAt?: string }[]
  /** Stored findings no longer current: their key was rotated, deleted or exempted. */
  resolve: StoredFinding[]
  /** Stored findings a person or an earlier run resolved that are current again. */
  reopen: StoredFinding[]
}

/** Statuses a person set on purpose or that are already done: never touched by a run. */
const SETTLED = new Set(['RESOLVED', 'SUPPRESSED'])

/**
 * The writes that make the tool agree with this run. `canResolve` says whether the run saw
 * enough to call a stored finding gone (a user whose keys could not be read proves nothing).
 * A suppressed finding is a person's decision and stays as it is, even when current again.
 */
export function planFindingSync(
  current: readonly SecurityFinding[],
  stored: readonly StoredFinding[],
  canResolve: (finding: StoredFinding) => boolean
): FindingSyncPlan {
  const byId = new Map(stored.map((s) => [s.id, s]))
  const currentIds = new Set(current.map((f) => f.id))
  return {
    imports: current.map((finding) => {
      const before = byId.get(finding.id)
      return before
        ? {
            finding,
            createdAt: before.createdAt,
            ...(before.firstObservedAt ? { firstObservedAt: before.firstObservedAt } : {})
          }
        : { finding }
    }),
    resolve: stored.filter(
      (s) => !currentIds.has(s.id) && !SETTLED.has(s.workflowStatus) && canResolve(s)
    ),
    reopen: stored.filter((s) => currentIds.has(s.id) && s.workflowStatus === 'RESOLVED')
  }
}
