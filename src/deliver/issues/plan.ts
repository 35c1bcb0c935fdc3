// The issue planner: a pure function from the keys that need an issue and the issues that
// exist to the writes that bring GitHub in line. An identical run plans no write at all.
import { bodyContent } from '../../render/issue.js'

export interface ExistingIssue {
  number: number
  state: 'open' | 'closed'
  title: string
  body: string
  accessKeyId: string
  /** Logins assigned now. */
  assignees?: string[]
}

export interface IssueTarget {
  accessKeyId: string
  title: string
  body: string
  /** Set when the issue is opened or reopened. */
  assignees?: string[]
  /**
   * Owners-file people: also added to an open issue that lacks them, so an entry added to the
   * file later reaches the issues already open (the owner tag's login is assigned only when the
   * issue is opened, as it always was).
   */
  reviewedAssignees?: boolean
}

export interface CloseReason {
  comment: string
  stateReason: 'completed' | 'not_planned'
}

export type IssueAction =
  | { kind: 'create'; target: IssueTarget }
  | { kind: 'update'; number: number; target: IssueTarget; addAssignees?: string[] }
  | { kind: 'reopen'; number: number; target: IssueTarget }
  | { kind: 'close'; number: number; accessKeyId: string; reason: CloseReason }

export interface IssuePlan {
  actions: IssueAction[]
  /** Targets beyond max-new-issues: listed in the roll-up issue instead. */
  deferred: IssueTarget[]
  /** Issues already in line: no write. */
  unchanged: number[]
}

export interface IssuePlanInput {
  targets: readonly IssueTarget[]
  existing: readonly ExistingIssue[]
  maxNew: number
  /** Why an open issue's key no longer needs it; undefined keeps it open (e.g. the key could not be read). */
  closeReason: (accessKeyId: string) => CloseReason | undefined
}

function differs(issue: ExistingIssue, target: IssueTarget): boolean {
  return issue.title !== target.title || bodyContent(issue.body) !== bodyContent(target.body)
}

/** Owners-file people the open issue lacks (GitHub compares logins without case). */
function missingAssignees(issue: ExistingIssue, target: IssueTarget): string[] {
  if (!target.reviewedAssignees || !target.assignees) return []
  const have = new Set((issue.assignees ?? []).map((l) => l.toLowerCase()))
  return target.assignees.filter((l) => !have.has(l.toLowerCase()))
}

/** One issue per key: the open one if any, else the most recent closed one. */
function indexByKey(existing: readonly ExistingIssue[]): Map<string, ExistingIssue> {
  const byKey = new Map<string, ExistingIssue>()
  for (const issue of existing) {
    const seen = byKey.get(issue.accessKeyId)
    const better =
      !seen ||
      (issue.state === 'open' && seen.state !== 'open') ||
      (issue.state === seen.state && issue.number > seen.number)
    if (better) byKey.set(issue.accessKeyId, issue)
  }
  return byKey
}

export function planIssues(input: IssuePlanInput): IssuePlan {
  const byKey = indexByKey(input.existing)
  const plan: IssuePlan = { actions: [], deferred: [], unchanged: [] }
  const targeted = new Set<string>()
  let created = 0

  for (const target of input.targets) {
    targeted.add(target.accessKeyId)
    const issue = byKey.get(target.accessKeyId)
    if (!issue) {
      if (created < input.maxNew) {
        plan.actions.push({ kind: 'create', target })
        created++
      } else plan.deferred.push(target)
    } else if (issue.state === 'closed') {
      plan.actions.push({ kind: 'reopen', number: issue.number, target })
    } else {
      const add = missingAssignees(issue, target)
      if (differs(issue, target) || add.length > 0) {
        plan.actions.push({
          kind: 'update',
          number: issue.number,
          target,
          ...(add.length > 0 ? { addAssignees: add } : {})
        })
      } else plan.unchanged.push(issue.number)
    }
  }

  for (const issue of byKey.values()) {
    if (issue.state !== 'open' || targeted.has(issue.accessKeyId)) continue
    const reason = input.closeReason(issue.accessKeyId)
    if (reason)
      plan.actions.push({
        kind: 'close',
        number: issue.number,
        accessKeyId: issue.accessKeyId,
        reason
      })
    else plan.unchanged.push(issue.number)
  }
  return plan
}
