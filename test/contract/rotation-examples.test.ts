// The rotation examples users copy: the rotation role grants exactly what a rotation calls
// (examples/aws/permissions.json, proven by test/e2e/permissions.test.ts), Secrets Manager on the
// mapped secrets only; the workflow mints a GitHub App token; the example map parses.
import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { parseDocument, type CollectionTag, type ScalarTag } from 'yaml'
import { parseRotationMap } from '../../src/inputs/rotation-map.js'

type Json = unknown
const tags: (ScalarTag | CollectionTag)[] = ['Ref', 'Sub', 'GetAtt', 'If', 'Not', 'Equals'].flatMap(
  (name) => {
    const key = name === 'Ref' ? name : `Fn::${name}`
    const scalar: ScalarTag = { tag: `!${name}`, resolve: (value: string) => ({ [key]: value }) }
    const seq: CollectionTag = {
      tag: `!${name}`,
      collection: 'seq',
      resolve: (v) => ({ [key]: v.toJSON() as Json })
    }
    return [scalar, seq]
  }
)
const template = parseDocument(readFileSync('examples/aws/rotation-role.yml', 'utf8'), {
  customTags: tags
}).toJS() as {
  Resources: {
    RotationRolePreflight: {
      Condition: string
      Properties: { RoleName: Json; PolicyDocument: { Statement: Json[] } }
    }
    RotationRole: {
      Properties: {
        Policies: { PolicyDocument: { Statement: Json[] } }[]
        AssumeRolePolicyDocument: {
          Statement: { Condition: { StringEquals: Record<string, Json> } }[]
        }
      }
    }
  }
}
const permissions = JSON.parse(readFileSync('examples/aws/permissions.json', 'utf8')) as Record<
  string,
  string[]
>

interface Statement {
  Sid: string
  Action: string | string[]
  Resource: Json
}
/** The statements, the conditional one (Fn::If) by its first branch. */
const statements = (): Statement[] =>
  template.Resources.RotationRole.Properties.Policies.flatMap(
    (p) => p.PolicyDocument.Statement
  ).map((s) => {
    const branch = (s as { 'Fn::If'?: [string, Statement, Json] })['Fn::If']
    return branch ? branch[1] : (s as Statement)
  })
const actions = (s: Statement): string[] => (Array.isArray(s.Action) ? s.Action : [s.Action])

describe('examples/aws/rotation-role.yml', () => {
  it('grants exactly the rotation permissions', () => {
    expect(statements().flatMap(actions).sort()).toEqual(permissions.rotation)
  })

  it('writes Secrets Manager only on the mapped secrets, and never reads a secret', () => {
    const sm = statements().filter((s) => actions(s).some((a) => a.startsWith('secretsmanager:')))
    expect(sm).toHaveLength(1)
    expect(sm[0]?.Resource).toEqual({ Ref: 'RotationSecretArns' })
    expect(permissions.rotation).not.toContain('secretsmanager:GetSecretValue')
    // IAM writes are on users only; the audit and remediation roles cannot create keys.
    for (const s of statements())
      if (actions(s).includes('iam:CreateAccessKey'))
        expect(s.Resource).toEqual({
          'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:user/*'
        })
    expect(permissions.audit).not.toContain('iam:CreateAccessKey')
    expect(permissions.remediation).not.toContain('iam:CreateAccessKey')
  })

  it("lets the role run the preflight on itself only, as permissions.json's check list says", () => {
    const preflight = template.Resources.RotationRolePreflight
    expect(preflight.Condition).toBe('ShouldAllowPreflight')
    expect(preflight.Properties.RoleName).toEqual({ Ref: 'RotationRole' })
    const granted = preflight.Properties.PolicyDocument.Statement.map((s) => {
      const branch = (s as { 'Fn::If'?: [string, Statement, Json] })['Fn::If']
      return branch ? branch[1] : (s as Statement)
    })
    expect(granted.flatMap(actions).sort()).toEqual(permissions.check)
    expect(granted.map((s) => s.Resource)).toEqual([
      { 'Fn::GetAtt': 'RotationRole.Arn' },
      { Ref: 'NotificationTopicArn' }
    ])
  })

  it('is trusted only by jobs in the rotation environment', () => {
    const trust = template.Resources.RotationRole.Properties.AssumeRolePolicyDocument.Statement
    expect(trust).toHaveLength(1)
    expect(trust[0]?.Condition.StringEquals['token.actions.githubusercontent.com:sub']).toEqual({
      'Fn::Sub': 'repo:${GitHubOrg}/${GitHubRepo}:environment:${RotationEnvironment}'
    })
  })
})

describe('examples/workflows/rotate-keys.yml and examples/iam-key-rotation.yml', () => {
  const workflow = parseDocument(
    readFileSync('examples/workflows/rotate-keys.yml', 'utf8')
  ).toJS() as {
    jobs: {
      rotate: {
        environment: string
        steps: { id?: string; uses?: string; with?: Record<string, string> }[]
      }
    }
  }
  const steps = workflow.jobs.rotate.steps

  it('checks the map out, mints a GitHub App token and rotates with it and the rotation role', () => {
    expect(steps[0]?.uses).toMatch(/^actions\/checkout@/)
    const app = steps.find((s) => s.uses?.startsWith('actions/create-github-app-token@'))
    const rotate = steps.find((s) => s.uses?.startsWith('acme/iam-key-sentinel@'))
    expect(rotate?.with).toMatchObject({
      action: 'rotate',
      'rotation-config': '.github/iam-key-rotation.yml',
      'delivery-token': `\${{ steps.${app?.id}.outputs.token }}`,
      'role-to-assume': '${{ vars.IAM_KEY_SENTINEL_ROTATION_ROLE_ARN }}'
    })
    expect(workflow.jobs.rotate.environment).toBe('iam-key-rotation')
  })

  it('the example map is a valid rotation map', () => {
    const parsed = parseRotationMap(
      readFileSync('examples/iam-key-rotation.yml', 'utf8'),
      'examples/iam-key-rotation.yml'
    )
    expect(parsed.ok ? [...parsed.map.users.keys()] : parsed.problems).toEqual([
      'deploy-bot',
      'staging-deployer',
      'release-bot',
      'batch-job'
    ])
  })
})
