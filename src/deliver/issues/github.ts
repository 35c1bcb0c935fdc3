// GitHub I/O for the rotation issues: list, label, assign, write.
import { addDays } from '../../domain/dates.js'
import { parseMarker } from '../../domain/issue-marker.js'
import { errorMessage } from '../../kit/errors.js'
import {
  httpStatus,
  isPermissionDenied,
  IssuesPermissionError,
  rethrowPermission,
  type Octokit,
  type Repo
} from '../../github/client.js'
import type { Owner } from '../../render/issue.js'
import type { UserOwners } from '../../domain/owners.js'
import { runnerLog } from '../runner.js'
import type { ExistingIssue, IssueAction, IssueTarget } from './plan.js'

export const ISSUES_PERMISSION_HINT =
  'Give the job `permissions: issues: write` (and pass `github-token`), or set `create-issues: false`.'

/** Closed issues older than this are not reopened: a key flagged again after that gets a new issue. */
const RECENTLY_CLOSED_DAYS = 180

const LABEL_STYLE: Record<string, { color: string; description: string }> = {
  'security-incident': {
    color: 'b60205',
    description: 'Exposed AWS access key handled by IAM Key Sentinel'
  }
}
const DEFAULT_LABEL_STYLE = {
  color: 'd93f0b',
  description: 'AWS access key that IAM Key Sentinel asks to rotate'
}

export async function ensureLabels(
  octokit: Octokit,
  repo: Repo,
  labels: readonly string[]
): Promise<void> {
  for (const name of labels) {
    try {
      await octokit.rest.issues.getLabel({ ...repo, name })
    } catch (error) {
      if (httpStatus(error) !== 404) rethrowPermission(error)
      try {
        await octokit.rest.issues.createLabel({
          ...repo,
          name,
          ...(LABEL_STYLE[name] ?? DEFAULT_LABEL_STYLE)
        })
      } catch (createError) {
        // Another job created it meanwhile: fine.
        if (httpStatus(createError) !== 422) rethrowPermission(createError)
      }
    }
  }
}

export interface SentinelIssues {
  keys: ExistingIssue[]
  rollup?: ExistingIssue & { accessKeyId: '' }
  /** Some listed issue carries another account's marker: the repository serves several accounts. */
  otherAccounts: boolean
}

/**
 * Issues of this account, by their marker: every open one and those closed recently,
 * listed by label (never the search API, which lags) and paginated; pull requests skipped.
 */
export async function listSentinelIssues(
  octokit: Octokit,
  repo: Repo,
  labels: readonly string[],
  accountId: string,
  now: Date
): Promise<SentinelIssues> {
  const common = { ...repo, labels: labels.join(','), per_page: 100 }
  const found: SentinelIssues = { keys: [], otherAccounts: false }
  const seen = new Set<number>()
  const listings = [
    { state: 'open' as const },
    { state: 'closed' as const, since: addDays(now, -RECENTLY_CLOSED_DAYS).toISOString() }
  ]
  for (const listing of listings) {
    const issues = await octokit.paginate(octokit.rest.issues.listForRepo, {
      ...common,
      ...listing
    })
    for (const issue of issues) {
      if (issue.pull_request || seen.has(issue.number)) continue
      seen.add(issue.number)
      const marker = parseMarker(issue.body)
      if (marker && marker.accountId !== accountId) found.otherAccounts = true
      if (!marker || marker.accountId !== accountId) continue
      const base = {
        number: issue.number,
        state: issue.state === 'open' ? ('open' as const) : ('closed' as const),
        title: issue.title,
        body: issue.body ?? '',
        assignees: (issue.assignees ?? []).map((a) => a.login)
      }
      if (marker.kind === 'rollup') {
        if (!found.rollup || base.state === 'open') found.rollup = { ...base, accessKeyId: '' }
      } else found.keys.push({ ...base, accessKeyId: marker.accessKeyId })
    }
  }
  return found
}

const LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/

/** Whether GitHub lets this repository's issues be assigned to the login, asked once per login. */
async function canAssign(
  octokit: Octokit,
  repo: Repo,
  login: string,
  cache: Map<string, boolean>
): Promise<boolean> {
  if (!cache.has(login)) {
    try {
      await octokit.rest.issues.checkUserCanBeAssigned({ ...repo, assignee: login })
      cache.set(login, true)
    } catch (error) {
      if (httpStatus(error) !== 404)
        runnerLog.warning(`Checking assignee ${login}: ${errorMessage(error)}`)
      cache.set(login, false)
    }
  }
  return cache.get(login) ?? false
}

/** The owner from the owner tag, checked once per login against the repository's assignees. */
export async function resolveOwner(
  octokit: Octokit,
  repo: Repo,
  value: string | undefined,
  cache: Map<string, boolean>
): Promise<Owner> {
  if (value === undefined || value.trim() === '') return { kind: 'none' }
  const login = value.trim().replace(/^@/, '')
  if (!LOGIN.test(login)) return { kind: 'invalid', value }
  return (await canAssign(octokit, repo, login, cache))
    ? { kind: 'assignable', login }
    : { kind: 'refused', login }
}

/** The owners file's people for a user, split into those GitHub can assign and the rest. */
export async function resolveOwnersFile(
  octokit: Octokit,
  repo: Repo,
  owners: UserOwners,
  cache: Map<string, boolean>
): Promise<Extract<Owner, { kind: 'owners-file' }>> {
  const assigned: string[] = []
  const refused: string[] = []
  for (const login of owners.githubUsers) {
    ;((await canAssign(octokit, repo, login, cache)) ? assigned : refused).push(login)
  }
  return {
    kind: 'owners-file',
    assigned,
    refused,
    githubTeams: owners.githubTeams,
    emails: owners.emails,
    teams: owners.teams
  }
}

export interface AppliedIssue {
  kind: IssueAction['kind']
  number: number
  accessKeyId: string
  error?: string
}

async function write(
  octokit: Octokit,
  repo: Repo,
  action: IssueAction,
  labels: readonly string[]
): Promise<number> {
  const assignees = (t: IssueTarget) =>
    t.assignees && t.assignees.length > 0 ? { assignees: [...t.assignees] } : {}
  switch (action.kind) {
    case 'create': {
      const { data } = await octokit.rest.issues.create({
        ...repo,
        title: action.target.title,
        body: action.target.body,
        labels: [...labels],
        ...assignees(action.target)
      })
      return data.number
    }
    case 'update':
      await octokit.rest.issues.update({
        ...repo,
        issue_number: action.number,
        title: action.target.title,
        body: action.target.body
      })
      if (action.addAssignees)
        await octokit.rest.issues.addAssignees({
          ...repo,
          issue_number: action.number,
          assignees: action.addAssignees
        })
      return action.number
    case 'reopen':
      await octokit.rest.issues.update({
        ...repo,
        issue_number: action.number,
        state: 'open',
        state_reason: 'reopened',
        title: action.target.title,
        body: action.target.body,
        ...assignees(action.target)
      })
      await octokit.rest.issues.createComment({
        ...repo,
        issue_number: action.number,
        body: 'Reopened by IAM Key Sentinel: this access key needs attention again.'
      })
      return action.number
    case 'close':
      await octokit.rest.issues.createComment({
        ...repo,
        issue_number: action.number,
        body: action.reason.comment
      })
      await octokit.rest.issues.update({
        ...repo,
        issue_number: action.number,
        state: 'closed',
        state_reason: action.reason.stateReason
      })
      return action.number
  }
}

/** Applies each action; one failure does not stop the others, but a permission refusal does. */
export async function applyIssueActions(
  octokit: Octokit,
  repo: Repo,
  actions: readonly IssueAction[],
  labels: readonly string[]
): Promise<AppliedIssue[]> {
  const results: AppliedIssue[] = []
  for (const action of actions) {
    const accessKeyId = action.kind === 'close' ? action.accessKeyId : action.target.accessKeyId
    const number = action.kind === 'create' ? 0 : action.number
    try {
      results.push({
        kind: action.kind,
        accessKeyId,
        number: await write(octokit, repo, action, labels)
      })
    } catch (error) {
      if (isPermissionDenied(error)) throw new IssuesPermissionError(error)
      results.push({ kind: action.kind, accessKeyId, number, error: errorMessage(error) })
    }
  }
  return results
}
