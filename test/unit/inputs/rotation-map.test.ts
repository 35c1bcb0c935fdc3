// The rotation map and the rotation inputs: every problem names the file, the line and what to
// change, before anything touches AWS.
import { describe, expect, it } from '@jest/globals'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { InputError } from '../../../src/inputs/reader.js'
import { parseRotationMap } from '../../../src/inputs/rotation-map.js'
import { readSettings } from '../../../src/inputs/settings.js'
import { settingsOf } from '../../support/settings.js'
import { actionDefaults } from '../../support/runner-inputs.js'
import { tempRoot } from '../../support/temp-root.js'

const GOOD = `version: 1
users:
  deploy-bot:
    github-secrets:
      repository: acme/web
  Staging-Bot:
    github-secrets:
      repository: acme/web
      environment: staging
      access-key-id-name: STAGING_KEY_ID
      secret-access-key-name: STAGING_SECRET
  org-bot:
    github-secrets:
      organization: acme
      selected-repositories: [web, api]
  batch:
    secrets-manager:
      secret-id: batch/aws-key
      region: eu-west-1
`

function problems(text: string): string[] {
  const result = parseRotationMap(text, '.github/rotation.yml')
  return result.ok ? [] : result.problems
}

describe('parseRotationMap', () => {
  it('reads every kind of destination, with default secret names', () => {
    const result = parseRotationMap(GOOD, '.github/rotation.yml')
    if (!result.ok) throw new Error(result.problems.join('\n'))
    expect(Object.fromEntries(result.map.users)).toEqual({
      'deploy-bot': {
        kind: 'github-repository',
        owner: 'acme',
        repo: 'web',
        names: { accessKeyId: 'AWS_ACCESS_KEY_ID', secretAccessKey: 'AWS_SECRET_ACCESS_KEY' }
      },
      // IAM names are case-insensitive: looked up lower-cased.
      'staging-bot': {
        kind: 'github-environment',
        owner: 'acme',
        repo: 'web',
        environment: 'staging',
        names: { accessKeyId: 'STAGING_KEY_ID', secretAccessKey: 'STAGING_SECRET' }
      },
      'org-bot': {
        kind: 'github-organization',
        org: 'acme',
        selectedRepositories: ['web', 'api'],
        names: { accessKeyId: 'AWS_ACCESS_KEY_ID', secretAccessKey: 'AWS_SECRET_ACCESS_KEY' }
      },
      batch: { kind: 'secrets-manager', secretId: 'batch/aws-key', region: 'eu-west-1' }
    })
  })

  it.each([
    [
      'users:\n  bob:\n    github-secrets:\n      repository: acme/web\n  bob: {}\n',
      'line 5: not valid YAML: Map keys must be unique'
    ],
    [
      'users:\n  bob:\n    github-secrets:\n      repo: acme/web\n',
      "line 4: user bob: github-secrets has an unknown field 'repo'"
    ],
    [
      'users:\n  bob:\n    github-secrets:\n      repository: web\n',
      "line 4: user bob: repository must be owner/name; got 'web'."
    ],
    [
      'users:\n  bob:\n    github-secrets:\n      repository: acme/web\n      access-key-id-name: GITHUB_KEY\n',
      'line 5: user bob: github-secrets: access-key-id-name must be a GitHub secret name'
    ],
    [
      'users:\n  bob:\n    github-secrets:\n      organization: acme\n',
      'line 4: user bob: an organization secret needs selected-repositories'
    ],
    [
      'users:\n  bob:\n    secrets-manager:\n      region: eu-west-1\n',
      'line 4: user bob: secrets-manager needs secret-id'
    ],
    [
      'users:\n  bob:\n    github-secrets: {repository: a/b}\n    secrets-manager: {secret-id: x}\n',
      'line 3: user bob needs exactly one destination'
    ],
    [
      'users:\n  "dev*":\n    secrets-manager: {secret-id: x}\n',
      "line 2: 'dev*' is not an IAM user name"
    ],
    [
      'users:\n  Bob:\n    secrets-manager: {secret-id: x}\n  bob:\n    secrets-manager: {secret-id: y}\n',
      'line 4: user bob is listed twice'
    ],
    ['rotations: []\n', "line 1: the file has an unknown field 'rotations'"]
  ])('names the line and the fix: %j', (text, expected) => {
    const found = problems(text)
    expect(found[0]).toContain(`'rotation-config' (.github/rotation.yml) ${expected}`)
  })
})

describe('the rotation inputs', () => {
  const DEFAULTS = actionDefaults({ token: 'ghs_job_token' })
  const workspace = mkdtempSync(join(tempRoot(), 'rotation-map-'))
  writeFileSync(join(workspace, 'rotation.yml'), GOOD)
  writeFileSync(
    join(workspace, 'sm-only.yml'),
    'users:\n  batch:\n    secrets-manager: {secret-id: batch/aws-key}\n'
  )
  const settingsWith = (inputs: Record<string, string>) => {
    const all: Record<string, string> = { ...DEFAULTS, ...inputs }
    return readSettings((name) => all[name] ?? '', {
      GITHUB_EVENT_NAME: 'schedule',
      GITHUB_WORKSPACE: workspace
    })
  }
  const problemsOf = (inputs: Record<string, string>): string[] => {
    try {
      settingsWith(inputs)
    } catch (error) {
      if (error instanceof InputError) return error.problems
      throw error
    }
    return []
  }

  it('action: rotate with the defaults reads the map and the cutover timing', () => {
    const audit = settingsOf(
      settingsWith({
        action: 'rotate',
        'rotation-config': 'rotation.yml',
        'delivery-token': 'ghs_app'
      }),
      'audit'
    )
    expect(audit.remediation.action).toBe('rotate')
    expect(audit.rotation).toMatchObject({
      rotateOn: 'due-soon',
      deliveryToken: 'ghs_app',
      cutoverIdleHours: 24,
      cutoverTimeoutDays: 7,
      map: { path: 'rotation.yml' }
    })
    expect(audit.rotation?.map.users.size).toBe(4)
  })

  it('other actions carry no rotation, and the defaults are no mistake', () => {
    expect(settingsOf(settingsWith({}), 'audit').rotation).toBeUndefined()
    expect(problemsOf({ 'rotation-config': 'rotation.yml' }).join('\n')).toContain(
      "'rotation-config' is only used with action rotate"
    )
  })

  it.each([
    [{ action: 'rotate' }, "'action' rotate needs 'rotation-config'"],
    [
      { action: 'rotate', 'rotation-config': 'rotation.yml' },
      "'delivery-token' is empty, but rotation.yml sends keys to GitHub secrets"
    ],
    [
      { action: 'rotate', 'rotation-config': 'missing.yml' },
      "'rotation-config' (missing.yml) could not be read"
    ],
    [
      { action: 'rotate', 'rotation-config': '../outside.yml' },
      "'rotation-config' must be a path inside the repository"
    ],
    [
      { action: 'rotate', 'rotation-config': 'sm-only.yml', 'rotate-on': 'unused' },
      "'rotate-on' must be one of due-soon, overdue; got 'unused'."
    ],
    [
      { action: 'rotate', 'rotation-config': 'sm-only.yml', 'cutover-idle-hours': '0' },
      "'cutover-idle-hours' must be a whole number from 1 to 2160; got '0'."
    ],
    [
      { action: 'rotate', 'rotation-config': 'sm-only.yml', 'cutover-timeout-days': 'x' },
      "'cutover-timeout-days' must be a whole number from 1 to 365; got 'x'."
    ]
  ])('refuses %j before any AWS call', (inputs, expected) => {
    expect(problemsOf(inputs).join('\n')).toContain(expected)
  })

  it('a Secrets Manager map needs no delivery token', () => {
    expect(problemsOf({ action: 'rotate', 'rotation-config': 'sm-only.yml' })).toEqual([])
  })

  it('an incident cannot rotate', () => {
    expect(
      problemsOf({ action: 'rotate', 'revoke-access-key-ids': 'AKIAIOSFODNN7EXAMPLE' }).join('\n')
    ).toContain("'action' rotate is for scheduled audits")
  })
})
