// mode: check reads the audit's inputs (the audit it checks for), validated the same way, plus
// create-issues as set and the remediation role's incident options.
import { describe, expect, it } from '@jest/globals'
import { InputError } from '../../../src/inputs/reader.js'
import { readSettings } from '../../../src/inputs/settings.js'
import { actionDefaults } from '../../support/runner-inputs.js'
import { settingsOf } from '../../support/settings.js'

const ROLE = 'arn:aws:iam::123456789012:role/iam-key-sentinel-audit'

function settingsWith(inputs: Record<string, string>, token = 'ghs_job_token') {
  const all: Record<string, string> = { ...actionDefaults({ token }), ...inputs }
  return readSettings((name) => all[name] ?? '', { GITHUB_EVENT_NAME: 'workflow_dispatch' }, {})
}

describe('mode: check', () => {
  it("is the audit's settings in mode check, with the incident options and create-issues", () => {
    const settings = settingsOf(
      settingsWith({
        mode: 'check',
        'role-to-assume': ROLE,
        action: 'delete',
        'revoke-sessions': 'true',
        'scan-method': 'api'
      }),
      'check'
    )
    expect(settings).toMatchObject({
      mode: 'check',
      roleToAssume: ROLE,
      scanMethod: 'api',
      remediation: { action: 'delete' },
      revokeSessions: true,
      revokeRoleSessions: false,
      createIssues: true
    })
  })

  it('keeps create-issues apart from the token, so an empty token can be reported', () => {
    const settings = settingsOf(settingsWith({ mode: 'check' }, ''), 'check')
    expect(settings.createIssues).toBe(true)
    expect(settings.issues.enabled).toBe(false)
  })

  it('refuses access-key-id and bad audit inputs before anything runs', () => {
    const problems = (() => {
      try {
        settingsWith({
          mode: 'check',
          'revoke-access-key-ids': 'AKIAIOSFODNN7EXAMPLE',
          'scan-method': 'x'
        })
      } catch (error) {
        if (error instanceof InputError) return error.problems
        throw error
      }
      return []
    })()
    expect(problems).toHaveLength(2)
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining("'scan-method' must be one of auto, credential-report, api"),
        expect.stringContaining("'revoke-access-key-ids' is only used in incident mode")
      ])
    )
  })

  it('lists check among the modes in the error for an unknown mode', () => {
    expect(() => settingsWith({ mode: 'preflight' })).toThrow(
      "'mode' must be one of auto, audit, revoke, list-accounts, aggregate, secret-scanning, check"
    )
  })
})
