/**
 * A loopback stand-in for the two GitHub services the action talks to: the Actions OIDC token
 * endpoint (what `core.getIDToken` calls) and the REST API for issues, comments, labels and
 * assignees (what `github.getOctokit` calls). Point GITHUB_API_URL at `url` and
 * ACTIONS_ID_TOKEN_REQUEST_URL at `oidcUrl()`, run the action, then inspect `requests`,
 * `issues` and `labels`. Faults can be injected per method and path.
 */
import { randomUUID } from 'node:crypto'
import { createServer, STATUS_CODES } from 'node:http'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { JOB_TOKEN } from '../runner-inputs.js'
import { faultMatches } from './faults.js'
import {
  asRecord,
  bearer,
  credential,
  decodePath,
  DOCS_URL,
  githubError,
  json,
  notFound,
  parseJson,
  readBody,
  sameName,
  send,
  type Reply
} from './http.js'
import { DEFAULT_AUDIENCE, mintIdToken, OIDC_PATH } from './oidc.js'
import { GitHubApiContract, type ApiViolation } from './openapi.js'
import { FakeRepository } from './repository.js'
import { BOT_LOGIN } from './rest-json.js'
import { FakeSecretScanning } from './secret-scanning.js'
import { FakeSecrets } from './secrets.js'
import type {
  ActiveFault,
  FakeGitHubOptions,
  FakeIssue,
  FakeLabel,
  FakeSecretScanningAlert,
  FaultSpec,
  IssuedToken,
  RecordedRequest
} from './types.js'

const RATE_LIMIT = 5000
/** Every fake started in this test file's realm, until its violations have been taken. */
const STARTED = Symbol.for('iam-key-sentinel/fake-github/started')

function started(): Set<FakeGitHub> {
  const realm = globalThis as { [STARTED]?: Set<FakeGitHub> }
  realm[STARTED] ??= new Set()
  return realm[STARTED]
}

/**
 * Takes the violations of GitHub's API description that every fake started so far has seen,
 * and forgets stopped fakes; test/support/github-api-check.ts fails a test on any.
 */
export function takeApiViolations(): ApiViolation[] {
  const taken: ApiViolation[] = []
  for (const fake of started()) {
    taken.push(...fake.takeViolations())
    if (!fake.running) started().delete(fake)
  }
  return taken
}

/** A GraphQL request that only reads (a query, not a mutation) is no write, though it is a POST. */
function isGraphqlQuery(request: RecordedRequest): boolean {
  if (request.method !== 'POST' || request.path !== '/graphql') return false
  const query = (request.body as { query?: unknown } | undefined)?.query
  return typeof query === 'string' && !/^\s*mutation\b/.test(query)
}

export class FakeGitHub {
  readonly token: string
  /** Who the token acts as (FakeGitHubOptions.tokenLogin). */
  readonly tokenLogin: string
  readonly idTokenRequestToken: string
  readonly owner: string
  readonly repo: string
  readonly requests: RecordedRequest[] = []
  readonly issues: FakeIssue[]
  readonly labels: FakeLabel[]
  readonly collaborators: string[]
  readonly tokensIssued: IssuedToken[] = []
  /** Secret-scanning alerts of the fake's repository and of other repositories of its owner. */
  readonly secretScanningAlerts: FakeSecretScanningAlert[]
  /** Actions secrets of any repository, environment or organization (rotation's destination). */
  readonly secrets: FakeSecrets
  /**
   * Where an exchange of the REST API differs from GitHub's published description (openapi.ts):
   * the action's request, or the fake's answer. Read with `takeViolations`.
   */
  private readonly violations: ApiViolation[] = []

  private contract: GitHubApiContract | undefined
  private readonly repository: FakeRepository
  private readonly secretScanning: FakeSecretScanning
  private readonly oidcFailureStatus: number
  private readonly oidcDisabled: boolean
  private readonly rateLimitReset = Math.floor(Date.now() / 1000) + 3600
  private faults: ActiveFault[] = []
  private gates: { method: string; path: RegExp; count: number; waiting: (() => void)[] }[] = []
  private oidcFailuresLeft: number
  private rateLimitUsed = 0
  private server: Server | undefined
  private baseUrl: string | undefined

  constructor(options: FakeGitHubOptions = {}) {
    this.token = options.token ?? JOB_TOKEN
    this.tokenLogin = options.tokenLogin ?? BOT_LOGIN
    this.idTokenRequestToken = options.idTokenRequestToken ?? 'fake-id-token-request-token'
    this.owner = options.owner ?? 'octo-org'
    this.repo = options.repo ?? 'iam-keys'
    this.repository = new FakeRepository({
      owner: this.owner,
      repo: this.repo,
      pageSize: options.pageSize ?? 30,
      maxPerPage: options.maxPerPage ?? 100,
      collaborators: options.collaborators ?? [this.owner],
      invalidAssignees: options.invalidAssignees ?? 'drop',
      tokenLogin: this.tokenLogin,
      baseUrl: () => this.url
    })
    // The repository's own arrays, so tests read and seed them as before.
    this.issues = this.repository.issues
    this.labels = this.repository.labels
    this.collaborators = this.repository.collaborators
    this.secretScanning = new FakeSecretScanning(`${this.owner}/${this.repo}`, () => ({
      pageSize: options.pageSize ?? 30,
      maxPerPage: options.maxPerPage ?? 100,
      baseUrl: this.url
    }))
    this.secretScanningAlerts = this.secretScanning.alerts
    this.secrets = new FakeSecrets(options.deliveryToken, () => this.url)
    this.oidcFailuresLeft = options.oidcFailures ?? 0
    this.oidcFailureStatus = options.oidcFailureStatus ?? 500
    this.oidcDisabled = options.oidcDisabled ?? false
    if (options.seedPullRequest ?? true) this.seedIssue({ title: 'Bump deps', pull_request: {} })
  }

  // --- lifecycle -------------------------------------------------------------------------------

  /** Listens on 127.0.0.1 at a random port and resolves to the base URL (no trailing slash). */
  async start(): Promise<string> {
    if (this.baseUrl !== undefined) return this.baseUrl
    await FakeSecrets.ready()
    this.contract = await GitHubApiContract.load()
    // A client that hangs up mid-body must not become an unhandled rejection in the test run.
    const server = createServer((req, res) => void this.handle(req, res).catch(() => res.destroy()))
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(0, '127.0.0.1', () => resolve())
    })
    const { port } = server.address() as AddressInfo
    this.server = server
    this.baseUrl = `http://127.0.0.1:${port}`
    started().add(this)
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

  get running(): boolean {
    return this.server !== undefined
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
    return this.requests.filter(
      (request) => request.method !== 'GET' && request.method !== 'HEAD' && !isGraphqlQuery(request)
    )
  }

  clearRequests(): void {
    this.requests.length = 0
  }

  /** The violations of GitHub's API description seen since the last call, then forgets them. */
  takeViolations(): ApiViolation[] {
    return this.violations.splice(0)
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

  /**
   * Holds the requests that match until `count` of them have arrived, then answers them all in
   * the order they came: two jobs are made to race on the same write without relying on timing.
   * Each gate opens once.
   */
  holdUntil(method: string, path: RegExp, count: number): void {
    this.gates.push({ method, path, count, waiting: [] })
  }

  private async passGate(method: string, path: string): Promise<void> {
    const gate = this.gates.find((g) => g.method === method && g.path.test(path))
    if (!gate) return
    await new Promise<void>((release) => {
      gate.waiting.push(release)
      if (gate.waiting.length < gate.count) return
      this.gates = this.gates.filter((g) => g !== gate)
      for (const waiting of gate.waiting) waiting()
    })
  }

  // --- seeding ---------------------------------------------------------------------------------

  /** Adds an issue with GitHub-like defaults and the next free number. */
  seedIssue(fields: Partial<FakeIssue> & { title: string }): FakeIssue {
    return this.repository.seedIssue(fields)
  }

  /** Adds an open aws_access_key_id alert (by default) to the repository, or to `repository`. */
  seedSecretScanningAlert(
    fields: Partial<FakeSecretScanningAlert> & { secret: string }
  ): FakeSecretScanningAlert {
    return this.secretScanning.seed(fields)
  }

  // --- request handling ------------------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET'
    const url = new URL(req.url ?? '/', this.baseUrl ?? 'http://127.0.0.1')
    const path = decodePath(url.pathname)
    const text = await readBody(req)
    const body = parseJson(text)
    await this.passGate(method, path)
    let answer: { reply: Reply; injected: boolean }
    try {
      answer = this.dispatch(method, url, path, req.headers.authorization, body)
    } catch (error) {
      // A bug in the fake should fail the test loudly, not hang the client.
      answer = { reply: githubError(500, `FakeGitHub crashed: ${String(error)}`), injected: false }
    }
    const { reply } = answer
    this.record(method, path, url, body.value, reply.status)
    send(res, reply)
    // The OIDC token endpoint and GraphQL (viewer, pinIssue) are not part of the REST description.
    if (url.pathname !== OIDC_PATH && url.pathname !== '/graphql') {
      this.checkContract(req, url, body.invalid ? text : body.value, answer)
    }
  }

  /** Checks one REST exchange against GitHub's description and keeps what differs. */
  private checkContract(
    req: IncomingMessage,
    url: URL,
    body: unknown,
    { reply, injected }: { reply: Reply; injected: boolean }
  ): void {
    const hasBody = reply.body !== undefined && reply.status !== 204
    // A body the fake refuses as GitHub does (401, 403 or 404 before GitHub reads the body, 422 when
    // it validates it) may be invalid on purpose: the preflight asks for an issue without a title
    // to learn whether the token may write issues. The answer is still checked, and so are the
    // request's operation and parameters; only its body is not.
    const refusedAsGitHubWould = [401, 403, 404, 422].includes(reply.status)
    const found =
      this.contract?.check({
        method: req.method ?? 'GET',
        path: url.pathname,
        query: url.search.replace(/^\?/, ''),
        headers: req.headers as Record<string, string | string[]>,
        body,
        status: reply.status,
        // What crossed the wire: JSON drops undefined properties.
        responseBody: hasBody ? (JSON.parse(JSON.stringify(reply.body)) as unknown) : undefined,
        responseHeaders: reply.headers ?? {},
        injected
      }) ?? []
    this.violations.push(
      ...found.filter(
        (v) =>
          !(refusedAsGitHubWould && v.side === 'request' && v.message.startsWith('/requestBody'))
      )
    )
  }

  private dispatch(
    method: string,
    url: URL,
    path: string,
    authorization: string | undefined,
    body: { value: unknown; invalid: boolean }
  ): { reply: Reply; injected: boolean } {
    const fault = this.takeFault(method, path)
    const injected = fault !== undefined
    if (url.pathname === OIDC_PATH)
      return { reply: fault ?? this.idToken(method, url, authorization), injected }
    return {
      reply: this.withApiHeaders(fault ?? this.api(method, url, authorization, body)),
      injected
    }
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
    if (body.invalid) return githubError(400, 'Problems parsing JSON')
    const path = decodePath(url.pathname)
    if (this.secrets.handles(path))
      return this.secrets.handle(method, path, credential(authorization), asRecord(body.value))
    if (credential(authorization) !== this.token) return githubError(401, 'Bad credentials')
    if (url.pathname === '/graphql' && method === 'POST') return this.graphql(asRecord(body.value))
    const alerts = this.secretScanning.route(method, url, asRecord(body.value))
    if (alerts) return alerts
    const rest = this.repoRelativePath(url.pathname)
    if (rest === undefined) return notFound()
    for (const route of this.repository.routes) {
      const match = route.method === method ? route.pattern.exec(rest) : null
      if (match) return route.handle(match.slice(1).map(decodePath), url, asRecord(body.value))
    }
    return notFound()
  }

  /**
   * GraphQL, as far as the action uses it: the pinIssue mutation. As on GitHub, a GraphQL error
   * is an HTTP 200 whose body has `errors`, and a repository pins at most three issues.
   */
  private graphql(request: Record<string, unknown>): Reply {
    const query = typeof request.query === 'string' ? request.query : ''
    const variables = asRecord(request.variables)
    const failed = (message: string, type = 'UNPROCESSABLE') =>
      json(200, { data: null, errors: [{ type, message }] })
    // The token's own login (reminders count only its own rung comments).
    if (/\bviewer\s*\{\s*login\s*\}/.test(query))
      return json(200, { data: { viewer: { login: this.tokenLogin } } })
    if (!/\bpinIssue\s*\(/.test(query))
      return failed('This fake answers only viewer { login } and pinIssue.')
    const issue = this.issues.find((i) => `I_fake${i.number}` === variables.issueId)
    if (!issue)
      return failed(
        `Could not resolve to a node with the global id of '${String(variables.issueId)}'`,
        'NOT_FOUND'
      )
    if (!issue.pinned && this.issues.filter((i) => i.pinned).length >= 3)
      return failed('Repository already has 3 pinned issues.')
    issue.pinned = true
    return json(200, { data: { pinIssue: { issue: { number: issue.number } } } })
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
    const token = mintIdToken(this.owner, this.repo, audience)
    this.tokensIssued.push({ audience, token })
    return json(200, { value: token })
  }
}
