// The organization modes' inputs: read in every mode, used in their own, rejected elsewhere.
import { describe, expect, it } from '@jest/globals'
import { InputError } from '../../../src/inputs/reader.js'
import { readSettings } from '../../../src/inputs/settings.js'

const HUB = 'arn:aws:iam::200000000002:role/iam-key-sentinel-hub'
const MEMBER = 'arn:aws:iam::300000000003:role/iam-key-sentinel-member'
const MATRIX = JSON.stringify({
  include: [{ 'account-id': '300000000003', 'account-name': 'Prod', 'role-arn': MEMBER }]
})

const read = (inputs: Record<string, string>) => readSettings((n) => inputs[n] ?? '', {})

function problemsOf(inputs: Record<string, string>): string[] {
  try {
    read(inputs)
  } catch (error) {
    if (error instanceof InputError) return error.problems
    throw error
  }
  return []
}

describe('organization modes', () => {
  it('reads list-accounts with its defaults', () => {
    expect(read({ mode: 'list-accounts' })).toMatchObject({
      mode: 'list-accounts',
      organizationalUnits: [],
      excludeAccounts: [],
      memberRoleName: 'iam-key-sentinel-member',
      chunkSize: 256
    })
  })

  it('reads every list-accounts input', () => {
    const s = read({
      mode: 'list-accounts',
      'organizational-units': 'ou-ab12-workload,\nr-ab12, ou-ab12-workload',
      'exclude-accounts': '100000000001',
      'member-role-name': 'security-audit',
      'matrix-chunk-size': '100'
    })
    expect(s).toMatchObject({
      mode: 'list-accounts',
      organizationalUnits: ['ou-ab12-workload', 'r-ab12'],
      excludeAccounts: ['100000000001'],
      memberRoleName: 'security-audit',
      chunkSize: 100
    })
    expect(s).not.toHaveProperty('revoke')
  })

  it('reads aggregate with the matrix as the expected accounts', () => {
    expect(
      read({ mode: 'aggregate', 'reports-directory': 'reports', 'expected-accounts': MATRIX })
    ).toMatchObject({
      mode: 'aggregate',
      reportsDirectory: 'reports',
      expectedAccounts: [{ accountId: '300000000003', name: 'Prod' }]
    })
  })

  it('reads an ordinary audit as one, without a role chain', () => {
    const s = read({})
    expect(s.mode).toBe('audit')
    expect(s).not.toHaveProperty('organizationalUnits')
    expect(s.roleChain).toBeUndefined()
  })

  it.each([
    [
      'organizational-units',
      'ou-Prod',
      'organizational unit IDs such as ou-ab12-cd34ef56 or the root ID such as r-ab12'
    ],
    ['organizational-units', 'r-1', 'organizational unit IDs'],
    ['exclude-accounts', '12345678901', '12-digit AWS account IDs'],
    ['member-role-name', 'path/role', 'an IAM role name'],
    ['member-role-name', 'x'.repeat(65), 'an IAM role name'],
    ['matrix-chunk-size', '257', 'from 1 to 256'],
    ['matrix-chunk-size', '0', 'from 1 to 256']
  ])("rejects %s = '%s' in list-accounts mode, naming the accepted form", (name, value, form) => {
    const problems = problemsOf({ mode: 'list-accounts', [name]: value })
    expect(problems).toHaveLength(1)
    expect(problems[0]).toContain(`'${name}'`)
    expect(problems[0]).toContain(form)
    expect(problems[0]).toContain(`'${value}'`)
  })

  it.each([
    [
      { mode: 'aggregate', 'expected-accounts': MATRIX },
      "'reports-directory' is required in aggregate mode"
    ],
    [
      { mode: 'aggregate', 'reports-directory': 'r' },
      "'expected-accounts' is required in aggregate mode"
    ],
    [
      { mode: 'aggregate', 'reports-directory': 'r', 'expected-accounts': '{"include":' },
      "'expected-accounts' must be the list-accounts step's matrix or chunks output"
    ],
    [
      { 'organizational-units': 'ou-ab12-workload' },
      "'organizational-units' is only used in list-accounts mode"
    ],
    [
      {
        mode: 'aggregate',
        'reports-directory': 'r',
        'expected-accounts': MATRIX,
        // 256 is the default, which the runner always sets: only another value is a choice.
        'matrix-chunk-size': '100'
      },
      "'matrix-chunk-size' is only used in list-accounts mode"
    ],
    [
      { mode: 'list-accounts', 'reports-directory': 'r' },
      "'reports-directory' is only used in aggregate mode"
    ],
    [
      {
        mode: 'revoke',
        'revoke-access-key-ids': 'AKIAIOSFODNN7EXAMPLE',
        'expected-accounts': MATRIX
      },
      "'expected-accounts' is only used in aggregate mode"
    ],
    [
      { mode: 'list-accounts', 'revoke-access-key-ids': 'AKIAIOSFODNN7EXAMPLE' },
      "'revoke-access-key-ids' is only used in incident mode"
    ],
    [{ mode: 'fleet' }, "'mode' must be one of auto, audit, revoke, list-accounts, aggregate"]
  ])('rejects the combination %p', (inputs, message) => {
    expect(problemsOf(inputs as Record<string, string>).join('\n')).toContain(message)
  })
})

describe('role chaining', () => {
  it('chains from the OIDC hub role into member-role-arn', () => {
    const s = read({ 'role-to-assume': HUB, 'member-role-arn': MEMBER })
    expect(s.roleToAssume).toBe(HUB)
    expect(s.roleChain).toEqual({ from: 'oidc', roleArns: [MEMBER] })
    expect(
      read({ 'role-to-assume': HUB, 'member-role-arn': MEMBER, 'role-chaining': 'false' }).roleChain
    ).toEqual({
      from: 'oidc',
      roleArns: [MEMBER]
    })
  })

  it('chains from the job credentials with role-chaining: true, through each role given', () => {
    expect(read({ 'role-chaining': 'true', 'member-role-arn': MEMBER }).roleChain).toEqual({
      from: 'job-credentials',
      roleArns: [MEMBER]
    })
    expect(read({ 'role-chaining': 'true', 'role-to-assume': HUB }).roleChain).toEqual({
      from: 'job-credentials',
      roleArns: [HUB]
    })
    expect(
      read({ 'role-chaining': 'true', 'role-to-assume': HUB, 'member-role-arn': MEMBER }).roleChain
    ).toEqual({ from: 'job-credentials', roleArns: [HUB, MEMBER] })
  })

  it.each([
    [{ 'member-role-arn': MEMBER }, "'member-role-arn' needs credentials to assume it with"],
    [{ 'role-chaining': 'true' }, "'role-chaining' is true but there is no role to assume"],
    [
      { 'role-to-assume': HUB, 'member-role-arn': HUB },
      "'member-role-arn' is the same role as 'role-to-assume'"
    ],
    [
      { 'role-to-assume': HUB, 'member-role-arn': MEMBER, 'role-duration-seconds': '7200' },
      "'role-duration-seconds' must be at most 3600 with role chaining"
    ],
    [
      { 'member-role-arn': 'arn:aws:iam::3000:role/x' },
      "'member-role-arn' must be an IAM role ARN"
    ],
    [{ 'role-chaining': 'yes' }, "'role-chaining' must be true or false"]
  ])('rejects %p', (inputs, message) => {
    expect(problemsOf(inputs as Record<string, string>).join('\n')).toContain(message)
  })

  it('lets a single role session last as long as the role allows', () => {
    expect(
      read({ 'role-to-assume': HUB, 'role-duration-seconds': '7200' }).roleDurationSeconds
    ).toBe(7200)
  })
})
