// The issues-write probe with the real Octokit against the fake GitHub: an issue without a title
// is refused (422) once the token may write, refused earlier (403/404/401) when it may not, and
// no issue is created either way.
import { afterEach, describe, expect, it } from '@jest/globals'
import * as github from '@actions/github'
import { probeIssueWrite } from '../../../src/github/issues-probe.js'
import { FakeGitHub } from '../../support/fake-github/index.js'

let fake: FakeGitHub
afterEach(() => fake.stop())

async function start(token?: string): Promise<ReturnType<typeof github.getOctokit>> {
  fake = new FakeGitHub({ owner: 'acme', repo: 'security', seedPullRequest: false })
  await fake.start()
  return github.getOctokit(token ?? fake.token, { baseUrl: fake.url })
}
const REPO = { owner: 'acme', repo: 'security' }

describe('probeIssueWrite', () => {
  it('reads 422 (no title) as "may write", having sent no title and created nothing', async () => {
    const octokit = await start()
    expect(await probeIssueWrite(octokit, REPO)).toEqual({ verdict: 'can-write' })
    const probe = fake.requests.find((r) => r.method === 'POST')
    expect(probe?.path).toBe('/repos/acme/security/issues')
    expect(probe?.body).toEqual({ body: expect.stringContaining('preflight') })
    expect(probe?.body).not.toHaveProperty('title')
    expect(fake.issues).toEqual([])
  })

  it('reads 403 as denied, 404 as not visible, 401 as a bad token', async () => {
    const octokit = await start()
    fake.addFault({
      method: 'POST',
      times: 1,
      status: 403,
      body: { message: 'Resource not accessible by integration' }
    })
    expect(await probeIssueWrite(octokit, REPO)).toMatchObject({ verdict: 'denied', status: 403 })
    expect(await probeIssueWrite(octokit, { owner: 'acme', repo: 'elsewhere' })).toMatchObject({
      verdict: 'not-found',
      status: 404
    })
    const stranger = github.getOctokit('not-a-token', { baseUrl: fake.url })
    expect(await probeIssueWrite(stranger, REPO)).toMatchObject({
      verdict: 'bad-token',
      status: 401
    })
    expect(fake.issues).toEqual([])
  })
})
