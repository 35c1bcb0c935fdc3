// mode: check against moto, an AWS nobody here wrote: the built action signs in through the fake
// GitHub's OIDC, reads the role's trust policy with moto's GetRole and the topic with moto's
// GetTopicAttributes. moto 5.2.1 has no SimulatePrincipalPolicy (moto/iam/responses.py defines no
// such action; moto.server answers it 500 Internal Server Error), so the permission lines say the
// simulator did not answer, as they would for a role without iam:SimulatePrincipalPolicy; the fake
// IAM (test/support/fake-aws/iam-simulator.ts, test/e2e/preflight.test.ts) answers as AWS's API
// reference documents.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { CreateRoleCommand, CreateUserCommand, IAMClient } from '@aws-sdk/client-iam'
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns'
import { FakeGitHub } from '../support/fake-github/index.js'
import { MOTO_ACCOUNT_ID, MOTO_CREDENTIALS, startMoto, type Moto } from '../support/moto.js'
import { runAction } from '../support/run-action.js'

const REGION = 'us-east-1'
const ROLE_NAME = 'iam-key-sentinel-audit'
const ROLE = `arn:aws:iam::${MOTO_ACCOUNT_ID}:role/${ROLE_NAME}`

let moto: Moto
let github: FakeGitHub
let githubUrl: string
const made: { destroy(): void }[] = []

beforeAll(async () => {
  github = new FakeGitHub({ owner: 'acme', repo: 'security' })
  ;[moto, githubUrl] = await Promise.all([startMoto(), github.start()])
})
afterAll(async () => {
  for (const c of made) c.destroy()
  await Promise.all([moto?.stop(), github?.stop()])
})
beforeEach(async () => {
  await moto.reset()
})

const config = () => ({ endpoint: moto.endpoint, region: REGION, credentials: MOTO_CREDENTIALS })
function iam(): IAMClient {
  const c = new IAMClient(config())
  made.push(c)
  return c
}

function trust(sub: Record<string, Record<string, string>>): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: {
          Federated: `arn:aws:iam::${MOTO_ACCOUNT_ID}:oidc-provider/token.actions.githubusercontent.com`
        },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: {
          StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' },
          ...sub
        }
      }
    ]
  })
}

/**
 * What a run could change in moto: users (keys, tags, policies), policies, the roles' policies and
 * the topics' sent messages. Signing in itself records a session and the role's last use.
 */
async function changeable() {
  const data = await moto.data()
  const iamData = data.iam ?? {}
  const roles = (iamData.Role ?? []) as { policies?: unknown; role_policy_list?: unknown }[]
  const topics = (data.sns?.Topic ?? []) as { sent_notifications?: unknown }[]
  return {
    users: iamData.User,
    policies: [iamData.InlinePolicy, iamData.ManagedPolicy, iamData.Policy],
    rolePolicies: roles.map((r) => [r.policies, r.role_policy_list]),
    sent: topics.map((t) => t.sent_notifications)
  }
}

interface Check {
  id: string
  status: string
  detail: string
  fix?: string
}

async function check(inputs: Record<string, string> = {}) {
  const result = await runAction({
    awsEndpoint: moto.endpoint,
    githubUrl,
    oidcUrl: github.oidcUrl(),
    oidcRequestToken: github.idTokenRequestToken,
    githubToken: github.token,
    inputs: {
      mode: 'check',
      'role-to-assume': ROLE,
      'aws-region': REGION,
      'allowed-account-ids': MOTO_ACCOUNT_ID,
      // moto's 500 for SimulatePrincipalPolicy is retried as a server error: once is enough here.
      'retry-max-attempts': '1',
      ...inputs
    }
  })
  const checks = JSON.parse(result.outputs.checks ?? '[]') as Check[]
  return { result, byId: (id: string) => checks.find((c) => c.id === id), checks }
}

describe('moto: mode check', () => {
  it("reads the role's pinned trust policy and the topic from moto, and changes nothing", async () => {
    await iam().send(
      new CreateRoleCommand({
        RoleName: ROLE_NAME,
        AssumeRolePolicyDocument: trust({
          StringLike: {},
          StringEqualsIgnoreCase: {
            'token.actions.githubusercontent.com:sub': 'repo:acme/security:ref:refs/heads/main'
          }
        })
      })
    )
    await iam().send(new CreateUserCommand({ UserName: 'alice' }))
    const sns = new SNSClient(config())
    made.push(sns)
    const { TopicArn = '' } = await sns.send(new CreateTopicCommand({ Name: 'security-alerts' }))
    const before = await changeable()
    const { result, byId } = await check({ 'sns-topic-arn': TopicArn })

    expect(byId('identity')).toMatchObject({
      status: 'pass',
      detail: expect.stringContaining(`as role ${ROLE}`)
    })
    expect(byId('allowed-account-ids')?.status).toBe('pass')
    expect(byId('trust-policy')).toMatchObject({
      status: 'pass',
      detail: expect.stringContaining('sub is repo:acme/security:ref:refs/heads/main')
    })
    // moto has no policy simulator: a warning with the permission to grant, not a failure.
    expect(byId('permissions')).toMatchObject({
      status: 'warn',
      fix: expect.stringContaining('iam:SimulatePrincipalPolicy')
    })
    expect(byId('sns')).toMatchObject({
      status: 'warn',
      detail: expect.stringContaining('The simulator did not answer')
    })
    expect(byId('issues')?.status).toBe('pass')
    expect(byId('scan-method')).toMatchObject({
      status: 'pass',
      detail: expect.stringContaining('would use api (scan-method: auto, 1 users')
    })
    // Warnings do not fail the step; nothing in moto changed (no key, tag, policy or message).
    expect(result.code).toBe(0)
    expect(await changeable()).toEqual(before)
  })

  it('warns of a wildcard in sub read from moto, and fails a sub that is not pinned', async () => {
    await iam().send(
      new CreateRoleCommand({
        RoleName: ROLE_NAME,
        AssumeRolePolicyDocument: trust({
          StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:acme/security:*' }
        })
      })
    )
    const wildcard = await check({ 'create-issues': 'false' })
    expect(wildcard.byId('trust-policy')).toMatchObject({
      status: 'warn',
      detail: expect.stringContaining('sub has a wildcard: repo:acme/security:*')
    })
    expect(wildcard.result.code).toBe(0)

    await moto.reset()
    await iam().send(
      new CreateRoleCommand({ RoleName: ROLE_NAME, AssumeRolePolicyDocument: trust({}) })
    )
    const open = await check({ 'create-issues': 'false' })
    expect(open.byId('trust-policy')).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining('sub is not pinned')
    })
    expect(open.result.code).not.toBe(0)
  })
})
