// The organization examples, checked offline: the three-stage workflow wires the list job's
// matrix into the audit and aggregate jobs the way the action reads it, and the StackSet's member
// role trusts the hub role alone and can do exactly what an audit needs.
import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { parse, parseDocument, type CollectionTag, type ScalarTag } from 'yaml'
import { DEFAULTS } from '../../src/inputs/defaults.js'
import { githubToken, loadTemplate, resolve, trusts } from '../support/cloudformation.js'

type Obj = Record<string, unknown>

const cfnTags = ['Ref', 'Sub', 'Select', 'Split', 'GetAtt'].flatMap(
  (name): (ScalarTag | CollectionTag)[] => {
    const key = name === 'Ref' ? name : `Fn::${name}`
    return [
      { tag: `!${name}`, resolve: (value: string) => ({ [key]: value }) },
      { tag: `!${name}`, collection: 'seq', resolve: (value) => ({ [key]: value.toJSON() }) }
    ]
  }
)

function load(path: string, tags: (ScalarTag | CollectionTag)[] = []): Obj {
  const doc = parseDocument(readFileSync(path, 'utf8'), { customTags: tags })
  expect([path, [...doc.errors, ...doc.warnings].map((e) => e.message)]).toEqual([path, []])
  return doc.toJS() as Obj
}

interface Step {
  id?: string
  uses?: string
  run?: string
  if?: string
  with?: Record<string, unknown>
}
interface Job {
  needs?: string | string[]
  if?: string
  permissions?: Obj
  outputs?: Record<string, string>
  strategy?: { 'fail-fast'?: boolean; 'max-parallel'?: number; matrix?: unknown }
  steps: Step[]
}

const WORKFLOW = 'examples/workflows/organization-audit.yml'
const workflow = load(WORKFLOW) as { permissions: Obj; concurrency: Obj; jobs: Record<string, Job> }
const job = (name: string): Job => {
  const j = workflow.jobs[name]
  if (!j) throw new Error(`no job ${name}`)
  return j
}
const sentinel = (name: string): Step & { with: Record<string, unknown> } => {
  const step = job(name).steps.find((s) => s.uses?.startsWith('acme/iam-key-sentinel@'))
  if (!step?.with) throw new Error(`${name} does not run the action`)
  return step as Step & { with: Record<string, unknown> }
}
const actionInputs = Object.keys(
  (parse(readFileSync('action.yml', 'utf8')) as { inputs: Obj }).inputs
)

describe('examples/workflows/organization-audit.yml', () => {
  it('lists, audits each account in a matrix, then aggregates', () => {
    expect(Object.keys(workflow.jobs)).toEqual(['list', 'audit', 'aggregate'])
    expect(sentinel('list').with.mode).toBe('list-accounts')
    expect(job('list').outputs?.matrix).toBe('${{ steps.list.outputs.matrix }}')
    expect(sentinel('list').id).toBe('list')
  })

  it('fans out over the matrix output, ten at a time, without cancelling on a failure', () => {
    const audit = job('audit')
    expect(audit.needs).toBe('list')
    expect(audit.strategy).toEqual({
      'fail-fast': false,
      'max-parallel': 10,
      matrix: '${{ fromJSON(needs.list.outputs.matrix) }}'
    })
    expect(sentinel('audit').with).toMatchObject({
      mode: 'audit',
      'role-to-assume': '${{ vars.IAM_KEY_SENTINEL_HUB_ROLE_ARN }}',
      'member-role-arn': '${{ matrix.role-arn }}',
      'notify-on': 'never'
    })
    expect(Number(sentinel('audit').with['role-duration-seconds'])).toBeLessThanOrEqual(3600)
  })

  it('uploads each report under a name the aggregate job downloads, even after a failed step', () => {
    const upload = job('audit').steps.find((s) => s.uses?.startsWith('actions/upload-artifact@'))
    expect(upload?.if).toBe("always() && steps.audit.outputs.report-path != ''")
    expect(upload?.with?.name).toBe('iam-key-report-${{ matrix.account-id }}')
    const download = job('aggregate').steps.find((s) =>
      s.uses?.startsWith('actions/download-artifact@')
    )
    expect(download?.with).toEqual({ pattern: 'iam-key-report-*', path: 'reports' })
    // The organization report's artifact must not match that pattern.
    const orgUpload = job('aggregate').steps.find((s) =>
      s.uses?.startsWith('actions/upload-artifact@')
    )
    expect(String(orgUpload?.with?.name)).not.toMatch(/^iam-key-report-/)
  })

  it('aggregates after every audit job, failed ones included, against the listed accounts', () => {
    const aggregate = job('aggregate')
    expect(aggregate.needs).toEqual(['list', 'audit'])
    expect(aggregate.if).toBe("always() && needs.list.result == 'success'")
    expect(sentinel('aggregate').with).toMatchObject({
      mode: 'aggregate',
      'reports-directory': 'reports',
      'expected-accounts': '${{ needs.list.outputs.matrix }}'
    })
  })

  it('passes only declared inputs, pins every action, runs no shell with expressions', () => {
    for (const name of Object.keys(workflow.jobs)) {
      for (const step of job(name).steps) {
        expect(step.uses).toMatch(/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/)
        expect(step.run).toBeUndefined()
        if (step.uses?.startsWith('acme/iam-key-sentinel@'))
          for (const key of Object.keys(step.with ?? {}))
            expect([key, actionInputs]).toEqual([key, expect.arrayContaining([key])])
      }
    }
    expect(readFileSync(WORKFLOW, 'utf8')).not.toMatch(/^\s*(- )?uses: .*@[0-9a-f]{40}$/m)
  })

  it('grants the least it needs, and runs one organization audit at a time', () => {
    expect(workflow.permissions).toEqual({ contents: 'read', 'id-token': 'write', issues: 'write' })
    for (const name of ['list', 'aggregate'])
      expect(job(name).permissions).toEqual({ contents: 'read', 'id-token': 'write' })
    expect(workflow.concurrency).toEqual({
      group: 'iam-key-audit-organization',
      'cancel-in-progress': false
    })
  })
})

interface Statement {
  Effect: string
  Principal?: { AWS?: unknown }
  Action: string | string[]
  Resource?: unknown
  Condition?: Record<string, Record<string, unknown>>
}

describe('examples/aws/member-role-stackset.yml', () => {
  const template = load('examples/aws/member-role-stackset.yml', [
    ...cfnTags,
    {
      tag: '!Equals',
      collection: 'seq',
      resolve: (value) => ({ 'Fn::Equals': value.toJSON() })
    }
  ]) as {
    Parameters: Record<string, { Default?: string; AllowedPattern?: string }>
    Resources: Record<string, { Type: string; Properties: Obj }>
    Outputs: Obj
  }
  const role = template.Resources.MemberRole
  const permissions = JSON.parse(readFileSync('examples/aws/permissions.json', 'utf8')) as {
    member: string[]
    'security-hub': string[]
  }

  it('names the role as list-accounts does by default', () => {
    expect(template.Parameters.MemberRoleName?.Default).toBe(DEFAULTS['member-role-name'])
    expect(role?.Properties.RoleName).toEqual({ Ref: 'MemberRoleName' })
    const pattern = new RegExp(template.Parameters.HubRoleArn?.AllowedPattern ?? '$^')
    expect(pattern.test('arn:aws:iam::222233334444:role/iam-key-sentinel-hub')).toBe(true)
    expect(pattern.test('arn:aws:iam::222233334444:role/*')).toBe(false)
    expect(pattern.test('*')).toBe(false)
  })

  it('trusts the hub role alone, for sts:AssumeRole only', () => {
    const trust = role?.Properties.AssumeRolePolicyDocument as { Statement: Statement[] }
    expect(trust.Statement).toHaveLength(1)
    const [statement] = trust.Statement
    expect(statement?.Action).toBe('sts:AssumeRole')
    expect(statement?.Condition).toEqual({
      ArnEquals: { 'aws:PrincipalArn': { Ref: 'HubRoleArn' } }
    })
    expect(JSON.stringify(statement?.Principal)).not.toContain('*')
    expect(role?.Properties.MaxSessionDuration).toBe(3600)
  })

  it('can read what the audit reads and write nothing', () => {
    const policies = role?.Properties.Policies as { PolicyDocument: { Statement: Statement[] } }[]
    const actions = policies.flatMap((p) => p.PolicyDocument.Statement.flatMap((s) => s.Action))
    expect(actions).toEqual(permissions.member)
    expect(actions.filter((a) => /:(Update|Delete|Put|Tag|Untag|Create)/.test(a))).toEqual([])
  })

  it('adds the security-hub permissions to the member role only when SecurityHub is true', () => {
    const policy = template.Resources.SecurityHubPolicy as
      { Condition?: string; Properties: Obj } | undefined
    expect(policy?.Condition).toBe('HasSecurityHub')
    expect(template.Parameters.SecurityHub?.Default).toBe('false')
    expect(policy?.Properties.Roles).toEqual([{ Ref: 'MemberRole' }])
    const document = policy?.Properties.PolicyDocument as { Statement: Statement[] }
    const actions = document.Statement.flatMap((s) => [s.Action].flat()).sort()
    expect(actions).toEqual(permissions['security-hub'])
  })
})

describe('examples/aws/organization-reader-role.yml', () => {
  const template = load('examples/aws/organization-reader-role.yml', [
    ...cfnTags,
    ...['If', 'Equals', 'Not', 'And', 'Or'].flatMap((name): (ScalarTag | CollectionTag)[] => [
      {
        tag: `!${name}`,
        collection: 'seq',
        resolve: (value) => ({ [`Fn::${name}`]: value.toJSON() })
      }
    ])
  ]) as {
    Parameters: Record<string, { Default?: string; AllowedPattern?: string }>
    Resources: Record<string, { Type: string; Condition?: string; Properties: Obj }>
    Outputs: Record<string, { Value: unknown }>
  }
  const role = template.Resources.OrganizationReaderRole
  const permissions = JSON.parse(readFileSync('examples/aws/permissions.json', 'utf8')) as {
    'organization-reader': string[]
  }

  it('is the role the organization workflow and docs/organizations.md name', () => {
    expect(role?.Type).toBe('AWS::IAM::Role')
    expect(role?.Properties.RoleName).toBe('iam-key-sentinel-org-reader')
    expect(readFileSync('docs/organizations.md', 'utf8')).toContain('organization-reader-role.yml')
    expect(template.Outputs.OrganizationReaderRoleArn?.Value).toEqual({
      'Fn::GetAtt': 'OrganizationReaderRole.Arn'
    })
  })

  it('trusts GitHub OIDC for one repository and ref only', () => {
    const trust = role?.Properties.AssumeRolePolicyDocument as { Statement: Statement[] }
    expect(trust.Statement).toHaveLength(1)
    const [statement] = trust.Statement
    expect(statement?.Action).toBe('sts:AssumeRoleWithWebIdentity')
    expect(Object.keys(statement?.Condition ?? {})).toEqual(['StringEquals'])
    // Evaluated as STS would, with the name-only subject and with the immutable one.
    const cfn = loadTemplate('examples/aws/organization-reader-role.yml').value
    const resolved = (parameters: Record<string, string>) =>
      resolve(
        cfn as never,
        (cfn as { Resources: Record<string, { Properties: Obj }> }).Resources.OrganizationReaderRole
          ?.Properties.AssumeRolePolicyDocument,
        { GitHubOrg: 'acme', GitHubRepo: 'security', ...parameters }
      ) as { Statement: Obj[] }
    const named = resolved({}).Statement[0] as Obj
    const ids = resolved({ GitHubOrgId: '1234567', GitHubRepoId: '7654321' }).Statement[0] as Obj
    const main = 'ref:refs/heads/main'
    expect(trusts(named, githubToken(`repo:acme/security:${main}`))).toBe(true)
    expect(trusts(named, githubToken(`repo:acme@1234567/security@7654321:${main}`))).toBe(false)
    expect(trusts(ids, githubToken(`repo:acme@1234567/security@7654321:${main}`))).toBe(true)
    expect(trusts(ids, githubToken(`repo:acme@1/security@7654321:${main}`))).toBe(false)
    expect(trusts(ids, githubToken(`repo:acme/security:${main}`))).toBe(false)
    expect(trusts(ids, githubToken('repo:acme@1234567/security@7654321:ref:refs/heads/x'))).toBe(
      false
    )
    expect(
      new RegExp(template.Parameters.AuditRef?.AllowedPattern ?? '$^').test('ref:refs/heads/*')
    ).toBe(false)
  })

  it('can list the organization, exactly as permissions.json says, and nothing else', () => {
    const policies = role?.Properties.Policies as { PolicyDocument: { Statement: Statement[] } }[]
    const actions = policies.flatMap((p) => p.PolicyDocument.Statement.flatMap((s) => s.Action))
    expect(actions).toEqual(permissions['organization-reader'])
  })
})
