// The preflight's rules: each line's verdict and fix from the facts, without AWS or GitHub.
import { describe, expect, it } from '@jest/globals'
import {
  allowedAccountsLine,
  callerOf,
  identityLine,
  issuesLine,
  permissionOptionsOf,
  permissionsLine,
  resourcePatternsFor,
  resourcesFor,
  roleArnOf,
  scanMethodLine,
  snsLine,
  trustPolicyLine,
  type ResourceContext
} from '../../../src/classify/preflight.js'
import { requiredPermissions, type PermissionOptions } from '../../../src/domain/permissions.js'
import { checkFailures, type SimulationResult } from '../../../src/domain/preflight.js'
import { readSettings } from '../../../src/inputs/settings.js'
import { actionDefaults } from '../../support/runner-inputs.js'
import { settingsOf } from '../../support/settings.js'

const ACCOUNT = '111122223333'
const ROLE = `arn:aws:iam::${ACCOUNT}:role/ci/iam-key-sentinel-audit`
const SESSION = `arn:aws:sts::${ACCOUNT}:assumed-role/iam-key-sentinel-audit/run-1`
const TOPIC = `arn:aws:sns:eu-west-1:${ACCOUNT}:alerts`
const CONTEXT: ResourceContext = {
  partition: 'aws',
  accountId: ACCOUNT,
  region: 'us-east-1',
  topicArn: TOPIC,
  secretIds: ['batch/aws-key']
}
const REPORT: PermissionOptions = {
  action: 'report',
  scanMethod: 'auto',
  activity: false,
  sns: false,
  secretsManager: false,
  revokeSessions: false,
  revokeRoleSessions: false
}
const allowed = (action: string): SimulationResult => ({
  action,
  decision: 'allowed',
  missingContext: []
})
const patterns = (p: { resource: Parameters<typeof resourcePatternsFor>[0] }) =>
  resourcePatternsFor(p.resource, CONTEXT)

describe('who the run is', () => {
  it('maps an assumed-role ARN back to the role, in any partition', () => {
    expect(callerOf(SESSION)).toEqual({
      kind: 'role',
      partition: 'aws',
      accountId: ACCOUNT,
      roleName: 'iam-key-sentinel-audit',
      sessionArn: SESSION
    })
    expect(callerOf('arn:aws-cn:sts::111122223333:assumed-role/r/s')).toMatchObject({
      partition: 'aws-cn',
      roleName: 'r'
    })
    expect(callerOf(`arn:aws:iam::${ACCOUNT}:user/ops`).kind).toBe('user')
  })

  it("takes the role's ARN, path included, from GetRole, then from the inputs, then guesses", () => {
    const caller = callerOf(SESSION)
    if (caller.kind !== 'role') throw new Error('not a role')
    expect(roleArnOf(caller, ROLE, [])).toBe(ROLE)
    expect(roleArnOf(caller, undefined, ['', ROLE])).toBe(ROLE)
    // Same name in another account is not this role.
    expect(
      roleArnOf(caller, undefined, ['arn:aws:iam::999988887777:role/iam-key-sentinel-audit'])
    ).toBe(`arn:aws:iam::${ACCOUNT}:role/iam-key-sentinel-audit`)
  })

  it('fails the identity line with the fix when signing in failed, and warns of a user', () => {
    expect(identityLine({ error: 'AccessDenied', denied: true })).toMatchObject({
      status: 'fail',
      fix: expect.stringContaining('id-token: write')
    })
    expect(
      identityLine({
        accountId: ACCOUNT,
        callerArn: `arn:aws:iam::${ACCOUNT}:user/ops`,
        principalArn: ''
      }).status
    ).toBe('warn')
    expect(
      identityLine({ accountId: ACCOUNT, alias: 'prod', callerArn: SESSION, principalArn: ROLE })
    ).toMatchObject({ status: 'pass', detail: expect.stringContaining(`${ACCOUNT} (prod)`) })
  })

  it('passes a listed account, warns when the list is empty, fails when it is not listed', () => {
    expect(allowedAccountsLine(ACCOUNT, [ACCOUNT]).status).toBe('pass')
    expect(allowedAccountsLine(ACCOUNT, [])).toMatchObject({
      status: 'warn',
      fix: expect.stringContaining(`allowed-account-ids: '${ACCOUNT}'`)
    })
    expect(allowedAccountsLine(ACCOUNT, ['999988887777'])).toMatchObject({
      status: 'fail',
      missing: [ACCOUNT]
    })
  })
})

describe('the permissions a run needs', () => {
  const actions = (o: Partial<PermissionOptions>) =>
    requiredPermissions({ ...REPORT, ...o }).map((p) => p.action)

  it('follows the inputs: report method, activity, SNS, each action and its options', () => {
    expect(actions({ scanMethod: 'api' })).not.toContain('iam:GetCredentialReport')
    expect(actions({})).toContain('iam:GenerateCredentialReport')
    expect(actions({ activity: true })).toContain('cloudtrail:LookupEvents')
    expect(actions({ sns: true })).toContain('sns:Publish')
    expect(actions({ action: 'deactivate' })).toEqual(
      expect.arrayContaining(['iam:UpdateAccessKey', 'iam:TagUser'])
    )
    expect(actions({ action: 'deactivate' })).not.toContain('iam:DeleteAccessKey')
    expect(actions({ action: 'delete' })).toEqual(
      expect.arrayContaining(['iam:DeleteAccessKey', 'iam:UntagUser'])
    )
    expect(actions({ action: 'delete', revokeSessions: true })).toContain('iam:PutUserPolicy')
    expect(actions({ action: 'report', revokeSessions: true })).not.toContain('iam:PutUserPolicy')
    expect(actions({ action: 'rotate', secretsManager: true })).toEqual(
      expect.arrayContaining(['iam:CreateAccessKey', 'secretsmanager:PutSecretValue'])
    )
  })

  it('simulates users, roles and secrets on sample ARNs, and names the pattern to grant', () => {
    expect(resourcesFor('account', CONTEXT)).toEqual([])
    expect(resourcesFor('user', CONTEXT)).toEqual([
      `arn:aws:iam::${ACCOUNT}:user/preflight-sample-user`
    ])
    // Not iam-key-sentinel-*, which the template's Deny protects.
    expect(resourcesFor('role', CONTEXT)[0]).not.toMatch(/iam-key-sentinel-/)
    expect(resourcesFor('secret', CONTEXT)).toEqual([
      `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:batch/aws-key-AbCdEf`
    ])
    expect(resourcePatternsFor('user', CONTEXT)).toEqual([`arn:aws:iam::${ACCOUNT}:user/*`])
    expect(resourcePatternsFor('secret', CONTEXT)[0]).toMatch(/batch\/aws-key-\?{6}$/)
    expect(resourcePatternsFor('topic', CONTEXT)).toEqual([TOPIC])
  })
})

describe('the options the check settings give', () => {
  const check = (inputs: Record<string, string>) => {
    const all: Record<string, string> = {
      ...actionDefaults({ token: 't' }),
      mode: 'check',
      ...inputs
    }
    return permissionOptionsOf(
      settingsOf(
        readSettings((n) => all[n] ?? ''),
        'check'
      )
    )
  }

  it('reads SNS as on only with a topic and notify-on other than never', () => {
    expect(check({ 'sns-topic-arn': TOPIC }).options.sns).toBe(true)
    expect(check({ 'sns-topic-arn': TOPIC, 'notify-on': 'never' }).options.sns).toBe(false)
    expect(check({}).options).toMatchObject({
      action: 'report',
      scanMethod: 'auto',
      activity: true,
      sns: false,
      secretsManager: false
    })
    expect(
      check({ 'activity-for': 'none', action: 'delete', 'revoke-role-sessions': 'true' }).options
    ).toMatchObject({
      action: 'delete',
      activity: false,
      revokeRoleSessions: true
    })
  })
})

describe('the permissions line', () => {
  const required = requiredPermissions({ ...REPORT, action: 'delete' })
  const all = required.map((p) => allowed(p.action))
  const line = (results: SimulationResult[], sessionPolicies = false) =>
    permissionsLine(required, results, { roleArn: ROLE, sessionPolicies, resources: patterns })

  it('passes when the simulator allows every action', () => {
    expect(line(all).status).toBe('pass')
  })

  it('names a missing action with the statement to add', () => {
    const results = all.map((r) =>
      r.action === 'iam:DeleteAccessKey' ? { ...r, decision: 'implicitDeny' as const } : r
    )
    expect(line(results)).toMatchObject({
      status: 'fail',
      missing: ['iam:DeleteAccessKey'],
      fix: `Add to the role's policy: "iam:DeleteAccessKey" (for action: delete; Resource "arn:aws:iam::${ACCOUNT}:user/*").`
    })
  })

  it('counts an action denied on one of its resources as denied, and says to remove the Deny', () => {
    const results = [...all, { ...allowed('iam:TagUser'), decision: 'explicitDeny' as const }]
    expect(line(results)).toMatchObject({
      status: 'fail',
      missing: ['iam:TagUser'],
      fix: expect.stringContaining('Remove the Deny')
    })
  })

  it('only warns for what only incidents use, for conditions and for session policies', () => {
    const incident = all.filter((r) => r.action !== 'sts:GetAccessKeyInfo')
    expect(line(incident)).toMatchObject({ status: 'warn', missing: ['sts:GetAccessKeyInfo'] })
    const conditional = all.map((r) =>
      r.action === 'iam:ListUsers'
        ? { ...r, decision: 'implicitDeny' as const, missingContext: ['aws:SourceIp'] }
        : r
    )
    expect(line(conditional).detail).toContain('iam:ListUsers (depends on aws:SourceIp)')
    expect(line(conditional).status).toBe('warn')
    expect(line(all, true).status).toBe('warn')
  })

  it('warns with the simulator permission to grant when the simulator is not allowed', () => {
    const result = permissionsLine(
      required,
      { error: 'AccessDenied', denied: true },
      {
        roleArn: ROLE,
        sessionPolicies: false,
        resources: patterns
      }
    )
    expect(result).toMatchObject({
      status: 'warn',
      fix: expect.stringContaining(`iam:SimulatePrincipalPolicy on itself (Resource "${ROLE}")`)
    })
  })
})

describe('the trust policy line', () => {
  const trust = (condition: unknown, action: unknown = 'sts:AssumeRoleWithWebIdentity') =>
    JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: {
            Federated: 'arn:aws:iam::1:oidc-provider/token.actions.githubusercontent.com'
          },
          Action: action,
          ...(condition ? { Condition: condition } : {})
        }
      ]
    })
  const AUD = { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' }
  const verdict = (condition: unknown, action?: unknown) =>
    trustPolicyLine({ roleArn: ROLE, document: trust(condition, action) }, 'acme/security')

  it('passes aud and sub pinned with StringEquals', () => {
    const line = verdict({
      StringEquals: {
        ...AUD,
        'token.actions.githubusercontent.com:sub': 'repo:acme/security:environment:prod'
      }
    })
    expect(line.status).toBe('pass')
    expect(line.detail).toContain('sub is repo:acme/security:environment:prod')
  })

  it('warns of a wildcard in the ref part of sub', () => {
    const line = verdict({
      StringEquals: AUD,
      StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:acme/security:*' }
    })
    expect(line).toMatchObject({
      status: 'warn',
      fix: expect.stringContaining('repo:acme/security:ref:refs/heads/main')
    })
  })

  it('fails a sub that lets other repositories in, and a missing or loose aud or sub', () => {
    const sub = (value: string) =>
      verdict({
        StringEquals: AUD,
        StringLike: { 'token.actions.githubusercontent.com:sub': value }
      }).status
    expect(sub('repo:acme/*')).toBe('fail')
    expect(sub('*')).toBe('fail')
    expect(verdict({ StringEquals: AUD }).status).toBe('fail')
    expect(
      verdict({
        StringEquals: {
          'token.actions.githubusercontent.com:sub': 'repo:acme/security:ref:refs/heads/main'
        }
      }).detail
    ).toContain('aud is not pinned')
    expect(
      verdict({
        StringLike: { 'token.actions.githubusercontent.com:aud': 'sts.*' },
        StringEquals: {
          'token.actions.githubusercontent.com:sub': 'repo:acme/security:ref:refs/heads/main'
        }
      }).detail
    ).toContain('aud has a wildcard')
    // StringNotEquals does not pin anything.
    expect(
      verdict({
        StringEquals: AUD,
        StringNotEquals: { 'token.actions.githubusercontent.com:sub': 'repo:x/y:z' }
      }).status
    ).toBe('fail')
    expect(verdict(undefined).status).toBe('fail')
  })

  it('reads a literal * in StringEquals as pinned, and judges every web-identity statement', () => {
    expect(
      verdict({
        StringEquals: { ...AUD, 'token.actions.githubusercontent.com:sub': 'repo:acme/security:*' }
      }).status
    ).toBe('pass')
    expect(verdict(undefined, ['sts:AssumeRole']).status).toBe('warn')
  })

  it("judges GitHub's statements only when another identity provider is trusted too", () => {
    const document = JSON.stringify({
      Statement: [
        JSON.parse(
          trust({
            StringEquals: {
              ...AUD,
              'token.actions.githubusercontent.com:sub': 'repo:acme/security:ref:refs/heads/main'
            }
          })
        ).Statement[0],
        {
          Effect: 'Allow',
          Principal: { Federated: 'cognito-identity.amazonaws.com' },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: { StringEquals: { 'cognito-identity.amazonaws.com:aud': 'us-east-1:pool' } }
        }
      ]
    })
    expect(trustPolicyLine({ roleArn: ROLE, document }, 'acme/security').status).toBe('pass')
  })

  it('warns when the trust policy cannot be read, and skips a chained role', () => {
    expect(trustPolicyLine({ error: 'AccessDenied', denied: true }, 'a/b')).toMatchObject({
      status: 'warn',
      fix: expect.stringContaining('iam:GetRole')
    })
    expect(trustPolicyLine({ skipped: 'chained' }, 'a/b').status).toBe('skip')
  })
})

describe('the SNS, issues and scan-method lines', () => {
  const publish = [allowed('sns:Publish')]

  it('passes an existing topic the role may publish to, noting its KMS key', () => {
    const line = snsLine({ topicArn: TOPIC, topic: { fifo: false, kmsKeyId: 'alias/k' }, publish })
    expect(line.status).toBe('pass')
    expect(line.detail).toContain('kms:GenerateDataKey*')
  })

  it('fails a topic that does not exist or that the role may not publish to', () => {
    expect(
      snsLine({
        topicArn: TOPIC,
        topic: { error: 'NotFound: Topic does not exist', denied: false },
        publish
      }).status
    ).toBe('fail')
    expect(
      snsLine({
        topicArn: TOPIC,
        topic: { fifo: false },
        publish: [{ action: 'sns:Publish', decision: 'implicitDeny', missingContext: [] }]
      })
    ).toMatchObject({
      status: 'fail',
      missing: ['sns:Publish'],
      fix: expect.stringContaining(TOPIC)
    })
  })

  it('warns when GetTopicAttributes is denied but publishing is allowed', () => {
    expect(
      snsLine({ topicArn: TOPIC, topic: { error: 'AuthorizationError', denied: true }, publish })
    ).toMatchObject({ status: 'warn', fix: expect.stringContaining('sns:GetTopicAttributes') })
  })

  it('reads the issues probe: 422 writes, 403 names the permission, no token fails', () => {
    const repository = 'acme/security'
    expect(issuesLine({ repository, probe: { verdict: 'can-write' } }).status).toBe('pass')
    expect(
      issuesLine({
        repository,
        probe: { verdict: 'denied', status: 403, message: 'Resource not accessible by integration' }
      })
    ).toMatchObject({
      status: 'fail',
      missing: ['issues: write'],
      fix: expect.stringContaining('permissions: issues: write')
    })
    expect(issuesLine({ noToken: true }).status).toBe('fail')
    expect(issuesLine({ skipped: 'off' }).status).toBe('skip')
    expect(issuesLine({ repository, probe: { verdict: 'unexpected', message: '?' } }).status).toBe(
      'warn'
    )
  })

  it('says which scan method auto picks, and the report age', () => {
    const at = new Date('2026-12-07T12:00:00Z')
    const base = { autoReportAbove: 100, at }
    expect(
      scanMethodLine({ ...base, requested: 'auto', users: { count: 42, complete: true } }).detail
    ).toContain('would use api (scan-method: auto, 42 users')
    const big = scanMethodLine({
      ...base,
      requested: 'auto',
      users: { count: 101, complete: false },
      report: { generatedAt: new Date('2026-12-07T06:00:00Z') }
    })
    expect(big.detail).toContain('more than 100 users')
    expect(big.detail).toContain('6.0 h old (more than 4 h)')
    expect(
      scanMethodLine({
        ...base,
        requested: 'credential-report',
        report: { generatedAt: new Date('2026-12-07T11:00:00Z') }
      }).detail
    ).toContain('1.0 h old: the run reuses it')
    expect(
      scanMethodLine({ ...base, requested: 'auto', users: { error: 'AccessDenied', denied: true } })
        .status
    ).toBe('warn')
  })

  it('fails the step for failing lines only', () => {
    const lines = [
      allowedAccountsLine(ACCOUNT, []),
      issuesLine({ noToken: true }),
      allowedAccountsLine(ACCOUNT, [ACCOUNT])
    ]
    const failures = checkFailures(lines)
    expect(failures).toHaveLength(1)
    expect(failures[0]).toContain('GitHub token can write issues')
  })
})
