// The e2e harness checks every exchange with the fake GitHub against GitHub's published API
// description (test/support/github-api-check.ts runs after each test): a request GitHub would
// refuse fails the test that sent it. Here one is sent on purpose, beside the action's run.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { startFakes, type Fakes } from '../support/harness.js'
import { assertNoApiViolations } from '../support/github-api-check.js'

let fakes: Fakes
beforeEach(async () => {
  fakes = await startFakes()
})
afterEach(() => fakes.stop())

/** A request the action would send, from outside it: the job's token, GitHub's JSON. */
function send(method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${fakes.github.url}${path}`, {
    method,
    headers: {
      authorization: `token ${fakes.github.token}`,
      accept: 'application/vnd.github+json',
      ...(body === undefined ? {} : { 'content-type': 'application/json' })
    },
    body: body === undefined ? undefined : JSON.stringify(body)
  })
}

describe("the e2e harness's GitHub API check", () => {
  it('passes a run of the action that opens issues, and fails on one wrong request', async () => {
    const run = await fakes.run({ 'github-token': fakes.github.token, 'fail-on': 'never' })
    expect(run.code).toBe(0)
    expect(fakes.github.writes().length).toBeGreaterThan(0)
    // Everything the action sent and the fake answered matched GitHub's description.
    expect(() => assertNoApiViolations()).not.toThrow()

    // Labels as one string: the fake takes it (it reads names leniently), but GitHub's
    // description wants an array, and the check says so.
    const issue = fakes.github.issues.find((i) => !i.pull_request)
    const answer = await send('PATCH', `/repos/acme/security/issues/${issue?.number}`, {
      labels: 'iam-key-rotation'
    })
    expect(answer.status).toBe(200)

    expect(() => assertNoApiViolations()).toThrow(
      /PATCH \/repos\/acme\/security\/issues\/\d+ \[issues\/update\] request: \/requestBody\/labels must be array/
    )
    // Taken by the assertion above, so this test's own afterEach check passes.
    expect(fakes.github.takeViolations()).toEqual([])
  })

  it('fails on a request for an operation GitHub does not have', async () => {
    const answer = await send('POST', '/repos/acme/security/issues/1/close')
    expect(answer.status).toBe(404)

    expect(() => assertNoApiViolations()).toThrow(
      "GitHub's REST API has no operation POST /repos/acme/security/issues/1/close"
    )
  })
})
