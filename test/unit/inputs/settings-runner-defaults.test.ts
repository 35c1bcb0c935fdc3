// The runner sets INPUT_<NAME> for every input with a default in action.yml, so readSettings sees
// every default in every mode. None of them may read as a mistake; a bad value still must.
import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { InputError } from '../../../src/inputs/reader.js'
import { readSettings } from '../../../src/inputs/settings.js'
import { settingsOf } from '../../support/settings.js'
import { actionDefaults } from '../../support/runner-inputs.js'

const ROLE = 'arn:aws:iam::123456789012:role/iam-key-sentinel'
const DEFAULTS = actionDefaults({ token: 'ghs_job_token' })
const healthEvent = (
  JSON.parse(readFileSync('examples/events/aws-health-exposed-key.json', 'utf8')) as {
    client_payload: unknown
  }
).client_payload

/** readSettings as a runner would call it: every default, then the step's `with:`. */
function settingsWith(
  inputs: Record<string, string>,
  env: NodeJS.ProcessEnv = { GITHUB_EVENT_NAME: 'schedule' },
  payload: unknown = {}
) {
  const all: Record<string, string> = { ...DEFAULTS, ...inputs }
  return readSettings((name) => all[name] ?? '', env, payload)
}

function problemsOf(run: () => unknown): string[] {
  try {
    run()
  } catch (error) {
    if (error instanceof InputError) return error.problems
    throw error
  }
  return []
}

describe("readSettings over action.yml's defaults, as the runner sets them", () => {
  it('gives every input with a default a value, the token included', () => {
    expect(Object.keys(DEFAULTS).length).toBeGreaterThan(30)
    expect(DEFAULTS['github-token']).toBe('ghs_job_token')
    expect(DEFAULTS['member-role-name']).toBe('iam-key-sentinel-member')
    expect(DEFAULTS['matrix-chunk-size']).toBe('256')
  })

  it('audit: the defaults plus role-to-assume', () => {
    const settings = settingsWith({ 'role-to-assume': ROLE })
    expect(settingsOf(settings, 'audit').issues.enabled).toBe(true)
  })

  it('revoke by input: the defaults plus access-key-id', () => {
    const settings = settingsWith(
      { 'role-to-assume': ROLE, 'access-key-id': 'AKIAIOSFODNN7EXAMPLE' },
      { GITHUB_EVENT_NAME: 'workflow_dispatch' }
    )
    const revoke = settingsOf(settings, 'revoke')
    expect(revoke.revoke).toMatchObject({
      source: 'input',
      revokeRoleSessions: false,
      maxRoleRevocations: 10
    })
    expect(revoke.remediation.action).toBe('deactivate')
  })

  it('revoke by event: the defaults plus an AWS Health exposure event', () => {
    const settings = settingsWith(
      { 'role-to-assume': ROLE },
      { GITHUB_EVENT_NAME: 'repository_dispatch' },
      { client_payload: healthEvent }
    )
    expect(settingsOf(settings, 'revoke').revoke).toMatchObject({
      source: 'aws-health',
      keys: [{ accessKeyId: 'AKIAIOSFODNN7EXAMPLE' }]
    })
  })

  it('list-accounts: the defaults plus mode', () => {
    const settings = settingsWith({ 'role-to-assume': ROLE, mode: 'list-accounts' })
    expect(settings).toMatchObject({
      mode: 'list-accounts',
      organizationalUnits: [],
      excludeAccounts: [],
      memberRoleName: 'iam-key-sentinel-member',
      chunkSize: 256
    })
  })

  it('aggregate: the defaults plus mode, reports-directory and expected-accounts', () => {
    const settings = settingsWith({
      mode: 'aggregate',
      'reports-directory': 'reports',
      'expected-accounts': '111122223333,444455556666'
    })
    expect(settings).toMatchObject({ mode: 'aggregate', reportsDirectory: 'reports' })
  })

  it('still names an organization input that was really set outside its mode', () => {
    const problems = problemsOf(() =>
      settingsWith({ 'role-to-assume': ROLE, 'member-role-name': 'other-member' })
    )
    expect(problems).toEqual([
      "'member-role-name' is only used in list-accounts mode: set 'mode' to list-accounts or remove 'member-role-name'."
    ])
  })

  it('still rejects a bad value of an input that has a default, naming it', () => {
    expect(
      problemsOf(() => settingsWith({ mode: 'list-accounts', 'matrix-chunk-size': '0' }))
    ).toEqual(["'matrix-chunk-size' must be a whole number from 1 to 256; got '0'."])
    expect(problemsOf(() => settingsWith({ 'max-age-days': 'ninety' }))).toEqual([
      "'max-age-days' must be a whole number from 1 to 3650; got 'ninety'."
    ])
  })
})

describe('input errors are the user’s to fix, not crashes', () => {
  it('says what to change, without "unexpectedly"', async () => {
    const { describeFailure } = await import('../../../src/kit/errors.js')
    let error: unknown
    try {
      settingsWith({ 'fail-on': 'sometimes' })
    } catch (e) {
      error = e
    }
    const text = describeFailure(error)
    expect(text).toContain("'fail-on' must be one of never, due-soon, overdue")
    expect(text).not.toContain('unexpectedly')
    expect(describeFailure(new TypeError('boom'))).toBe(
      'IAM Key Sentinel failed unexpectedly: boom'
    )
  })
})
