// The REST API's JSON shapes of issues, comments and labels, with their URLs (users and
// repositories: account-json.ts).
import { BOT_LOGIN, userJson as accountJson } from './account-json.js'
import { sameName } from './http.js'
import type { FakeComment, FakeIssue, FakeLabel } from './types.js'

export { BOT_LOGIN }
export const FALLBACK_TIME = '2024-01-01T00:00:00Z'

/** What the shapes need of the repository: where it is served, and its labels. */
export interface RepoView {
  url: string
  owner: string
  repo: string
  labels: readonly FakeLabel[]
}

function repoApiUrl(view: RepoView): string {
  return `${view.url}/repos/${view.owner}/${view.repo}`
}

export function issueApiUrl(view: RepoView, issue: FakeIssue): string {
  return `${repoApiUrl(view)}/issues/${issue.number}`
}

export function labelApiUrl(view: RepoView, label: FakeLabel): string {
  return `${repoApiUrl(view)}/labels/${encodeURIComponent(label.name)}`
}

function htmlUrl(view: RepoView, kind: string, number: number): string {
  return `https://github.com/${view.owner}/${view.repo}/${kind}/${number}`
}

function userJson(view: RepoView, login: string): Record<string, unknown> {
  return accountJson(view.url, login)
}

export function labelJson(view: RepoView, label: FakeLabel): Record<string, unknown> {
  const id = 5000 + Math.max(view.labels.indexOf(label), 0)
  return {
    id,
    node_id: `LA_fake${id}`,
    url: labelApiUrl(view, label),
    name: label.name,
    color: label.color,
    default: false,
    description: label.description ?? null
  }
}

/** The REST shape; note `comments` is a count there, not the list the fake stores. */
export function issueJson(view: RepoView, issue: FakeIssue): Record<string, unknown> {
  const apiUrl = issueApiUrl(view, issue)
  const assignees = issue.assignees.map((assignee) => userJson(view, assignee.login))
  const created = issue.created_at ?? FALLBACK_TIME
  return {
    id: 100_000 + issue.number,
    node_id: `I_fake${issue.number}`,
    url: apiUrl,
    repository_url: repoApiUrl(view),
    labels_url: `${apiUrl}/labels{/name}`,
    comments_url: `${apiUrl}/comments`,
    events_url: `${apiUrl}/events`,
    html_url: htmlUrl(view, issue.pull_request ? 'pull' : 'issues', issue.number),
    number: issue.number,
    state: issue.state,
    state_reason: issue.state_reason ?? null,
    title: issue.title,
    body: issue.body ?? null,
    user: userJson(view, issue.user ?? BOT_LOGIN),
    labels: issue.labels.map((label) =>
      labelJson(
        view,
        view.labels.find((l) => sameName(l.name, label.name)) ?? {
          name: label.name,
          color: 'ededed'
        }
      )
    ),
    assignee: assignees[0] ?? null,
    assignees,
    milestone: null,
    locked: false,
    comments: issue.comments.length,
    created_at: created,
    updated_at: issue.updated_at ?? created,
    closed_at: issue.closed_at ?? null,
    author_association: 'NONE',
    ...(issue.pull_request ? { pull_request: pullRequestLinks(view, issue) } : {})
  }
}

function pullRequestLinks(view: RepoView, issue: FakeIssue): Record<string, unknown> {
  const html = htmlUrl(view, 'pull', issue.number)
  return {
    url: `${repoApiUrl(view)}/pulls/${issue.number}`,
    html_url: html,
    diff_url: `${html}.diff`,
    patch_url: `${html}.patch`,
    merged_at: issue.pull_request?.merged_at ?? null
  }
}

export function commentJson(view: RepoView, issue: FakeIssue, comment: FakeComment, index: number) {
  const id = comment.id ?? issue.number * 1000 + index
  const created = comment.created_at ?? issue.created_at ?? FALLBACK_TIME
  return {
    id,
    node_id: `IC_fake${id}`,
    url: `${repoApiUrl(view)}/issues/comments/${id}`,
    html_url: `${htmlUrl(view, 'issues', issue.number)}#issuecomment-${id}`,
    issue_url: issueApiUrl(view, issue),
    body: comment.body,
    user: userJson(view, comment.user ?? BOT_LOGIN),
    created_at: created,
    updated_at: created,
    author_association: 'NONE'
  }
}
