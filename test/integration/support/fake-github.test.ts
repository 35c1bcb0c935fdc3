/**
 * Drives FakeGitHub with the real clients the action uses (`core.getIDToken` and
 * `github.getOctokit`), so the fake is proven against the exact requests they send.
 */
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals'
import * as core from '@actions/core'
import * as github from '@actions/github'
import { decodeJwtPayload, FakeGitHub, faults } from '../../support/fake-github/index.js'
import type { FakeGitHubOptions } from '../../support/fake-github/index.js'

type Octokit = ReturnType<typeof github.getOctokit>

const OIDC_ENV = ['ACTIONS_ID_TOKEN_REQUEST_URL', 'ACTIONS_ID_TOKEN_REQUEST_TOKEN'] as const

// The most recently started fake; every started one is stopped after each test.
let fake: FakeGitHub
const running: FakeGitHub[] = []

async function startFake(options: FakeGitHubOptions = {}): Promise<FakeGitHub> {
  fake = new FakeGitHub(options)
  running.push(fake)
  await fake.start()
  return fake
}

function octokitFor(server: FakeGitHub, token = server.token): Octokit {
  return github.getOctokit(token, { baseUrl: server.url })
}

/** Awaits a promise expected to reject and hands back the error for inspection. */
async function failure(promise: Promise<unknown>): Promise<Record<string, unknown>> {
  try {
    await promise
  } catch (error) {
    return error as Record<string, unknown>
  }
  throw new Error('expected the request to fail')
}

function repoParams(server: FakeGitHub): { owner: string; repo: string } {
  return { owner: server.owner, repo: server.repo }
}

afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.stop()))
  for (const name of OIDC_ENV) delete process.env[name]
  jest.restoreAllMocks()
})

describe('OIDC token endpoint via core.getIDToken', () => {
  let stdout: string[]

  beforeEach(() => {
    // getIDToken prints ::debug:: and ::add-mask:: workflow commands; keep them for asserts.
    stdout = []
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      stdout.push(String(chunk))
      return true
    })
  })

  function pointCoreAt(server: FakeGitHub, requestToken = server.idTokenRequestToken): void {
    process.env.ACTIONS_ID_TOKEN_REQUEST_URL = server.oidcUrl()
    process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN = requestToken
  }

  it('mints a JWT-shaped token for the requested audience', async () => {
    const server = await startFake({ owner: 'acme', repo: 'keys' })
    pointCoreAt(server)

    const token = await core.getIDToken('sts.amazonaws.com')

    expect(token.split('.')).toHaveLength(3)
    const payload = decodeJwtPayload(token)
    expect(payload).toMatchObject({
      iss: 'https://token.actions.githubusercontent.com',
      aud: 'sts.amazonaws.com',
      sub: 'repo:acme/keys:ref:refs/heads/main',
      repository: 'acme/keys'
    })
    expect(Number(payload.exp)).toBeGreaterThan(Number(payload.iat))
    expect(server.tokensIssued).toEqual([{ audience: 'sts.amazonaws.com', token }])
    expect(stdout.join('')).toContain(`::add-mask::${token}`)
  })

  it('sends the audience as a query parameter appended to the configured URL', async () => {
    const server = await startFake()
    pointCoreAt(server)

    await core.getIDToken('sts.amazonaws.com')

    expect(server.requests).toEqual([
      expect.objectContaining({
        method: 'GET',
        path: '/_oidc/token',
        query: { 'api-version': '2.0', audience: 'sts.amazonaws.com' },
        status: 200
      })
    ])
  })

  it('defaults the audience when the caller names none', async () => {
    const server = await startFake()
    pointCoreAt(server)

    const token = await core.getIDToken()

    expect(decodeJwtPayload(token).aud).toBe('sts.amazonaws.com')
  })

  it('answers 401 to a wrong request token', async () => {
    const server = await startFake()
    pointCoreAt(server, 'not-the-runner-token')

    await expect(core.getIDToken('sts.amazonaws.com')).rejects.toThrow(/Error Code : 401/)
    expect(server.tokensIssued).toEqual([])
  })

  it('fails the first oidcFailures requests with 500, which core does not retry', async () => {
    const server = await startFake({ oidcFailures: 1 })
    pointCoreAt(server)

    await expect(core.getIDToken('sts.amazonaws.com')).rejects.toThrow(/Error Code : 500/)
    await expect(core.getIDToken('sts.amazonaws.com')).resolves.toContain('.')
    expect(server.requests.map((request) => request.status)).toEqual([500, 200])
  })

  it('lets core retry 503s on its own', async () => {
    const server = await startFake({ oidcFailures: 2, oidcFailureStatus: 503 })
    pointCoreAt(server)

    await expect(core.getIDToken('sts.amazonaws.com')).resolves.toContain('.')
    expect(server.requests.map((request) => request.status)).toEqual([503, 503, 200])
  })

  it('refuses every request when oidcDisabled is set', async () => {
    const server = await startFake({ oidcDisabled: true })
    pointCoreAt(server)

    await expect(core.getIDToken('sts.amazonaws.com')).rejects.toThrow(/Error Code : 403/)
  })
})

describe('issues REST API via @actions/github', () => {
  let octokit: Octokit

  beforeEach(async () => {
    octokit = octokitFor(await startFake({ pageSize: 2, collaborators: ['alice'] }))
  })

  describe('listing', () => {
    function seedFive(): void {
      for (let n = 1; n <= 5; n++) {
        fake.seedIssue({
          title: `Key ${n}`,
          labels: n % 2 === 0 ? [{ name: 'iam' }, { name: 'stale' }] : [{ name: 'iam' }],
          created_at: `2024-05-0${n}T00:00:00Z`
        })
      }
    }

    it('paginates with Link headers and includes the seeded pull request', async () => {
      seedFive()

      const items = await octokit.paginate(octokit.rest.issues.listForRepo, {
        ...repoParams(fake),
        state: 'open'
      })

      expect(items).toHaveLength(6)
      expect(items.filter((item) => item.pull_request)).toHaveLength(1)
      expect(fake.requests.map((request) => request.query.page)).toEqual([undefined, '2', '3'])
    })

    it('sorts by creation, newest first', async () => {
      seedFive()

      const items = await octokit.paginate(octokit.rest.issues.listForRepo, {
        ...repoParams(fake),
        labels: 'iam'
      })

      expect(items.map((item) => item.title)).toEqual(['Key 5', 'Key 4', 'Key 3', 'Key 2', 'Key 1'])
    })

    it('announces next and last pages in the Link header', async () => {
      seedFive()

      const response = await octokit.rest.issues.listForRepo({ ...repoParams(fake), per_page: 2 })

      expect(response.data).toHaveLength(2)
      expect(response.headers.link).toMatch(/[?&]page=2>; rel="next"/)
      expect(response.headers.link).toMatch(/[?&]page=3>; rel="last"/)
      expect(response.headers['x-ratelimit-remaining']).toBeDefined()
    })

    it('requires every listed label', async () => {
      seedFive()

      const items = await octokit.paginate(octokit.rest.issues.listForRepo, {
        ...repoParams(fake),
        labels: 'iam,stale'
      })

      expect(items.map((item) => item.title)).toEqual(['Key 4', 'Key 2'])
    })

    it('filters by state and since', async () => {
      seedFive()
      fake.seedIssue({ title: 'Old closed', state: 'closed', updated_at: '2023-01-01T00:00:00Z' })
      fake.seedIssue({ title: 'New closed', state: 'closed', updated_at: '2025-01-01T00:00:00Z' })
      const list = (state: 'open' | 'closed' | 'all', since?: string) =>
        octokit.paginate(octokit.rest.issues.listForRepo, { ...repoParams(fake), state, since })

      expect(await list('closed')).toHaveLength(2)
      expect(await list('all')).toHaveLength(8)
      expect((await list('closed', '2024-06-01T00:00:00Z')).map((item) => item.title)).toEqual([
        'New closed'
      ])
    })
  })

  describe('writing issues', () => {
    it('creates an issue and records the write', async () => {
      const { data, status } = await octokit.rest.issues.create({
        ...repoParams(fake),
        title: 'Rotate AKIA123',
        body: 'Key is 120 days old',
        labels: ['iam-key-sentinel']
      })

      expect(status).toBe(201)
      expect(data).toMatchObject({ title: 'Rotate AKIA123', state: 'open', comments: 0 })
      expect(data.labels).toEqual([expect.objectContaining({ name: 'iam-key-sentinel' })])
      expect(fake.issues.find((issue) => issue.number === data.number)?.body).toBe(
        'Key is 120 days old'
      )
      expect(fake.writes()).toEqual([
        expect.objectContaining({ method: 'POST', path: '/repos/octo-org/iam-keys/issues' })
      ])
    })

    it('closes with a state_reason and reopens', async () => {
      const issue = fake.seedIssue({ title: 'Rotate AKIA123' })
      const update = (fields: { state: 'open' | 'closed'; state_reason?: 'not_planned' }) =>
        octokit.rest.issues.update({ ...repoParams(fake), issue_number: issue.number, ...fields })

      const closed = await update({ state: 'closed', state_reason: 'not_planned' })
      expect(closed.data).toMatchObject({ state: 'closed', state_reason: 'not_planned' })
      expect(closed.data.closed_at).not.toBeNull()

      const reopened = await update({ state: 'open' })
      expect(reopened.data).toMatchObject({ state: 'open', state_reason: 'reopened' })
      expect(reopened.data.closed_at).toBeNull()
    })

    it('defaults a bare close to completed', async () => {
      const issue = fake.seedIssue({ title: 'Rotate AKIA123' })

      const { data } = await octokit.rest.issues.update({
        ...repoParams(fake),
        issue_number: issue.number,
        state: 'closed'
      })

      expect(data.state_reason).toBe('completed')
    })

    it('updates title, body and labels, and reads the issue back', async () => {
      const issue = fake.seedIssue({ title: 'Old', labels: [{ name: 'stale' }] })
      await octokit.rest.issues.update({
        ...repoParams(fake),
        issue_number: issue.number,
        title: 'New',
        body: 'Fresh body',
        labels: ['iam']
      })

      const { data } = await octokit.rest.issues.get({ ...repoParams(fake), issue_number: 2 })

      expect(data).toMatchObject({ number: 2, title: 'New', body: 'Fresh body' })
      expect(data.labels).toEqual([expect.objectContaining({ name: 'iam' })])
    })

    it('answers 404 for an issue that does not exist', async () => {
      const error = await failure(
        octokit.rest.issues.get({ ...repoParams(fake), issue_number: 404 })
      )

      expect(error).toMatchObject({ name: 'HttpError', status: 404 })
    })
  })

  describe('comments', () => {
    it('creates comments, lists them, and counts them on the issue', async () => {
      const issue = fake.seedIssue({ title: 'Rotate AKIA123' })
      const target = { ...repoParams(fake), issue_number: issue.number }

      const created = await octokit.rest.issues.createComment({ ...target, body: 'Still active' })
      await octokit.rest.issues.createComment({ ...target, body: 'Rotated' })
      await octokit.rest.issues.createComment({ ...target, body: 'Closing' })
      const comments = await octokit.paginate(octokit.rest.issues.listComments, target)
      const { data } = await octokit.rest.issues.get(target)

      expect(created.status).toBe(201)
      expect(comments.map((comment) => comment.body)).toEqual([
        'Still active',
        'Rotated',
        'Closing'
      ])
      expect(data.comments).toBe(3)
      expect(fake.issues.find((i) => i.number === issue.number)?.comments).toHaveLength(3)
    })

    it('deletes a comment by its id with 204, and answers 404 once it is gone', async () => {
      const issue = fake.seedIssue({ title: 'Rotate AKIA123' })
      const target = { ...repoParams(fake), issue_number: issue.number }
      const { data } = await octokit.rest.issues.createComment({ ...target, body: 'twice' })

      const deleted = await octokit.rest.issues.deleteComment({
        ...repoParams(fake),
        comment_id: data.id
      })
      const again = await failure(
        octokit.rest.issues.deleteComment({ ...repoParams(fake), comment_id: data.id })
      )

      expect(deleted.status).toBe(204)
      expect(again).toMatchObject({ status: 404 })
      expect(await octokit.paginate(octokit.rest.issues.listComments, target)).toEqual([])
    })

    it('holdUntil answers the held requests only once they have all arrived', async () => {
      const issue = fake.seedIssue({ title: 'Rotate AKIA123' })
      const target = { ...repoParams(fake), issue_number: issue.number }
      fake.holdUntil('POST', /\/comments$/, 2)
      let firstDone = false
      const first = octokit.rest.issues
        .createComment({ ...target, body: 'one' })
        .then(() => (firstDone = true))
      // The list is not held, and sees no comment while the first post waits.
      const listed = await octokit.paginate(octokit.rest.issues.listComments, target)
      expect(listed).toEqual([])
      expect(firstDone).toBe(false)
      await Promise.all([first, octokit.rest.issues.createComment({ ...target, body: 'two' })])
      expect(fake.issues.find((i) => i.number === issue.number)?.comments).toHaveLength(2)
    })
  })

  describe('labels', () => {
    it('creates a label, finds it, and refuses a duplicate with already_exists', async () => {
      const label = { ...repoParams(fake), name: 'iam-key-sentinel', color: 'd93f0b' }

      const created = await octokit.rest.issues.createLabel(label)
      const found = await octokit.rest.issues.getLabel({ ...repoParams(fake), name: label.name })
      const duplicate = await failure(octokit.rest.issues.createLabel(label))

      expect(created.status).toBe(201)
      expect(found.data).toMatchObject({ name: 'iam-key-sentinel', color: 'd93f0b' })
      expect(duplicate).toMatchObject({ status: 422 })
      expect(duplicate.response).toMatchObject({
        data: { errors: [{ resource: 'Label', code: 'already_exists', field: 'name' }] }
      })
    })

    it('answers 404 for a missing label, with spaces in the name', async () => {
      const error = await failure(
        octokit.rest.issues.getLabel({ ...repoParams(fake), name: 'key rotation' })
      )

      expect(error).toMatchObject({ status: 404 })
      expect(fake.requests[0]?.path).toBe('/repos/octo-org/iam-keys/labels/key rotation')
    })
  })

  describe('assignees', () => {
    it('drops a non-collaborator when creating an issue', async () => {
      const { data } = await octokit.rest.issues.create({
        ...repoParams(fake),
        title: 'Rotate AKIA123',
        assignees: ['alice', 'mallory']
      })

      expect(data.assignees?.map((user) => user.login)).toEqual(['alice'])
    })

    it('rejects a non-collaborator with 422 when configured like stricter GitHub answers', async () => {
      const strict = await startFake({ collaborators: ['alice'], invalidAssignees: 'reject' })

      const error = await failure(
        octokitFor(strict).rest.issues.create({
          ...repoParams(strict),
          title: 'Rotate AKIA123',
          assignees: ['mallory']
        })
      )

      expect(error).toMatchObject({ status: 422 })
      expect(strict.issues).toHaveLength(1) // only the seeded pull request
    })

    it('ignores non-collaborators when adding assignees', async () => {
      const issue = fake.seedIssue({ title: 'Rotate AKIA123' })

      const { data } = await octokit.rest.issues.addAssignees({
        ...repoParams(fake),
        issue_number: issue.number,
        assignees: ['mallory', 'alice']
      })

      expect(data.assignees?.map((user) => user.login)).toEqual(['alice'])
    })

    it('checks whether a login can be assigned', async () => {
      const check = (assignee: string) =>
        octokit.rest.issues.checkUserCanBeAssigned({ ...repoParams(fake), assignee })

      expect((await check('alice')).status).toBe(204)
      expect(await failure(check('mallory'))).toMatchObject({ status: 404 })
    })
  })

  describe('errors and faults', () => {
    it('answers 401 Bad credentials to a wrong token', async () => {
      const error = await failure(
        octokitFor(fake, 'ghs_wrong').rest.issues.listForRepo(repoParams(fake))
      )

      expect(error).toMatchObject({ name: 'HttpError', status: 401 })
      expect(String(error.message)).toMatch(/^Bad credentials/)
    })

    it('answers 404 JSON to unknown routes and other repositories', async () => {
      const unknown = await failure(octokit.request('GET /repos/octo-org/iam-keys/nonsense'))
      const otherRepo = await failure(
        octokit.rest.issues.listForRepo({ owner: 'someone', repo: 'else' })
      )

      expect(unknown).toMatchObject({ status: 404, response: { data: { message: 'Not Found' } } })
      expect(otherRepo).toMatchObject({ status: 404 })
      // GitHub has no such operation either: the API check caught the request.
      expect(fake.takeViolations()).toEqual([
        expect.objectContaining({
          request: 'GET /repos/octo-org/iam-keys/nonsense',
          side: 'request'
        })
      ])
    })

    it('surfaces an injected 403 as an HttpError with status 403', async () => {
      fake.addFault(faults.notAccessible({ method: 'POST', path: /\/issues$/ }))

      const error = await failure(
        octokit.rest.issues.create({ ...repoParams(fake), title: 'Rotate AKIA123' })
      )

      expect(error).toMatchObject({ name: 'HttpError', status: 403 })
      expect(String(error.message)).toMatch(/^Resource not accessible by integration/)
      expect(fake.issues).toHaveLength(1) // nothing was created
      expect(fake.writes().map((request) => request.status)).toEqual([403])
    })

    it('injects a secondary rate limit once, with retry-after', async () => {
      fake.addFault(faults.secondaryRateLimit({ method: 'GET', times: 1 }))

      const limited = await failure(octokit.rest.issues.listForRepo(repoParams(fake)))
      const retried = await octokit.rest.issues.listForRepo(repoParams(fake))

      expect(limited).toMatchObject({
        status: 403,
        response: { headers: expect.objectContaining({ 'retry-after': '1' }) }
      })
      expect(String(limited.message)).toMatch(/secondary rate limit/)
      expect(retried.status).toBe(200)
    })

    it('stops faulting after clearFaults, and clearRequests empties the log', async () => {
      fake.addFault(faults.serverError())
      expect(await failure(octokit.rest.issues.listForRepo(repoParams(fake)))).toMatchObject({
        status: 500
      })

      fake.clearFaults()
      fake.clearRequests()
      await octokit.rest.issues.listForRepo(repoParams(fake))

      expect(fake.requests).toEqual([expect.objectContaining({ status: 200 })])
    })
  })
})
