/**
 * A loopback stand-in for the two GitHub services the action talks to: the Actions OIDC token
 * endpoint (what `core.getIDToken` calls) and the REST API for issues, comments, labels and
 * assignees (what `github.getOctokit` calls). Point GITHUB_API_URL at `url` and
 * ACTIONS_ID_TOKEN_REQUEST_URL at `oidcUrl()`, run the action, then inspect `requests`,
 * `issues` and `labels`. Faults can be injected per method and path.
 */
import { randomBytes, randomUUID } from 'node:crypto'
import { createServer, STATUS_CODES } from 'node:http'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { JOB_TOKEN } from './runner-inputs.js'

// ---------------------------------------------------------------------------------------------
// Public types
// ---------------------------------------------------------------------------------------------

export type IssueState = 'open' | 'closed'
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
}

// ---------------------------------------------------------------------------------------------
// Constants
// ---------------------------------------------------------------------------------------------

export const OIDC_PATH = '/_oidc/token'
export const OIDC_ISSUER = 'https://token.actions.githubusercontent.com'
export const DEFAULT_AUDIENCE = 'sts.amazonaws.com'

const DOCS_URL = 'https://docs.github.com/rest'
const BOT_LOGIN = 'github-actions[bot]'
const BOT_ID = 41898282
const FALLBACK_TIME = '2024-01-01T00:00:00Z'
const RATE_LIMIT = 5000
const ID_TOKEN_LIFETIME_SECONDS = 300

// ---------------------------------------------------------------------------------------------
// Small pure helpers
// ---------------------------------------------------------------------------------------------

/** What a handler produces; `send` turns it into an HTTP response. */
interface Reply {
  status: number
  body?: unknown
  headers?: Record<string, string>
}

interface Route {
  method: string
  pattern: RegExp
  handle: (params: string[], url: URL, body: Record<string, unknown>) => Reply
}

function json(status: number, body: unknown, headers?: Record<string, string>): Reply {
  return { status, body, headers }
}

function githubError(status: number, message: string): Reply {
  return json(status, { message, documentation_url: DOCS_URL, status: String(status) })
}

function notFound(): Reply {
  return githubError(404, 'Not Found')
}

function validationFailed(errors: Record<string, unknown>[]): Reply {
  return json(422, { message: 'Validation Failed', errors, documentation_url: DOCS_URL })
}

/** GitHub's answer when a body fails its JSON schema (e.g. a missing required field). */
function invalidRequest(detail: string): Reply {
  return json(422, { message: `Invalid request.\n\n${detail}`, documentation_url: DOCS_URL })
}

/** GitHub timestamps have second precision. */
function nowIso(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z')
}

function sameName(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase()
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {}
}

/** Accepts `['a', 'b']`, `[{ name: 'a' }]` or `'a'`, the shapes GitHub accepts for names. */
function nameList(value: unknown, key = 'name'): string[] | undefined {
  if (value === undefined || value === null) return undefined
  const items = Array.isArray(value) ? value : [value]
  return items
    .map((item) => (typeof item === 'string' ? item : asRecord(item)[key]))
    .filter((item): item is string => typeof item === 'string' && item !== '')
}

function commaList(value: string | null): string[] {
  return (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '')
}

function intParam(url: URL, name: string): number | undefined {
  const parsed = Number.parseInt(url.searchParams.get(name) ?? '', 10)
  return Number.isFinite(parsed) ? parsed : undefined
}

/** Stable fake numeric id for a login, so the same user always looks the same. */
function userId(login: string): number {
  if (login === BOT_LOGIN) return BOT_ID
  return [...login].reduce((hash, char) => (hash * 31 + char.charCodeAt(0)) % 1_000_000, 7) + 1
}

function credential(authorization: string | undefined): string | undefined {
  return /^(?:token|bearer)\s+(\S+)$/i.exec(authorization ?? '')?.[1]
}

function bearer(authorization: string | undefined): string | undefined {
  return /^bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1]
}

function base64urlJson(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url')
}

/** Reads a JWT's claims without verifying anything (the fake's signatures are random bytes). */
export function decodeJwtPayload(token: string): Record<string, unknown> {
  const payload = token.split('.')[1]
  if (payload === undefined) throw new Error('Not a JWT: expected header.payload.signature')
  return asRecord(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')))
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

/** `undefined` for an empty body; `invalid` when the text is not JSON. */
function parseJson(text: string): { value: unknown; invalid: boolean } {
  if (text === '') return { value: undefined, invalid: false }
  try {
    return { value: JSON.parse(text) as unknown, invalid: false }
  } catch {
    return { value: undefined, invalid: true }
  }
}

function decodePath(pathname: string): string {
  try {
    return decodeURIComponent(pathname)
  } catch {
    return pathname
  }
}

function issueTime(issue: FakeIssue, key: 'created_at' | 'updated_at'): number {
  return Date.parse(issue[key] ?? issue.created_at ?? FALLBACK_TIME)
}

function compareIssues(sort: string): (a: FakeIssue, b: FakeIssue) => number {
  const key = (issue: FakeIssue): number =>
    sort === 'comments'
      ? issue.comments.length
      : issueTime(issue, sort === 'updated' ? 'updated_at' : 'created_at')
  // Many issues share a second, so the number breaks ties the way GitHub's ids would.
  return (a, b) => key(a) - key(b) || a.number - b.number
}

// ---------------------------------------------------------------------------------------------
// The fake
// ---------------------------------------------------------------------------------------------

export class FakeGitHub {
  readonly token: string
  readonly idTokenRequestToken: string
  readonly owner: string
  readonly repo: string
  readonly requests: RecordedRequest[] = []
  readonly issues: FakeIssue[] = []
  readonly labels: FakeLabel[] = []
  readonly collaborators: string[]
  readonly tokensIssued: IssuedToken[] = []

  private readonly pageSize: number
  private readonly maxPerPage: number
  private readonly oidcFailureStatus: number
  private readonly oidcDisabled: boolean
  private readonly invalidAssignees: 'drop' | 'reject'
  private readonly routes: Route[]
  private readonly rateLimitReset = Math.floor(Date.now() / 1000) + 3600
  private faults: ActiveFault[] = []
  private oidcFailuresLeft: number
  private rateLimitUsed = 0
  private nextCommentId = 9000
  private server: Server | undefined
  private baseUrl: string | undefined

  constructor(options: FakeGitHubOptions = {}) {
    this.token = options.token ?? JOB_TOKEN
    this.idTokenRequestToken = options.idTokenRequestToken ?? 'fake-id-token-request-token'
    this.owner = options.owner ?? 'octo-org'
    this.repo = options.repo ?? 'iam-keys'
    this.pageSize = options.pageSize ?? 30
    this.maxPerPage = options.maxPerPage ?? 100
    this.collaborators = options.collaborators ?? [this.owner]
    this.oidcFailuresLeft = options.oidcFailures ?? 0
    this.oidcFailureStatus = options.oidcFailureStatus ?? 500
    this.oidcDisabled = options.oidcDisabled ?? false
    this.invalidAssignees = options.invalidAssignees ?? 'drop'
    this.routes = this.buildRoutes()
    if (options.seedPullRequest ?? true) this.seedIssue({ title: 'Bump deps', pull_request: {} })
  }

  // --- lifecycle -------------------------------------------------------------------------------

  /** Listens on 127.0.0.1 at a random port and resolves to the base URL (no trailing slash). */
  async start(): Promise<string> {
    if (this.baseUrl !== undefined) return this.baseUrl
    // A client that hangs up mid-body must not become an unhandled rejection in the test run.
    const server = createServer((req, res) => void this.handle(req, res).catch(() => res.destroy()))
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(0, '127.0.0.1', () => resolve())
    })
    const { port } = server.address() as AddressInfo
    this.server = server
    this.baseUrl = `http://127.0.0.1:${port}`
    return this.baseUrl
  }

  async stop(): Promise<void> {
    const server = this.server
    if (server === undefined) return
    this.server = undefined
    this.baseUrl = undefined
    const closed = new Promise<void>((resolve) => server.close(() => resolve()))
    // Octokit's undici agent keeps sockets alive; close them or `close` waits for their timeout.
    server.closeAllConnections()
    await closed
  }

  get url(): string {
    if (this.baseUrl === undefined) throw new Error('FakeGitHub is not started')
    return this.baseUrl
  }

  /** Value for ACTIONS_ID_TOKEN_REQUEST_URL; it has a query so core's `&audience=` appends. */
  oidcUrl(): string {
    return `${this.url}${OIDC_PATH}?api-version=2.0`
  }

  // --- inspection ------------------------------------------------------------------------------

  /** Requests that change something (anything but GET/HEAD). */
  writes(): RecordedRequest[] {
    return this.requests.filter((request) => request.method !== 'GET' && request.method !== 'HEAD')
  }

  clearRequests(): void {
    this.requests.length = 0
  }

  // --- faults ----------------------------------------------------------------------------------

  addFault(spec: FaultSpec): ActiveFault {
    const fault: ActiveFault = { ...spec, hits: 0 }
    this.faults.push(fault)
    return fault
  }

  clearFaults(): void {
    this.faults = []
  }

  // --- seeding ---------------------------------------------------------------------------------

  /** Adds an issue with GitHub-like defaults and the next free number. */
  seedIssue(fields: Partial<FakeIssue> & { title: string }): FakeIssue {
    const now = nowIso()
    const issue: FakeIssue = {
      number: this.nextIssueNumber(),
      state: 'open',
      labels: [],
      assignees: [],
      comments: [],
      created_at: now,
      updated_at: fields.created_at ?? now,
      // A closed seed looks like one GitHub closed: with a time and a reason.
      closed_at: fields.state === 'closed' ? (fields.updated_at ?? now) : null,
      state_reason: fields.state === 'closed' ? 'completed' : null,
      ...fields
    }
    this.ensureLabels(issue.labels.map((label) => label.name))
    this.issues.push(issue)
    return issue
  }

  // --- request handling ------------------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET'
    const url = new URL(req.url ?? '/', this.baseUrl ?? 'http://127.0.0.1')
    const path = decodePath(url.pathname)
    const body = parseJson(await readBody(req))
    let reply: Reply
    try {
      reply = this.dispatch(method, url, path, req.headers.authorization, body)
    } catch (error) {
      // A bug in the fake should fail the test loudly, not hang the client.
      reply = githubError(500, `FakeGitHub crashed: ${String(error)}`)
    }
    this.record(method, path, url, body.value, reply.status)
    send(res, reply)
  }

  private dispatch(
    method: string,
    url: URL,
    path: string,
    authorization: string | undefined,
    body: { value: unknown; invalid: boolean }
  ): Reply {
    const fault = this.takeFault(method, path)
    if (url.pathname === OIDC_PATH) return fault ?? this.idToken(method, url, authorization)
    return this.withApiHeaders(fault ?? this.api(method, url, authorization, body))
  }

  private record(method: string, path: string, url: URL, body: unknown, status: number): void {
    const query = Object.fromEntries(url.searchParams)
    this.requests.push({ method, path, query, body, status, at: Date.now() })
  }

  private takeFault(method: string, path: string): Reply | undefined {
    const fault = this.faults.find((candidate) => faultMatches(candidate, method, path))
    if (fault === undefined) return undefined
    fault.hits += 1
    const body = fault.body ?? {
      message: STATUS_CODES[fault.status] ?? 'Error',
      documentation_url: DOCS_URL
    }
    return json(fault.status, body, fault.headers)
  }

  private api(
    method: string,
    url: URL,
    authorization: string | undefined,
    body: { value: unknown; invalid: boolean }
  ): Reply {
    if (credential(authorization) !== this.token) return githubError(401, 'Bad credentials')
    if (body.invalid) return githubError(400, 'Problems parsing JSON')
    const rest = this.repoRelativePath(url.pathname)
    if (rest === undefined) return notFound()
    for (const route of this.routes) {
      const match = route.method === method ? route.pattern.exec(rest) : null
      if (match) return route.handle(match.slice(1).map(decodePath), url, asRecord(body.value))
    }
    return notFound()
  }

  /** `/repos/OWNER/REPO/issues` → `/issues`; undefined for any other repository or path. */
  private repoRelativePath(pathname: string): string | undefined {
    const match = /^\/repos\/([^/]+)\/([^/]+)(\/.*)$/.exec(pathname)
    if (!match?.[1] || !match[2] || !match[3]) return undefined
    const sameRepo = sameName(match[1], this.owner) && sameName(match[2], this.repo)
    return sameRepo ? match[3] : undefined
  }

  private withApiHeaders(reply: Reply): Reply {
    this.rateLimitUsed += 1
    const headers = {
      'x-github-api-version-selected': '2022-11-28',
      'x-github-media-type': 'github.v3; format=json',
      'x-github-request-id': randomUUID(),
      'x-ratelimit-limit': String(RATE_LIMIT),
      'x-ratelimit-remaining': String(Math.max(0, RATE_LIMIT - this.rateLimitUsed)),
      'x-ratelimit-used': String(this.rateLimitUsed),
      'x-ratelimit-reset': String(this.rateLimitReset),
      'x-ratelimit-resource': 'core'
    }
    // Fault headers win, so a fault can announce `x-ratelimit-remaining: 0`.
    return { ...reply, headers: { ...headers, ...reply.headers } }
  }

  private buildRoutes(): Route[] {
    const route = (method: string, pattern: RegExp, handle: Route['handle']): Route => ({
      method,
      pattern,
      handle
    })
    return [
      route('GET', /^\/issues$/, (_p, url) => this.listIssues(url)),
      route('POST', /^\/issues$/, (_p, _u, body) => this.createIssue(body)),
      route('GET', /^\/issues\/(\d+)$/, ([n]) => this.withIssue(n, (i) => this.issueReply(i))),
      route('PATCH', /^\/issues\/(\d+)$/, ([n], _u, body) =>
        this.withIssue(n, (i) => this.updateIssue(i, body))
      ),
      route('GET', /^\/issues\/(\d+)\/comments$/, ([n], url) =>
        this.withIssue(n, (i) => this.listComments(i, url))
      ),
      route('POST', /^\/issues\/(\d+)\/comments$/, ([n], _u, body) =>
        this.withIssue(n, (i) => this.createComment(i, body))
      ),
      route('POST', /^\/issues\/(\d+)\/assignees$/, ([n], _u, body) =>
        this.withIssue(n, (i) => this.addAssignees(i, body))
      ),
      route('GET', /^\/assignees\/([^/]+)$/, ([login]) => this.checkAssignee(login ?? '')),
      route('GET', /^\/labels\/([^/]+)$/, ([name]) => this.getLabel(name ?? '')),
      route('POST', /^\/labels$/, (_p, _u, body) => this.createLabel(body))
    ]
  }

  // --- OIDC ------------------------------------------------------------------------------------

  private idToken(method: string, url: URL, authorization: string | undefined): Reply {
    if (method !== 'GET') return notFound()
    if (bearer(authorization) !== this.idTokenRequestToken) {
      return json(401, { message: 'Unauthorized: invalid ACTIONS_ID_TOKEN_REQUEST_TOKEN' })
    }
    if (this.oidcDisabled) {
      return json(403, { message: 'Forbidden: the workflow lacks permissions: id-token: write' })
    }
    if (this.oidcFailuresLeft > 0) {
      this.oidcFailuresLeft -= 1
      return json(this.oidcFailureStatus, { message: 'Injected OIDC failure' })
    }
    const audience = url.searchParams.get('audience') || DEFAULT_AUDIENCE
    const token = this.mintIdToken(audience)
    this.tokensIssued.push({ audience, token })
    return json(200, { value: token })
  }

  private mintIdToken(audience: string): string {
    const iat = Math.floor(Date.now() / 1000)
    const claims = {
      jti: randomUUID(),
      sub: `repo:${this.owner}/${this.repo}:ref:refs/heads/main`,
      aud: audience,
      ref: 'refs/heads/main',
      repository: `${this.owner}/${this.repo}`,
      repository_owner: this.owner,
      event_name: 'schedule',
      runner_environment: 'github-hosted',
      iss: OIDC_ISSUER,
      nbf: iat,
      iat,
      exp: iat + ID_TOKEN_LIFETIME_SECONDS
    }
    const header = { alg: 'RS256', typ: 'JWT', kid: 'fake-github-key' }
    return [
      base64urlJson(header),
      base64urlJson(claims),
      randomBytes(32).toString('base64url')
    ].join('.')
  }

  // --- issues ----------------------------------------------------------------------------------

  private listIssues(url: URL): Reply {
    const state = url.searchParams.get('state') ?? 'open'
    if (!['open', 'closed', 'all'].includes(state)) {
      return validationFailed([{ resource: 'Issue', field: 'state', code: 'invalid' }])
    }
    const labels = commaList(url.searchParams.get('labels'))
    const since = Date.parse(url.searchParams.get('since') ?? '')
    const matching = this.issues.filter(
      (issue) =>
        (state === 'all' || issue.state === state) &&
        labels.every((name) => issue.labels.some((label) => sameName(label.name, name))) &&
        (Number.isNaN(since) || issueTime(issue, 'updated_at') >= since)
    )
    const sorted = matching.sort(compareIssues(url.searchParams.get('sort') ?? 'created'))
    if (url.searchParams.get('direction') !== 'asc') sorted.reverse()
    return this.page(
      sorted.map((issue) => this.issueJson(issue)),
      url
    )
  }

  private createIssue(body: Record<string, unknown>): Reply {
    const title = body.title
    if (typeof title !== 'string' && typeof title !== 'number') {
      return invalidRequest('"title" wasn\'t supplied.')
    }
    const assignees = this.assignable(nameList(body.assignees ?? body.assignee, 'login') ?? [])
    if ('errors' in assignees) return assignees.errors
    const labels = nameList(body.labels) ?? []
    this.ensureLabels(labels)
    const issue = this.seedIssue({
      title: String(title),
      body: typeof body.body === 'string' ? body.body : null,
      labels: labels.map((name) => ({ name: this.canonicalLabel(name) })),
      assignees: assignees.logins.map((login) => ({ login })),
      user: BOT_LOGIN
    })
    return json(201, this.issueJson(issue), { location: this.issueApiUrl(issue) })
  }

  private updateIssue(issue: FakeIssue, body: Record<string, unknown>): Reply {
    const stateError = this.applyState(issue, body.state, body.state_reason)
    if (stateError) return stateError
    const assigneeNames = nameList(body.assignees ?? body.assignee, 'login')
    if (assigneeNames !== undefined) {
      const assignees = this.assignable(assigneeNames)
      if ('errors' in assignees) return assignees.errors
      issue.assignees = assignees.logins.map((login) => ({ login }))
    }
    const labels = nameList(body.labels)
    if (labels !== undefined) {
      this.ensureLabels(labels)
      issue.labels = labels.map((name) => ({ name: this.canonicalLabel(name) }))
    }
    if (typeof body.title === 'string') issue.title = body.title
    if (typeof body.body === 'string' || body.body === null) issue.body = body.body
    issue.updated_at = nowIso()
    return this.issueReply(issue)
  }

  /** Mirrors GitHub: closing sets closed_at and defaults the reason; reopening clears both. */
  private applyState(issue: FakeIssue, state: unknown, reason: unknown): Reply | undefined {
    if (state !== undefined && state !== 'open' && state !== 'closed') {
      return validationFailed([{ resource: 'Issue', field: 'state', code: 'invalid' }])
    }
    if (reason !== undefined && reason !== null && !isStateReason(reason)) {
      return validationFailed([{ resource: 'Issue', field: 'state_reason', code: 'invalid' }])
    }
    const wasClosed = issue.state === 'closed'
    const next = state ?? issue.state
    if (next === 'closed') {
      const explicit = reason === 'completed' || reason === 'not_planned' ? reason : undefined
      issue.state_reason = explicit ?? (wasClosed ? issue.state_reason : 'completed')
      if (!wasClosed) issue.closed_at = nowIso()
    } else if (wasClosed) {
      issue.state_reason = 'reopened'
      issue.closed_at = null
    }
    issue.state = next
    return undefined
  }

  private withIssue(number: string | undefined, handle: (issue: FakeIssue) => Reply): Reply {
    const issue = this.issues.find((candidate) => candidate.number === Number(number))
    return issue ? handle(issue) : notFound()
  }

  private issueReply(issue: FakeIssue): Reply {
    return json(200, this.issueJson(issue))
  }

  private nextIssueNumber(): number {
    return this.issues.reduce((max, issue) => Math.max(max, issue.number), 0) + 1
  }

  // --- comments --------------------------------------------------------------------------------

  private listComments(issue: FakeIssue, url: URL): Reply {
    const since = Date.parse(url.searchParams.get('since') ?? '')
    const comments = issue.comments
      .map((comment, index) => this.commentJson(issue, comment, index))
      .filter((comment) => Number.isNaN(since) || Date.parse(comment.updated_at) >= since)
    return this.page(comments, url)
  }

  private createComment(issue: FakeIssue, body: Record<string, unknown>): Reply {
    if (typeof body.body !== 'string') return invalidRequest('"body" wasn\'t supplied.')
    const comment: FakeComment = {
      id: this.nextCommentId++,
      body: body.body,
      user: BOT_LOGIN,
      created_at: nowIso()
    }
    issue.comments.push(comment)
    issue.updated_at = comment.created_at
    const created = this.commentJson(issue, comment, issue.comments.length - 1)
    return json(201, created, { location: created.url })
  }

  // --- assignees -------------------------------------------------------------------------------

  private addAssignees(issue: FakeIssue, body: Record<string, unknown>): Reply {
    // This endpoint ignores non-collaborators on GitHub, whatever `invalidAssignees` says.
    const logins = (nameList(body.assignees, 'login') ?? []).filter((login) =>
      this.isCollaborator(login)
    )
    for (const login of logins) {
      if (!issue.assignees.some((assignee) => sameName(assignee.login, login))) {
        issue.assignees.push({ login: this.canonicalCollaborator(login) })
      }
    }
    issue.updated_at = nowIso()
    return json(201, this.issueJson(issue))
  }

  private checkAssignee(login: string): Reply {
    return this.isCollaborator(login) ? { status: 204 } : notFound()
  }

  /** Splits logins into assignable ones, or a 422 when the fake is set to reject strangers. */
  private assignable(logins: string[]): { logins: string[] } | { errors: Reply } {
    const strangers = logins.filter((login) => !this.isCollaborator(login))
    if (strangers.length > 0 && this.invalidAssignees === 'reject') {
      const errors = strangers.map((value) => ({
        value,
        resource: 'Issue',
        field: 'assignees',
        code: 'invalid'
      }))
      return { errors: validationFailed(errors) }
    }
    const known = logins.filter((login) => this.isCollaborator(login))
    return { logins: known.map((login) => this.canonicalCollaborator(login)) }
  }

  private isCollaborator(login: string): boolean {
    return this.collaborators.some((collaborator) => sameName(collaborator, login))
  }

  private canonicalCollaborator(login: string): string {
    return this.collaborators.find((collaborator) => sameName(collaborator, login)) ?? login
  }

  // --- labels ----------------------------------------------------------------------------------

  private getLabel(name: string): Reply {
    const label = this.findLabel(name)
    return label ? json(200, this.labelJson(label)) : notFound()
  }

  private createLabel(body: Record<string, unknown>): Reply {
    if (typeof body.name !== 'string') return invalidRequest('"name" wasn\'t supplied.')
    if (this.findLabel(body.name)) {
      return validationFailed([{ resource: 'Label', code: 'already_exists', field: 'name' }])
    }
    const label: FakeLabel = {
      name: body.name,
      color: typeof body.color === 'string' ? body.color.replace(/^#/, '') : 'ededed',
      description: typeof body.description === 'string' ? body.description : null
    }
    this.labels.push(label)
    return json(201, this.labelJson(label), { location: this.labelApiUrl(label) })
  }

  private findLabel(name: string): FakeLabel | undefined {
    return this.labels.find((label) => sameName(label.name, name))
  }

  /** GitHub creates labels that an issue write names but the repository lacks. */
  private ensureLabels(names: string[]): void {
    for (const name of names) {
      if (!this.findLabel(name)) this.labels.push({ name, color: 'ededed', description: null })
    }
  }

  private canonicalLabel(name: string): string {
    return this.findLabel(name)?.name ?? name
  }

  // --- pagination ------------------------------------------------------------------------------

  /** One page of `items` plus GitHub's Link header (prev, next, last, first as they apply). */
  private page<T>(items: T[], url: URL): Reply {
    const perPage = Math.min(
      Math.max(intParam(url, 'per_page') ?? this.pageSize, 1),
      this.maxPerPage
    )
    const page = Math.max(intParam(url, 'page') ?? 1, 1)
    const lastPage = Math.max(Math.ceil(items.length / perPage), 1)
    const link = this.linkHeader(url, page, lastPage)
    const slice = items.slice((page - 1) * perPage, page * perPage)
    return json(200, slice, link ? { link } : undefined)
  }

  private linkHeader(url: URL, page: number, lastPage: number): string | undefined {
    const rels: [string, number][] = []
    if (page > 1) rels.push(['prev', Math.min(page - 1, lastPage)])
    if (page < lastPage) rels.push(['next', page + 1], ['last', lastPage])
    if (page > 1) rels.push(['first', 1])
    const parts = rels.map(([rel, number]) => `<${this.pageUrl(url, number)}>; rel="${rel}"`)
    return parts.length > 0 ? parts.join(', ') : undefined
  }

  /** Same request with another page number; absolute, because paginate follows it verbatim. */
  private pageUrl(url: URL, page: number): string {
    const next = new URL(url.pathname + url.search, this.url)
    next.searchParams.set('page', String(page))
    return next.toString()
  }

  // --- JSON shapes -----------------------------------------------------------------------------

  private repoApiUrl(): string {
    return `${this.url}/repos/${this.owner}/${this.repo}`
  }

  private issueApiUrl(issue: FakeIssue): string {
    return `${this.repoApiUrl()}/issues/${issue.number}`
  }

  private labelApiUrl(label: FakeLabel): string {
    return `${this.repoApiUrl()}/labels/${encodeURIComponent(label.name)}`
  }

  private htmlUrl(kind: string, number: number): string {
    return `https://github.com/${this.owner}/${this.repo}/${kind}/${number}`
  }

  private userJson(login: string): Record<string, unknown> {
    return {
      login,
      id: userId(login),
      node_id: `U_fake${userId(login)}`,
      type: login.endsWith('[bot]') ? 'Bot' : 'User',
      url: `${this.url}/users/${encodeURIComponent(login)}`,
      html_url: `https://github.com/${login}`
    }
  }

  private labelJson(label: FakeLabel): Record<string, unknown> {
    const id = 5000 + Math.max(this.labels.indexOf(label), 0)
    return {
      id,
      node_id: `LA_fake${id}`,
      url: this.labelApiUrl(label),
      name: label.name,
      color: label.color,
      default: false,
      description: label.description ?? null
    }
  }

  /** The REST shape; note `comments` is a count there, not the list the fake stores. */
  private issueJson(issue: FakeIssue): Record<string, unknown> {
    const apiUrl = this.issueApiUrl(issue)
    const assignees = issue.assignees.map((assignee) => this.userJson(assignee.login))
    const created = issue.created_at ?? FALLBACK_TIME
    return {
      id: 100_000 + issue.number,
      node_id: `I_fake${issue.number}`,
      url: apiUrl,
      repository_url: this.repoApiUrl(),
      labels_url: `${apiUrl}/labels{/name}`,
      comments_url: `${apiUrl}/comments`,
      events_url: `${apiUrl}/events`,
      html_url: this.htmlUrl(issue.pull_request ? 'pull' : 'issues', issue.number),
      number: issue.number,
      state: issue.state,
      state_reason: issue.state_reason ?? null,
      title: issue.title,
      body: issue.body ?? null,
      user: this.userJson(issue.user ?? BOT_LOGIN),
      labels: issue.labels.map((label) =>
        this.labelJson(this.findLabel(label.name) ?? { name: label.name, color: 'ededed' })
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
      ...(issue.pull_request ? { pull_request: this.pullRequestLinks(issue) } : {})
    }
  }

  private pullRequestLinks(issue: FakeIssue): Record<string, unknown> {
    const html = this.htmlUrl('pull', issue.number)
    return {
      url: `${this.repoApiUrl()}/pulls/${issue.number}`,
      html_url: html,
      diff_url: `${html}.diff`,
      patch_url: `${html}.patch`,
      merged_at: issue.pull_request?.merged_at ?? null
    }
  }

  private commentJson(issue: FakeIssue, comment: FakeComment, index: number) {
    const id = comment.id ?? issue.number * 1000 + index
    const created = comment.created_at ?? issue.created_at ?? FALLBACK_TIME
    return {
      id,
      node_id: `IC_fake${id}`,
      url: `${this.repoApiUrl()}/issues/comments/${id}`,
      html_url: `${this.htmlUrl('issues', issue.number)}#issuecomment-${id}`,
      issue_url: this.issueApiUrl(issue),
      body: comment.body,
      user: this.userJson(comment.user ?? BOT_LOGIN),
      created_at: created,
      updated_at: created,
      author_association: 'NONE'
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Module-level helpers that need the types above
// ---------------------------------------------------------------------------------------------

function isStateReason(value: unknown): value is StateReason {
  return value === 'completed' || value === 'not_planned' || value === 'reopened'
}

function faultMatches(fault: ActiveFault, method: string, path: string): boolean {
  if (fault.times !== undefined && fault.hits >= fault.times) return false
  if (fault.method !== undefined && fault.method.toUpperCase() !== method) return false
  if (fault.path === undefined) return true
  return typeof fault.path === 'string' ? fault.path === path : fault.path.test(path)
}

function send(res: ServerResponse, reply: Reply): void {
  const hasBody = reply.body !== undefined && reply.status !== 204
  const headers = {
    ...(hasBody ? { 'content-type': 'application/json; charset=utf-8' } : {}),
    ...reply.headers
  }
  res.writeHead(reply.status, headers)
  res.end(hasBody ? JSON.stringify(reply.body) : undefined)
}

/** Ready-made faults for the failures the action must survive. */
export const faults = {
  /** What a GITHUB_TOKEN without `issues: write` gets on writes. */
  notAccessible: (spec: Omit<FaultSpec, 'status'> = {}): FaultSpec => ({
    status: 403,
    body: {
      message: 'Resource not accessible by integration',
      documentation_url: 'https://docs.github.com/rest/issues/issues#create-an-issue',
      status: '403'
    },
    ...spec
  }),
  /** GitHub's abuse limiter: 403 with `retry-after`, the rate limit itself untouched. */
  secondaryRateLimit: (spec: Omit<FaultSpec, 'status'> = {}): FaultSpec => ({
    status: 403,
    body: {
      message:
        'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
      documentation_url:
        'https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api#about-secondary-rate-limits',
      status: '403'
    },
    ...spec,
    headers: { 'retry-after': '1', ...spec.headers }
  }),
  serverError: (spec: Omit<FaultSpec, 'status'> = {}): FaultSpec => ({
    status: 500,
    body: { message: 'Server Error' },
    ...spec
  })
}
