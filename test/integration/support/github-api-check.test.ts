/**
 * The check of the fake GitHub's exchanges against GitHub's published REST description
 * (fake-github/openapi.ts): what it refuses on each side, so that a wrong request from the action,
 * or a wrong answer from the fake, fails the test that caused it.
 */
import { afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import * as github from '@actions/github'
import { FakeGitHub } from '../../support/fake-github/index.js'
import { GitHubApiContract, type Exchange } from '../../support/fake-github/openapi.js'
import { assertNoApiViolations } from '../../support/github-api-check.js'

let contract: GitHubApiContract
beforeAll(async () => {
  contract = await GitHubApiContract.load()
})

let fake: FakeGitHub | undefined
afterEach(async () => {
  await fake?.stop()
  fake = undefined
})

/** A GET of one issue that GitHub would answer as the fake does, changed by `change`. */
function exchange(change: Partial<Exchange> = {}): Exchange {
  return {
    method: 'GET',
    path: '/repos/acme/security/issues',
    query: 'state=all&per_page=100',
    headers: {},
    body: undefined,
    status: 200,
    responseBody: [],
    responseHeaders: {},
    injected: false,
    ...change
  }
}

function messages(change: Partial<Exchange>): string[] {
  return contract.check(exchange(change)).map((v) => `${v.side}: ${v.message}`)
}

describe('requests', () => {
  it('passes what the real Octokit sends for the issue calls the action makes', async () => {
    fake = new FakeGitHub({ owner: 'acme', repo: 'security', collaborators: ['alice'] })
    await fake.start()
    const octokit = github.getOctokit(fake.token, { baseUrl: fake.url })
    const repo = { owner: 'acme', repo: 'security' }
    const { data: issue } = await octokit.rest.issues.create({
      ...repo,
      title: 'Rotate',
      labels: ['iam-key-rotation'],
      assignees: ['alice']
    })
    await octokit.rest.issues.update({ ...repo, issue_number: issue.number, state: 'closed' })
    await octokit.paginate(octokit.rest.issues.listForRepo, { ...repo, state: 'all' })
    await octokit.rest.issues.createComment({ ...repo, issue_number: issue.number, body: 'hi' })

    expect(fake.takeViolations()).toEqual([])
    expect(fake.requests.length).toBeGreaterThanOrEqual(4)
  })

  it.each([
    [{ query: 'state=bogus' }, 'request: /query/state must be equal to one of the allowed values'],
    [{ query: 'per_page=many' }, 'request: /query/per_page must be integer'],
    [{ query: 'since=yesterday' }, 'request: /query/since must match format "date-time"'],
    [{ query: 'colour=red' }, 'request: /query must NOT have additional properties: colour'],
    [
      {
        method: 'POST',
        path: '/repos/acme/security/issues',
        query: '',
        body: { body: 'no title' }
      },
      "request: /requestBody must have required property 'title'"
    ],
    [
      {
        method: 'PATCH',
        path: '/repos/acme/security/secret-scanning/alerts/1',
        query: '',
        body: { state: 'resolved', resolution: 'fixed' }
      },
      'request: /requestBody/resolution must be equal to one of the allowed values'
    ],
    [
      { method: 'DELETE', path: '/repos/acme/security/labels', query: '' },
      "GitHub's REST API has no operation DELETE /repos/acme/security/labels"
    ]
  ])('refuses %p', (change, message) => {
    expect(messages(change).join('\n')).toContain(message)
  })
})

describe('answers', () => {
  it.each([
    [{ responseBody: [{ number: 1 }] }, "response: /0 must have required property 'id'"],
    [{ status: 201 }, 'response: status 201 is not one GitHub documents for it'],
    [{ status: 404, responseBody: { message: 404 } }, 'response: /message must be string'],
    [
      {
        responseHeaders: {
          link: '<http://127.0.0.1/repos/acme/security/issues?page=x>; rel="next"'
        }
      },
      'response: Link rel="next" URL: /query/page must be integer'
    ],
    [
      { responseHeaders: { link: '<http://127.0.0.1/repos/acme/security/labels/a>; rel="next"' } },
      'response: Link rel="next" points at another operation'
    ],
    [
      { responseHeaders: { link: '</repos/acme/security/issues?page=2>; rel="next"' } },
      'response: Link URL /repos/acme/security/issues?page=2 is not absolute'
    ],
    [
      {
        path: '/repos/acme/security/labels/a',
        query: '',
        responseBody: { id: 1, node_id: 'x', url: 'http://x', name: 'a', color: 'ededed' },
        responseHeaders: { link: '<http://127.0.0.1/repos/acme/security/labels/a>; rel="next"' }
      },
      'response: a Link header on an operation that does not paginate'
    ]
  ])('refuses %p', (change, message) => {
    expect(messages(change).join('\n')).toContain(message)
  })

  it('allows an injected fault a status GitHub does not document, and checks its body', () => {
    expect(
      messages({ status: 500, responseBody: { message: 'Server Error' }, injected: true })
    ).toEqual([])
    expect(messages({ status: 202, injected: true })).toEqual([])
    expect(messages({ status: 502, responseBody: { message: [] }, injected: true })).toEqual([
      'response: /message must be string'
    ])
  })

  it('reads nullable as GitHub means it: null allowed, even beside an enum', () => {
    const issue = {
      id: 1,
      node_id: 'I_1',
      url: 'http://127.0.0.1/repos/acme/security/issues/1',
      repository_url: 'http://127.0.0.1/repos/acme/security',
      labels_url: 'http://127.0.0.1/repos/acme/security/issues/1/labels{/name}',
      comments_url: 'http://127.0.0.1/repos/acme/security/issues/1/comments',
      events_url: 'http://127.0.0.1/repos/acme/security/issues/1/events',
      html_url: 'https://github.com/acme/security/issues/1',
      number: 1,
      state: 'open',
      state_reason: null,
      title: 't',
      user: null,
      labels: [],
      assignee: null,
      milestone: null,
      locked: false,
      comments: 0,
      created_at: '2026-01-01T00:00:00Z',
      updated_at: '2026-01-01T00:00:00Z',
      closed_at: null
    }
    expect(messages({ responseBody: [issue] })).toEqual([])
    expect(messages({ responseBody: [{ ...issue, state_reason: 'finished' }] })).toEqual([
      expect.stringContaining('/0/state_reason must be equal to one of the allowed values')
    ])
  })

  it("fails the test through the harness's check when the fake answers wrongly", async () => {
    fake = new FakeGitHub({ owner: 'acme', repo: 'security' })
    await fake.start()
    // A fault that answers a documented status with a body GitHub's schema refuses.
    fake.addFault({ method: 'GET', path: '/repos/acme/security/issues/1', status: 200, body: {} })
    const answer = await fetch(`${fake.url}/repos/acme/security/issues/1`, {
      headers: { authorization: `token ${fake.token}` }
    })
    expect(answer.status).toBe(200)

    expect(() => assertNoApiViolations()).toThrow(
      "GET /repos/acme/security/issues/1 [issues/get] response: must have required property 'id'"
    )
  })
})
