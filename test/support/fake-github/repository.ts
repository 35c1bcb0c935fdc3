// The repository behind the fake REST API: its issues, comments, assignees and labels, and the
// routes that read and write them, answering as GitHub does.
import {
  commaList,
  invalidRequest,
  json,
  nameList,
  notFound,
  nowIso,
  sameName,
  validationFailed,
  type Reply,
  type Route
} from './http.js'
import { pageReply, type Paging } from './pagination.js'
import {
  commentJson,
  FALLBACK_TIME,
  issueApiUrl,
  issueJson,
  labelApiUrl,
  labelJson,
  type RepoView
} from './rest-json.js'
import type { FakeComment, FakeIssue, FakeLabel, StateReason } from './types.js'

export interface RepositoryOptions {
  owner: string
  repo: string
  pageSize: number
  maxPerPage: number
  collaborators: string[]
  invalidAssignees: 'drop' | 'reject'
  /** The author of the issues and comments the token creates. */
  tokenLogin: string
  /** Where the fake is served; throws while it is not started. */
  baseUrl: () => string
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

function isStateReason(value: unknown): value is StateReason {
  return value === 'completed' || value === 'not_planned' || value === 'reopened'
}

export class FakeRepository {
  readonly issues: FakeIssue[] = []
  readonly labels: FakeLabel[] = []
  readonly collaborators: string[]
  readonly routes: Route[]
  private nextCommentId = 9000

  constructor(private readonly options: RepositoryOptions) {
    this.collaborators = options.collaborators
    this.routes = this.buildRoutes()
  }

  private get view(): RepoView {
    const { owner, repo } = this.options
    return { url: this.options.baseUrl(), owner, repo, labels: this.labels }
  }

  private get paging(): Paging {
    const { pageSize, maxPerPage } = this.options
    return { pageSize, maxPerPage, baseUrl: this.options.baseUrl() }
  }

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
      route('DELETE', /^\/issues\/comments\/(\d+)$/, ([id]) => this.deleteComment(Number(id))),
      route('POST', /^\/issues\/(\d+)\/assignees$/, ([n], _u, body) =>
        this.withIssue(n, (i) => this.addAssignees(i, body))
      ),
      route('GET', /^\/assignees\/([^/]+)$/, ([login]) => this.checkAssignee(login ?? '')),
      route('GET', /^\/labels\/([^/]+)$/, ([name]) => this.getLabel(name ?? '')),
      route('POST', /^\/labels$/, (_p, _u, body) => this.createLabel(body))
    ]
  }

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
    return pageReply(
      sorted.map((issue) => issueJson(this.view, issue)),
      url,
      this.paging
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
      user: this.options.tokenLogin
    })
    return json(201, issueJson(this.view, issue), { location: issueApiUrl(this.view, issue) })
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
    return json(200, issueJson(this.view, issue))
  }

  private nextIssueNumber(): number {
    return this.issues.reduce((max, issue) => Math.max(max, issue.number), 0) + 1
  }

  private listComments(issue: FakeIssue, url: URL): Reply {
    const since = Date.parse(url.searchParams.get('since') ?? '')
    const comments = issue.comments
      .map((comment, index) => commentJson(this.view, issue, comment, index))
      .filter((comment) => Number.isNaN(since) || Date.parse(comment.updated_at) >= since)
    return pageReply(comments, url, this.paging)
  }

  private createComment(issue: FakeIssue, body: Record<string, unknown>): Reply {
    if (typeof body.body !== 'string') return invalidRequest('"body" wasn\'t supplied.')
    const comment: FakeComment = {
      id: this.nextCommentId++,
      body: body.body,
      user: this.options.tokenLogin,
      created_at: nowIso()
    }
    issue.comments.push(comment)
    issue.updated_at = comment.created_at
    const created = commentJson(this.view, issue, comment, issue.comments.length - 1)
    return json(201, created, { location: created.url })
  }

  /** DELETE /repos/{owner}/{repo}/issues/comments/{comment_id}: 204, or 404 when there is none. */
  private deleteComment(id: number): Reply {
    for (const issue of this.issues) {
      const at = issue.comments.findIndex((comment) => comment.id === id)
      if (at >= 0) {
        issue.comments.splice(at, 1)
        return { status: 204 }
      }
    }
    return notFound()
  }

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
    return json(201, issueJson(this.view, issue))
  }

  private checkAssignee(login: string): Reply {
    return this.isCollaborator(login) ? { status: 204 } : notFound()
  }

  /** Splits logins into assignable ones, or a 422 when the fake is set to reject strangers. */
  private assignable(logins: string[]): { logins: string[] } | { errors: Reply } {
    const strangers = logins.filter((login) => !this.isCollaborator(login))
    if (strangers.length > 0 && this.options.invalidAssignees === 'reject') {
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

  private getLabel(name: string): Reply {
    const label = this.findLabel(name)
    return label ? json(200, labelJson(this.view, label)) : notFound()
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
    return json(201, labelJson(this.view, label), { location: labelApiUrl(this.view, label) })
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
}
