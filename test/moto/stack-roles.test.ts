// The stack's roles (examples/aws/iam-key-sentinel.yml), rendered as CloudFormation would for both
// forms of the GitHub OIDC subject, put into moto, and used by the built action.
//
// moto 5.2.1 checks the documents, not the trust: UpdateAssumeRolePolicy and PutRolePolicy run
// its policy validators (grammar, actions, resource ARNs, condition syntax), but its
// AssumeRoleWithWebIdentity is AssumeRole without the token (moto/sts/models.py): any token, for
// any role, is accepted. So whether a trust policy accepts the immutable subject and refuses a
// foreign one is proven where the condition is evaluated as STS documents it:
// test/contract/examples.test.ts ("trust policy, evaluated as STS would").
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import {
  CreateOpenIDConnectProviderCommand,
  CreateRoleCommand,
  GetRoleCommand,
  IAMClient,
  PutRolePolicyCommand,
  UpdateAssumeRolePolicyCommand
} from '@aws-sdk/client-iam'
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns'
import { loadTemplate, resolve } from '../support/cloudformation.js'
import { FakeGitHub } from '../support/fake-github/index.js'
import { MOTO_ACCOUNT_ID, MOTO_CREDENTIALS, startMoto, type Moto } from '../support/moto.js'
import { runAction } from '../support/run-action.js'

const REGION = 'us-east-1'
const template = loadTemplate('examples/aws/iam-key-sentinel.yml').value as {
  Resources: Record<string, { Properties: Record<string, unknown> }>
}

let moto: Moto
let github: FakeGitHub
let githubUrl: string
let iam: IAMClient
let sns: SNSClient

beforeAll(async () => {
  github = new FakeGitHub({ owner: 'acme', repo: 'security' })
  ;[moto, githubUrl] = await Promise.all([startMoto(), github.start()])
  const config = { endpoint: moto.endpoint, region: REGION, credentials: MOTO_CREDENTIALS }
  iam = new IAMClient(config)
  sns = new SNSClient(config)
})
afterAll(async () => {
  iam?.destroy()
  sns?.destroy()
  await Promise.all([moto?.stop(), github?.stop()])
})

/** A role of the stack as CloudFormation would create it, into moto, its documents validated. */
async function deployRole(name: string, parameters: Record<string, string>, topicArn: string) {
  const rendered = resolve(template as never, template.Resources[name]?.Properties, {
    GitHubOrg: 'acme',
    GitHubRepo: 'security',
    // The provider exists already (created below), so the trust names it by ARN.
    CreateOidcProvider: 'false',
    'AWS::AccountId': MOTO_ACCOUNT_ID,
    ...parameters
  }) as {
    RoleName: string
    AssumeRolePolicyDocument: unknown
    Policies: { PolicyName: string; PolicyDocument: unknown }[]
  }
  const json = (v: unknown) =>
    JSON.stringify(v).replaceAll('"<NotificationTopic>"', `"${topicArn}"`)
  await iam.send(
    new CreateRoleCommand({
      RoleName: rendered.RoleName,
      AssumeRolePolicyDocument: json(rendered.AssumeRolePolicyDocument)
    })
  )
  // CreateRole does not validate in moto; UpdateAssumeRolePolicy does.
  await iam.send(
    new UpdateAssumeRolePolicyCommand({
      RoleName: rendered.RoleName,
      PolicyDocument: json(rendered.AssumeRolePolicyDocument)
    })
  )
  for (const policy of rendered.Policies)
    await iam.send(
      new PutRolePolicyCommand({
        RoleName: rendered.RoleName,
        PolicyName: policy.PolicyName,
        PolicyDocument: json(policy.PolicyDocument)
      })
    )
  return rendered
}

describe.each([
  ['the name-only subject', {}, 'repo:acme/security:'],
  [
    'the immutable subject',
    { GitHubOrgId: '1234567', GitHubRepoId: '7654321' },
    'repo:acme@1234567/security@7654321:'
  ]
])('moto: the stack roles with %s', (_, parameters, subject) => {
  it('takes every role document as IAM would, and the action signs in to the audit role', async () => {
    await moto.reset()
    await iam.send(
      new CreateOpenIDConnectProviderCommand({
        Url: 'https://token.actions.githubusercontent.com',
        ClientIDList: ['sts.amazonaws.com']
      })
    )
    const { TopicArn = '' } = await sns.send(new CreateTopicCommand({ Name: 'iam-key-sentinel' }))
    for (const name of ['AuditRole', 'RemediationRole', 'RotationRole']) {
      const rendered = await deployRole(name, parameters, TopicArn)
      const { Role } = await iam.send(new GetRoleCommand({ RoleName: rendered.RoleName }))
      const trust = decodeURIComponent(Role?.AssumeRolePolicyDocument ?? '')
      expect([name, trust]).toEqual([name, expect.stringContaining(`"${subject}`)])
    }

    const result = await runAction({
      awsEndpoint: moto.endpoint,
      githubUrl,
      oidcUrl: github.oidcUrl(),
      oidcRequestToken: github.idTokenRequestToken,
      githubToken: github.token,
      inputs: {
        'role-to-assume': `arn:aws:iam::${MOTO_ACCOUNT_ID}:role/iam-key-sentinel-audit`,
        'aws-region': REGION,
        'fail-on': 'never',
        'create-issues': 'false',
        'scan-method': 'api'
      }
    })
    expect([result.code, `${result.stdout}\n${result.stderr}`]).toEqual([0, expect.any(String)])
    expect(result.outputs['account-id']).toBe(MOTO_ACCOUNT_ID)
  })
})
