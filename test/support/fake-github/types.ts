// The public types of the fake GitHub: issues, comments and labels as it stores them, the
// requests it records, faults and options.

type IssueState = 'open' | 'closed'
export type StateReason = 'completed' | 'not_planned' | 'reopened'

export interface FakeComment {
  body: string
  id?: number
  user?: string
  created_at?: string
}

/** An issue as the fake stores it; seed by pushing to `issues` or calling `seedIssue`. */
export interface FakeIssue {
  number: number
  title: string
  body?: string | null
  state: IssueState
  state_reason?: StateReason | null
  labels: { name: string }[]
  assignees: { login: string }[]
  comments: FakeComment[]
  /** Present on pull requests: the issues API lists them too, and callers must skip them. */
  pull_request?: { merged_at?: string | null }
  user?: string
  created_at?: string
  updated_at?: string
  closed_at?: string | null
  /** Set by GraphQL's pinIssue (REST has no pin endpoint). */
  pinned?: boolean
}

export interface FakeLabel {
  name: string
  color: string
  description?: string | null
}

export interface RecordedRequest {
  method: string
  /** Decoded path without the query string, e.g. `/repos/o/r/labels/key rotation`. */
  path: string
  query: Record<string, string>
  /** Parsed JSON body, or undefined when there was none (or it was not JSON). */
  body: unknown
  status: number
  /** Date.now() when the answer was sent. */
  at: number
}

export interface FaultSpec {
  /** Matches any method when omitted. */
  method?: string
  /** Exact decoded path, or a RegExp tested against it; matches any path when omitted. */
  path?: string | RegExp
  /** How many matching requests to fail; unlimited (until `clearFaults`) when omitted. */
  times?: number
  status: number
  /** JSON body; defaults to `{ message: <status text>, documentation_url }`. */
  body?: unknown
  headers?: Record<string, string>
}

export interface ActiveFault extends FaultSpec {
  /** How many requests this fault has answered so far. */
  hits: number
}

export interface IssuedToken {
  audience: string
  token: string
}

export interface FakeGitHubOptions {
  /** Token the REST API accepts (`Authorization: token X` or `Bearer X`). */
  token?: string
  /** Bearer the OIDC endpoint accepts: the value for ACTIONS_ID_TOKEN_REQUEST_TOKEN. */
  idTokenRequestToken?: string
  owner?: string
  repo?: string
  /** per_page when the caller sends none (GitHub: 30). */
  pageSize?: number
  /** Upper bound on per_page (GitHub: 100); set it low to force paging on any caller. */
  maxPerPage?: number
  /** Logins that can be assigned; defaults to the owner. */
  collaborators?: string[]
  /** The first N OIDC token requests fail with `oidcFailureStatus`. */
  oidcFailures?: number
  /** Status for `oidcFailures` (default 500; 502/503/504 are retried by @actions/http-client). */
  oidcFailureStatus?: number
  /** Refuse every token request, as for a workflow without `permissions: id-token: write`. */
  oidcDisabled?: boolean
  /**
   * What create/update do with assignees who are not collaborators: `drop` them silently
   * (default), or `reject` with 422 `invalid` on the `assignees` field.
   */
  invalidAssignees?: 'drop' | 'reject'
  /** Seed one open pull request (#1) so list callers must skip it (default true). */
  seedPullRequest?: boolean
  /** The token the Actions secrets API accepts (rotation's delivery-token); none by default. */
  deliveryToken?: string
  /**
   * The identity `token` acts as: the author of what it creates, and GraphQL's `viewer`. The
   * job's GITHUB_TOKEN acts as github-actions[bot] (the default); a personal token as its user.
   */
  tokenLogin?: string
}

/** A secret-scanning alert as the fake stores it; seed with `seedSecretScanningAlert`. */
export interface FakeSecretScanningAlert {
  /** Per repository, as GitHub numbers them. */
  number: number
  /** The repository the secret was found in, `owner/repo`; defaults to the fake's repository. */
  repository: string
  secret_type: string
  secret: string
  state: 'open' | 'resolved'
  resolution: 'false_positive' | 'wont_fix' | 'revoked' | 'used_in_tests' | null
  resolution_comment: string | null
  resolved_at: string | null
  created_at: string
}
