// End to end: the built dist/index.js, run as a runner runs it, against the loopback fakes.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { readFile } from 'node:fs/promises'
import { FakeAws, type FakeAccount } from '../support/fake-aws/index.js'
import { FakeGitHub } from '../support/fake-github/index.js'
import { runAction, type RunResult } from '../support/run-action.js'
import {
  SAMPLE_ACCOUNT_ID,
  SAMPLE_EXPECTED,
  SAMPLE_INPUTS,
  SAMPLE_ROLE_ARN,
  sampleAccount
} from '../support/sample-account.js'

interface ReportKey {
  userName: string
  accessKeyId: string
  class: string
}

async function readReport(result: RunResult): Promise<{ keys: ReportKey[]; accountId: string }> {
  const path = result.outputs['report-path']
  expect(path).toBeTruthy()
  return JSON.parse(await readFile(path as string, 'utf8'))
}

describe('audit of the sample account over OIDC', () => {
  const aws = new FakeAws(sampleAccount())
  const github = new FakeGitHub()
  let result: RunResult

  beforeAll(async () => {
    const [awsEndpoint, githubUrl] = await Promise.all([aws.start(), github.start()])
    result = await runAction({
      inputs: SAMPLE_INPUTS,
      awsEndpoint,
      githubUrl,
      oidcUrl: github.oidcUrl(),
      oidcRequestToken: github.idTokenRequestToken
    })
  })
  afterAll(() => Promise.all([aws.stop(), github.stop()]))

  it('assumes the role with the GitHub token and scans the account it belongs to', () => {
    expect(github.tokensIssued.map((t) => t.audience)).toEqual(['sts.amazonaws.com'])
    const assume = aws.callsTo('AssumeRoleWithWebIdentity')
    expect(assume).toHaveLength(1)
    expect(assume[0]?.params.RoleArn).toBe(SAMPLE_ROLE_ARN)
    expect(assume[0]?.params.RoleSessionName).toBe('iam-key-sentinel-1001-1')
    expect(result.outputs['account-id']).toBe(SAMPLE_ACCOUNT_ID)
    // Every IAM call was signed with the assumed-role credentials, none with anything else.
    const iamKeys = new Set(aws.calls.filter((c) => c.service === 'iam').map((c) => c.accessKeyId))
    expect([...iamKeys]).toHaveLength(1)
    expect([...iamKeys][0]).toMatch(/^ASIA/)
  })

  it('classifies every key of the sample account as expected, each exactly once', async () => {
    const report = await readReport(result)
    const classes = Object.fromEntries(report.keys.map((k) => [k.accessKeyId, k.class]))
    expect(classes).toEqual(SAMPLE_EXPECTED)
    expect(report.keys).toHaveLength(Object.keys(SAMPLE_EXPECTED).length)
  })

  it('sets the count outputs and the findings of every key that is not ok', () => {
    expect(result.outputs['overdue-count']).toBe('3')
    expect(result.outputs['due-soon-count']).toBe('1')
    expect(result.outputs['unused-count']).toBe('2')
    expect(result.outputs['inactive-count']).toBe('1')
    expect(result.outputs['exempt-count']).toBe('2')
    const findings = JSON.parse(result.outputs.findings ?? '[]') as ReportKey[]
    const notOk = Object.entries(SAMPLE_EXPECTED).filter(([, c]) => c !== 'ok')
    expect(findings.map((f) => f.accessKeyId).sort()).toEqual(notOk.map(([id]) => id).sort())
  })

  it('writes the job summary: the verdict, a row per key needing action, the chart', () => {
    const s = result.summary
    const iam = 'https://console.aws.amazon.com/iam/home#/users/details'
    expect(s).toContain('## IAM Key Sentinel: access key audit')
    // The verdict first: the reasons the step fails, each once.
    expect(s.split('\n')[2]).toMatch(/^\*\*❌ This step fails/)
    expect(s).toContain('\n- 3 overdue and 2 unused access keys (fail-on: overdue).')
    expect(s.match(/\(fail-on: overdue\)/g)).toHaveLength(1)
    expect(s).toContain(`Account **${SAMPLE_ACCOUNT_ID}** (acme-prod)`)
    expect(s).toContain('```mermaid\n---\nconfig:')
    expect(s).toContain('xychart-beta horizontal')
    expect(s).toMatch(
      new RegExp(
        `\\| \\[alice\\]\\(${iam}/alice\\) \\| \\[AKIASAMPLEALICE00001\\]\\(${iam}/alice\\?section=security_credentials\\) \\| 🔴 overdue \\| \\d{4}-\\d\\d-\\d\\d \\(30 days past\\), 120 days old \\| .*dynamodb.* \\| Active \\|`
      )
    )
    expect(s).toMatch(
      /\| \[erin\]\(.*\) \| 🟠 unused: not used for 35 days \| .*, 35 days old \| never used \| Active \|/
    )
    expect(s).toMatch(/\| \[frank\]\(.*\) \| ⚫ inactive \| —, 150 days old \| .* \| Inactive \|/)
    expect(s).toContain('⚪ exempt (🔴 overdue; exclude-users ci-&#42;)')
    expect(s).toContain(
      '⚪ exempt (🔴 overdue; tag iam-key-sentinel-exempt: vendor contract, rotated by vendor; no end; needs an end)'
    )
    // bob's fresh key is listed with his overdue one, not among the ok keys.
    expect(s).toMatch(/\[AKIASAMPLEBOBOLD0001\].*\n\| \[bob\]\(.*\) \| \[AKIASAMPLEBOBNEW0002\]/)
    expect(s).toContain('<details><summary>OK keys (2)</summary>')
    expect(s).toContain('<details><summary>Exempt and inactive keys (3)</summary>')
  })

  it('reads the tags of the users an exemption could change in one call, and writes nothing', () => {
    // Eight users with a flagged key: one GetAccountAuthorizationDetails walk (Filter User, 1,000
    // a page; this fake pages by 2) instead of eight ListUserTags.
    expect(aws.callsTo('ListUserTags')).toEqual([])
    const details = aws.callsTo('GetAccountAuthorizationDetails')
    const users = aws.account().users.length
    expect(details).toHaveLength(Math.ceil(users / 2))
    for (const call of details) {
      expect(call.params).toMatchObject({ 'Filter.member.1': 'User', MaxItems: '1000' })
    }
    expect(aws.mutatingCalls()).toEqual([])
  })

  it('fails the step after reporting, because keys are overdue (fail-on: overdue)', () => {
    expect(result.code).toBe(1)
    expect(result.stdout).toMatch(
      /::error::3 overdue and 2 unused access keys \(fail-on: overdue\)/
    )
  })

  it('masks the assumed-role credentials before anything else is logged, and leaks them nowhere', async () => {
    const masks = [...result.stdout.matchAll(/^::add-mask::(.+)$/gm)].map((m) => m[1] as string)
    const secretKey = masks.find((m) => m.length === 40)
    expect(masks.some((m) => /^ASIA/.test(m))).toBe(true)
    expect(secretKey).toBeDefined()
    const report = await readFile(result.outputs['report-path'] as string, 'utf8')
    for (const artifact of [report, result.summary, JSON.stringify(result.outputs)]) {
      for (const secret of masks) expect(artifact).not.toContain(secret)
    }
  })
})

describe('pagination', () => {
  // 23 users with 0, 1 or 2 keys over pages of 2: the report must still list every key once.
  const account: FakeAccount = {
    accountId: '222233334444',
    roles: ['arn:aws:iam::222233334444:role/audit'],
    users: Array.from({ length: 23 }, (_, i) => ({
      userName: `user-${String(i).padStart(2, '0')}`,
      keys: Array.from({ length: i % 3 }, (_, k) => ({
        accessKeyId: `AKIAPAGE${String(i).padStart(2, '0')}${k}AAAAAAAAA`,
        status: 'Active' as const,
        createDate: new Date(Date.now() - (i * 10 + k) * 86_400_000)
      }))
    }))
  }
  const aws = new FakeAws(account, { pageSize: 2 })
  afterAll(() => aws.stop())

  it('lists every key exactly once when users and keys span many pages', async () => {
    const awsEndpoint = await aws.start()
    const result = await runAction({
      awsEndpoint,
      inputs: { 'fail-on': 'never', 'create-issues': 'false' },
      env: { AWS_ACCESS_KEY_ID: 'AKIASTATICSTATIC0001', AWS_SECRET_ACCESS_KEY: 'static-secret' }
    })
    expect(result.code).toBe(0)
    const report = await readReport(result)
    const expected = account.users.flatMap((u) => u.keys.map((k) => k.accessKeyId)).sort()
    expect(expected).toHaveLength(22)
    expect(report.keys.map((k) => k.accessKeyId).sort()).toEqual(expected)
    expect(aws.callsTo('ListUsers').length).toBe(12)
    expect(aws.callsTo('GetAccessKeyLastUsed')).toHaveLength(22)
    // No role-to-assume: the default credential chain, no token exchange.
    expect(aws.callsTo('AssumeRoleWithWebIdentity')).toHaveLength(0)
  })
})

describe('failures', () => {
  const aws = new FakeAws(sampleAccount())
  const github = new FakeGitHub()
  let awsEndpoint: string
  let githubUrl: string

  beforeAll(async () => {
    ;[awsEndpoint, githubUrl] = await Promise.all([aws.start(), github.start()])
  })
  afterEach(() => {
    aws.clearFaults()
    aws.calls.length = 0
    github.clearRequests()
  })
  afterAll(() => Promise.all([aws.stop(), github.stop()]))

  it.each([
    ['max-age-days', 'ninety', "'max-age-days' must be a whole number from 1 to 3650"],
    ['role-to-assume', 'arn:aws:iam::123:role/x', "'role-to-assume' must be an IAM role ARN"],
    ['aws-region', 'EU_WEST', "'aws-region' must be an AWS region name"],
    ['fail-on', 'sometimes', "'fail-on' must be one of never, due-soon, overdue"],
    ['exclude-users', 'bad/user', "'exclude-users' entries must be IAM user names or globs"]
  ])(
    'bad input %s=%s fails the step before any AWS or GitHub call',
    async (name, value, message) => {
      const result = await runAction({
        awsEndpoint,
        githubUrl,
        oidcUrl: github.oidcUrl(),
        oidcRequestToken: github.idTokenRequestToken,
        inputs: { ...SAMPLE_INPUTS, [name]: value }
      })
      expect(result.code).toBe(1)
      expect(result.stdout).toContain(message)
      expect(aws.calls).toEqual([])
      expect(github.requests).toEqual([])
      expect(github.tokensIssued).toEqual([])
    }
  )

  it('says to add id-token: write when the job has no OIDC token, and calls nothing', async () => {
    const result = await runAction({ awsEndpoint, githubUrl, inputs: SAMPLE_INPUTS })
    expect(result.code).toBe(1)
    expect(result.stdout).toContain('permissions: id-token: write')
    expect(aws.calls).toEqual([])
  })

  it('names the role and the trust policy when STS refuses the token', async () => {
    const result = await runAction({
      awsEndpoint,
      githubUrl,
      oidcUrl: github.oidcUrl(),
      oidcRequestToken: github.idTokenRequestToken,
      inputs: { ...SAMPLE_INPUTS, 'role-to-assume': 'arn:aws:iam::111122223333:role/not-trusted' }
    })
    expect(result.code).toBe(1)
    expect(result.stdout).toContain('Assuming arn:aws:iam::111122223333:role/not-trusted')
    expect(result.stdout).toContain('trust policy')
    expect(aws.callsTo('ListUsers')).toEqual([])
  })

  it('keeps the findings of every other user when one cannot be read, and fails at the end', async () => {
    aws.addFault({
      action: 'ListAccessKeys',
      match: (call) => call.params.UserName === 'carol',
      fault: { status: 403, code: 'AccessDenied', message: 'not for carol' }
    })
    const result = await runAction({
      awsEndpoint,
      githubUrl,
      oidcUrl: github.oidcUrl(),
      oidcRequestToken: github.idTokenRequestToken,
      inputs: { ...SAMPLE_INPUTS, 'fail-on': 'never' }
    })
    expect(result.code).toBe(1)
    const report = await readReport(result)
    const ids = report.keys.map((k) => k.accessKeyId)
    expect(ids).not.toContain('AKIASAMPLECAROL00001')
    expect(ids).toHaveLength(Object.keys(SAMPLE_EXPECTED).length - 1)
    expect(result.summary).toContain('### ⚠️ Scan errors (1)')
    expect(result.summary).toContain('| carol | iam:ListAccessKeys |')
    expect(result.stdout).toContain('could not be read completely')
  })

  it('stops with the permission to grant when users cannot be listed', async () => {
    aws.addFault({
      action: 'ListUsers',
      fault: { status: 403, code: 'AccessDenied', message: 'no' }
    })
    const result = await runAction({
      awsEndpoint,
      githubUrl,
      oidcUrl: github.oidcUrl(),
      oidcRequestToken: github.idTokenRequestToken,
      inputs: SAMPLE_INPUTS
    })
    expect(result.code).toBe(1)
    expect(result.stdout).toContain('Listing IAM users (iam:ListUsers) failed')
    expect(result.stdout).toContain('Grant iam:ListUsers')
  })
})
