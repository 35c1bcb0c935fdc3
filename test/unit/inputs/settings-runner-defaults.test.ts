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
    expect(settingsOf(settings, 'audit').exemptionMaxDays).toBe(365)
  })

  it('audit: the owners and ladder defaults, with and without owners-config', () => {
    expect(DEFAULTS).toMatchObject({
      'owners-config': '',
      'reminder-days': '14,7,1',
      'reminder-every-days': '7',
      'escalate-after-days': '14'
    })
    expect(settingsOf(settingsWith({ 'role-to-assume': ROLE }), 'audit').reminders).toBeUndefined()
    const all: Record<string, string> = {
      ...DEFAULTS,
      'role-to-assume': ROLE,
      'owners-config': 'owners.yml'
    }
    const settings = readSettings(
      (name) => all[name] ?? '',
      { GITHUB_EVENT_NAME: 'schedule', GITHUB_WORKSPACE: '/w' },
      {},
      () => 'owners: []\n'
    )
    expect(settingsOf(settings, 'audit').reminders).toEqual({
      daysBefore: [14, 7, 1],
      everyDays: 7,
      escalateAfterDays: 14
    })
  })

  it('revoke by input: the defaults plus revoke-access-key-ids', () => {
    const settings = settingsWith(
      { 'role-to-assume': ROLE, 'revoke-access-key-ids': 'AKIAIOSFODNN7EXAMPLE' },
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

  it('secret-scanning: the defaults plus mode, with the job token unless its own is set', () => {
    const settings = settingsOf(
      settingsWith({ 'role-to-assume': ROLE, mode: 'secret-scanning' }),
      'secret-scanning'
    )
    expect(settings.secretScanning).toEqual({
      scope: 'repository',
      token: 'ghs_job_token',
      tokenInput: 'github-token'
    })
    expect(settings.remediation.action).toBe('deactivate')
    expect(settings.revokeSessions).toBe(true)
    const own = settingsOf(
      settingsWith({
        mode: 'secret-scanning',
        'secret-scanning-scope': 'organization',
        'secret-scanning-token': 'github_pat_alerts'
      }),
      'secret-scanning'
    )
    expect(own.secretScanning).toEqual({
      scope: 'organization',
      token: 'github_pat_alerts',
      tokenInput: 'secret-scanning-token'
    })
  })

  it('secret-scanning: rejects a bad scope, report, a key ID and a token outside the mode', () => {
    expect(
      problemsOf(() =>
        settingsWith({ mode: 'secret-scanning', 'secret-scanning-scope': 'enterprise' })
      )
    ).toEqual([
      "'secret-scanning-scope' must be one of repository, organization; got 'enterprise'."
    ])
    expect(problemsOf(() => settingsWith({ mode: 'secret-scanning', action: 'report' }))).toEqual([
      "'action' report changes nothing, so it cannot revoke a key: use deactivate or delete (or leave it empty)."
    ])
    expect(
      problemsOf(() =>
        settingsWith({ mode: 'secret-scanning', 'revoke-access-key-ids': 'AKIAIOSFODNN7EXAMPLE' })
      )
    ).toHaveLength(1)
    expect(problemsOf(() => settingsWith({ 'secret-scanning-token': 'github_pat_x' }))).toEqual([
      "'secret-scanning-token' is only used with mode secret-scanning: set 'mode' to secret-scanning, or remove it."
    ])
    expect(problemsOf(() => settingsWith({ mode: 'secret-scanning', 'github-token': '' }))).toEqual(
      [expect.stringContaining("set 'secret-scanning-token'")]
    )
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
    expect(problemsOf(() => settingsWith({ 'exemption-max-days': '0' }))).toEqual([
      "'exemption-max-days' must be a whole number from 1 to 3650; got '0'."
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
