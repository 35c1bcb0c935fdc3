// mode: check, the preflight, as a user runs it once from workflow_dispatch: dist/index.js against
// the fakes, whose IAM answers GetRole and the policy simulator (test/support/fake-aws/
// iam-simulator.ts). The role's policies are the documented lists of examples/aws/permissions.json,
// scoped as the CloudFormation template scopes them; each case takes one thing away.
import { afterEach, describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import type { FakeAccount } from '../support/fake-aws/index.js'
import { startFakes, type Fakes } from '../support/harness.js'
import {
  SAMPLE_ACCOUNT_ID,
  SAMPLE_ROLE_ARN,
  SAMPLE_TOPIC_ARN,
  sampleAccount
} from '../support/sample-account.js'

const permissions = JSON.parse(readFileSync('examples/aws/permissions.json', 'utf8')) as Record<
  string,
  string[]
>
const ROLE_NAME = SAMPLE_ROLE_ARN.split('/').pop() ?? ''
const USER_SCOPED = new Set([
  'iam:ListAccessKeys',
  'iam:GetAccessKeyLastUsed',
  'iam:ListUserTags',
  'iam:ListAttachedUserPolicies',
  'iam:UpdateAccessKey',
  'iam:DeleteAccessKey',
  'iam:TagUser',
  'iam:UntagUser',
  'iam:PutUserPolicy',
  'iam:GetUserPolicy'
])

interface Check {
  id: string
  status: string
  detail: string
  fix?: string
  missing?: string[]
}

/** The audit role's policy as the template writes it (users scoped, the topic by ARN), plus the check's. */
function auditRolePolicy(without: string[] = []): string {
  const keep = (a: string) => !without.includes(a)
  const audit = permissions.audit?.filter(keep) ?? []
  const check = (permissions.check ?? []).filter(keep)
  const statements = [
    {
      Effect: 'Allow',
      Action: audit.filter((a) => !USER_SCOPED.has(a) && a !== 'sns:Publish'),
      Resource: '*'
    },
    {
      Effect: 'Allow',
      Action: audit.filter((a) => USER_SCOPED.has(a)),
      Resource: `arn:aws:iam::${SAMPLE_ACCOUNT_ID}:user/*`
    },
    ...(keep('sns:Publish')
      ? [{ Effect: 'Allow', Action: 'sns:Publish', Resource: SAMPLE_TOPIC_ARN }]
      : []),
    {
      Effect: 'Allow',
      Action: check.filter((a) => a.startsWith('iam:')),
      Resource: SAMPLE_ROLE_ARN
    },
    ...(check.includes('sns:GetTopicAttributes')
      ? [{ Effect: 'Allow', Action: 'sns:GetTopicAttributes', Resource: SAMPLE_TOPIC_ARN }]
      : [])
  ]
  return JSON.stringify({ Version: '2012-10-17', Statement: statements })
}

function account(o: { without?: string[]; trust?: string } = {}): FakeAccount {
  const a = sampleAccount()
  a.roleIdentityPolicies = { [ROLE_NAME]: [auditRolePolicy(o.without)] }
  if (o.trust) a.roleTrustPolicies = { [ROLE_NAME]: o.trust }
  return a
}

const EVERYTHING = {
  mode: 'check',
  'allowed-account-ids': SAMPLE_ACCOUNT_ID,
  'sns-topic-arn': SAMPLE_TOPIC_ARN,
  'activity-for': 'flagged',
  'scan-method': 'credential-report'
}

let fakes: Fakes | undefined
afterEach(async () => {
  await fakes?.stop()
  fakes = undefined
})

async function check(a: FakeAccount, inputs: Record<string, string> = {}) {
  fakes = await startFakes(a)
  const issuesBefore = fakes.github.issues.length
  const result = await fakes.run({ ...EVERYTHING, ...inputs })
  const checks = JSON.parse(result.outputs.checks ?? '[]') as Check[]
  const byId = (id: string) => checks.find((c) => c.id === id)
  // It changes nothing on any channel: no IAM write, no message, no issue, no label.
  const awsWrites = fakes.aws.calls
    .map((c) => `${c.service}:${c.action}`)
    .filter((a) => /:(Update|Delete|Tag|Untag|Put|Create|Attach|Publish|Generate)/.test(a))
  expect(awsWrites).toEqual([])
  expect(fakes.aws.published).toEqual([])
  expect(fakes.github.issues).toHaveLength(issuesBefore)
  expect(fakes.github.labels).toEqual([])
  return { result, checks, byId }
}

describe('mode: check', () => {
  it('passes every line for a role with everything, and says so in the summary', async () => {
    const { result, checks } = await check(account())
    expect(checks.map((c) => [c.id, c.status])).toEqual([
      ['identity', 'pass'],
      ['allowed-account-ids', 'pass'],
      ['permissions', 'pass'],
      ['trust-policy', 'pass'],
      ['sns', 'pass'],
      ['issues', 'pass'],
      ['scan-method', 'pass']
    ])
    expect(result.code).toBe(0)
    expect(result.outputs['account-id']).toBe(SAMPLE_ACCOUNT_ID)
    expect(result.summary).toContain('Every check passed')
    // The simulator was asked about the role itself, by the ARN GetRole gave.
    const simulated = fakes?.aws.calls.filter((c) => c.action === 'SimulatePrincipalPolicy') ?? []
    expect(simulated.length).toBeGreaterThan(0)
    for (const call of simulated) expect(call.params.PolicySourceArn).toBe(SAMPLE_ROLE_ARN)
  })

  it('names a missing permission with the fix, and fails the step', async () => {
    const { result, byId } = await check(account({ without: ['iam:ListUserTags'] }))
    const line = byId('permissions')
    expect(line?.status).toBe('fail')
    expect(line?.missing).toEqual(['iam:ListUserTags'])
    expect(line?.fix).toContain(
      `"iam:ListUserTags" (for tags (owner, exemptions); Resource "arn:aws:iam::${SAMPLE_ACCOUNT_ID}:user/*")`
    )
    expect(byId('identity')?.status).toBe('pass')
    expect(result.code).not.toBe(0)
    expect(result.stdout).toContain('::error::[fail] IAM permissions for these inputs')
  })

  it('fails the SNS line, not the permissions line, when sns:Publish is missing', async () => {
    const { result, byId } = await check(account({ without: ['sns:Publish'] }))
    expect(byId('sns')).toMatchObject({ status: 'fail', missing: ['sns:Publish'] })
    expect(byId('permissions')?.status).toBe('pass')
    expect(result.code).not.toBe(0)
  })

  it('warns of a wildcard in the trust policy’s sub, without failing the step', async () => {
    const trust = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: {
            Federated: `arn:aws:iam::${SAMPLE_ACCOUNT_ID}:oidc-provider/token.actions.githubusercontent.com`
          },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: {
            StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' },
            StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:acme/security:*' }
          }
        }
      ]
    })
    const { result, byId } = await check(account({ trust }))
    const line = byId('trust-policy')
    expect(line?.status).toBe('warn')
    expect(line?.detail).toContain('sub has a wildcard: repo:acme/security:*')
    expect(line?.fix).toContain('repo:acme/security:ref:refs/heads/main')
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('::warning::[warn] Trust policy')
  })

  it('names the missing issues permission when GitHub refuses the token', async () => {
    fakes = await startFakes(account())
    // GitHub checks the token's permission before the body: a read-only GITHUB_TOKEN gets 403.
    fakes.github.addFault({
      method: 'POST',
      path: '/repos/acme/security/issues',
      status: 403,
      body: { message: 'Resource not accessible by integration' }
    })
    const result = await fakes.run(EVERYTHING)
    const checks = JSON.parse(result.outputs.checks ?? '[]') as Check[]
    const line = checks.find((c) => c.id === 'issues')
    expect(line).toMatchObject({ status: 'fail', missing: ['issues: write'] })
    expect(line?.fix).toContain('permissions: issues: write')
    expect(result.code).not.toBe(0)
    expect(fakes.github.issues.filter((i) => !i.pull_request)).toEqual([])
  })

  it('fails the sign-in line with its fix when STS refuses the role, and reads nothing', async () => {
    fakes = await startFakes(account())
    const result = await fakes.run({
      ...EVERYTHING,
      'role-to-assume': `arn:aws:iam::${SAMPLE_ACCOUNT_ID}:role/not-trusted`
    })
    const checks = JSON.parse(result.outputs.checks ?? '[]') as Check[]
    expect(checks.map((c) => [c.id, c.status])).toEqual([['identity', 'fail']])
    expect(checks[0]?.detail).toContain('not-trusted')
    // What was found, and the fix once, apart.
    expect(checks[0]?.fix).toContain("Check the role's trust policy")
    expect(checks[0]?.detail).not.toContain("Check the role's trust policy")
    expect(fakes.aws.calls.filter((c) => c.service === 'iam')).toEqual([])
    expect(result.summary).toContain('1 required check failed')
    expect(result.code).not.toBe(0)
  })

  it('stops at the account when allowed-account-ids does not list it', async () => {
    const { result, checks } = await check(account(), { 'allowed-account-ids': '999988887777' })
    expect(checks.map((c) => [c.id, c.status])).toEqual([
      ['identity', 'pass'],
      ['allowed-account-ids', 'fail']
    ])
    expect(fakes?.aws.calls.map((c) => c.action)).not.toContain('SimulatePrincipalPolicy')
    expect(result.code).not.toBe(0)
  })
})
