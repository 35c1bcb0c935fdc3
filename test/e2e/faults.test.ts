// Faults injected into the fakes: throttling, 5xx, resets, slow answers, on reads and writes;
// STS hiccups; channels down one at a time; the job killed mid-remediation.
import { afterEach, describe, expect, it } from '@jest/globals'
import {
  keyStatus,
  readReport,
  startFakes,
  type ChangeRecordJson,
  type Fakes
} from '../support/harness.js'
import {
  SAMPLE_EXPECTED,
  SAMPLE_TOPIC_ARN,
  sampleAccount,
  SAMPLE_OFFENDERS
} from '../support/sample-account.js'

let fakes: Fakes
afterEach(() => fakes.stop())

const OFFENDERS = SAMPLE_OFFENDERS

function classesOf(keys: { accessKeyId: string; class: string }[]): Record<string, string> {
  return Object.fromEntries(keys.map((k) => [k.accessKeyId, k.class]))
}

describe('IAM faults on reads', () => {
  it('throttling bursts, 500/503, resets and a slow answer: every key reported exactly once', async () => {
    fakes = await startFakes()
    const { aws } = fakes
    aws.addFault({
      action: 'ListUsers',
      times: 2,
      fault: { status: 503, code: 'ServiceUnavailable' }
    })
    aws.addFault({
      action: 'ListAccessKeys',
      times: 6,
      fault: { status: 400, code: 'Throttling', message: 'Rate exceeded' }
    })
    aws.addFault({
      action: 'GetAccessKeyLastUsed',
      times: 2,
      fault: { status: 500, code: 'ServiceFailure' }
    })
    aws.addFault({ action: 'GetAccessKeyLastUsed', times: 2, fault: { reset: true } })
    aws.addFault({ action: 'ListUserTags', times: 1, fault: { reset: true } })
    // Past the client's 10 s request timeout: abandoned and retried.
    aws.addFault({
      action: 'GetAccessKeyLastUsed',
      times: 1,
      match: (c) => c.params.AccessKeyId === 'AKIASAMPLEGRACE00001',
      fault: { delayMs: 11_000 }
    })

    const result = await fakes.run({ 'fail-on': 'never' }, { timeoutMs: 90_000 })
    expect(result.code).toBe(0)
    const report = await readReport(result)
    expect(report.errors).toEqual([])
    expect(classesOf(report.keys)).toEqual(SAMPLE_EXPECTED)
    expect(report.keys).toHaveLength(Object.keys(SAMPLE_EXPECTED).length)
    // The faults really happened.
    expect(
      aws.calls.filter((c) => c.status >= 500 || c.status === 0).length
    ).toBeGreaterThanOrEqual(5)
    expect(aws.callsTo('ListAccessKeys').filter((c) => c.status === 400)).toHaveLength(6)
  }, 120_000)

  it('a user that keeps failing is reported as an error, the rest are complete, the step fails', async () => {
    fakes = await startFakes()
    fakes.aws.addFault({
      action: 'GetAccessKeyLastUsed',
      match: (c) => c.params.AccessKeyId === 'AKIASAMPLEDAVE000001',
      fault: { status: 503, code: 'ServiceUnavailable' }
    })
    const result = await fakes.run({ 'fail-on': 'never' })
    expect(result.code).toBe(1)
    const report = await readReport(result)
    expect(report.keys.map((k) => k.accessKeyId).sort()).toEqual(
      Object.keys(SAMPLE_EXPECTED).sort()
    )
    expect(result.summary).toMatch(/\| dave AKIASAMPLEDAVE000001 \| iam:GetAccessKeyLastUsed \|/)
    expect(result.stdout).toContain('could not be read completely')
  })
})

describe('IAM faults on writes', () => {
  it('transient write failures are retried; a persistent one is reported failed, never done', async () => {
    fakes = await startFakes()
    const { aws } = fakes
    aws.addFault({
      action: 'UpdateAccessKey',
      times: 1,
      match: (c) => c.params.AccessKeyId === 'AKIASAMPLEALICE00001',
      fault: { status: 503, code: 'ServiceUnavailable' }
    })
    aws.addFault({
      action: 'UpdateAccessKey',
      times: 1,
      match: (c) => c.params.AccessKeyId === 'AKIASAMPLEJUDY000001',
      fault: { reset: true }
    })
    aws.addFault({
      action: 'UpdateAccessKey',
      match: (c) => c.params.AccessKeyId === 'AKIASAMPLEDAVE000001',
      fault: { status: 500, code: 'ServiceFailure' }
    })
    const result = await fakes.run({ action: 'deactivate' })
    const changes = JSON.parse(result.outputs.changes ?? '[]') as ChangeRecordJson[]
    const byKey = Object.fromEntries(changes.map((c) => [c.accessKeyId, c.result]))
    expect(byKey).toEqual({
      AKIASAMPLEBOBOLD0001: 'applied',
      AKIASAMPLEALICE00001: 'applied',
      AKIASAMPLEJUDY000001: 'applied',
      AKIASAMPLEDAVE000001: 'failed',
      AKIASAMPLEERIN000001: 'applied'
    })
    // What is reported as done is done, and what failed is not.
    for (const c of changes)
      expect(keyStatus(aws.account(), c.accessKeyId)).toBe(
        c.result === 'applied' ? 'Inactive' : 'Active'
      )
    expect(result.outputs['deactivated-count']).toBe('4')
    expect(result.code).toBe(1)
  })
})

describe('STS and OIDC faults', () => {
  it('retries a token exchange that fails transiently', async () => {
    fakes = await startFakes()
    fakes.aws.addFault({
      action: 'AssumeRoleWithWebIdentity',
      times: 2,
      fault: { status: 503, code: 'ServiceUnavailable' }
    })
    const result = await fakes.run({ 'fail-on': 'never' })
    expect(result.code).toBe(0)
    expect(fakes.aws.callsTo('AssumeRoleWithWebIdentity')).toHaveLength(3)
  })

  it('retries the GitHub OIDC token request when it fails transiently', async () => {
    fakes = await startFakes(sampleAccount(), {}, { oidcFailures: 2 })
    const result = await fakes.run({ 'fail-on': 'never' })
    expect(result.code).toBe(0)
    expect(fakes.github.tokensIssued).toHaveLength(1)
  })

  it('a token the role does not trust fails with the role and the trust policy to check', async () => {
    fakes = await startFakes()
    fakes.aws.addFault({
      action: 'AssumeRoleWithWebIdentity',
      fault: {
        status: 400,
        code: 'InvalidIdentityToken',
        message: 'No OpenIDConnect provider found'
      }
    })
    const result = await fakes.run()
    expect(result.code).toBe(1)
    expect(result.stdout).toContain(
      'Assuming arn:aws:iam::111122223333:role/iam-key-sentinel-audit with the GitHub OIDC token failed'
    )
    expect(result.stdout).toContain('trust policy')
    // The subject the trust policy must match, read from the job's token.
    expect(result.stdout).toMatch(
      /matching this job's token, "repo:[\w.-]+\/[\w.-]+:ref:refs\/heads\/main"/
    )
    expect(fakes.aws.callsTo('AssumeRoleWithWebIdentity')).toHaveLength(1)
  })
})

describe('one channel down at a time', () => {
  const channels = {
    'sns-topic-arn': SAMPLE_TOPIC_ARN,
    'activity-for': 'flagged',
    'fail-on': 'never'
  }

  it.each([
    [
      'CloudTrail',
      { service: 'cloudtrail', fault: { status: 503, code: 'ServiceUnavailableException' } }
    ],
    ['SNS', { service: 'sns', fault: { status: 500, code: 'InternalError' } }],
    ['GitHub', undefined]
  ])(
    '%s unavailable: the other channels deliver and the summary is written',
    async (name, awsFault) => {
      fakes = await startFakes()
      if (awsFault) fakes.aws.addFault(awsFault as Parameters<typeof fakes.aws.addFault>[0])
      else
        fakes.github.addFault({
          path: /\/repos\//,
          status: 503,
          body: { message: 'Service Unavailable' }
        })
      const result = await fakes.run(
        { ...channels, 'github-token': fakes.github.token },
        { timeoutMs: 90_000 }
      )

      expect(result.summary).toContain('## IAM Key Sentinel: access key audit')
      expect(result.outputs['overdue-count']).toBe('3')
      const issues = fakes.github.issues.filter((i) => !i.pull_request)
      if (name === 'GitHub') {
        expect(issues).toHaveLength(0)
        expect(result.summary).toMatch(/\| GitHub issues \| ❌ failed \|/)
        expect(result.code).toBe(1)
      } else expect(issues).toHaveLength(5)
      if (name === 'SNS') {
        expect(fakes.aws.published).toHaveLength(0)
        expect(result.summary).toMatch(/\| SNS \| ❌ failed \|/)
        expect(result.code).toBe(1)
      } else expect(fakes.aws.published).toHaveLength(1)
      if (name === 'CloudTrail') {
        // Unavailable CloudTrail is reported in the activity, and does not fail the scan.
        expect(result.summary).toMatch(/us-east-1 .*unavailable/i)
        expect(result.code).toBe(0)
      }
    },
    150_000
  )
})

describe('killed mid-run', () => {
  it('SIGTERM during remediation: the next run sees a consistent state and changes nothing twice', async () => {
    fakes = await startFakes()
    const { aws } = fakes
    // The third change hangs, and the job is stopped while it does.
    aws.addFault({
      action: 'UpdateAccessKey',
      times: 1,
      match: () => aws.callsTo('UpdateAccessKey').length === 3,
      fault: { delayMs: 3_000 }
    })
    const first = await fakes.run(
      { action: 'deactivate' },
      { terminateWhen: () => aws.callsTo('UpdateAccessKey').length >= 3 }
    )
    expect(first.code).not.toBe(0)
    const changedFirst = aws.callsTo('UpdateAccessKey').map((c) => c.params.AccessKeyId)
    expect(changedFirst.length).toBeLessThan(5)

    await new Promise((resolve) => setTimeout(resolve, 3_500))
    const second = await fakes.run({ action: 'deactivate' })
    expect(second.code).toBe(0)
    const all = aws.callsTo('UpdateAccessKey').map((c) => c.params.AccessKeyId as string)
    expect([...all].sort()).toEqual([...OFFENDERS].sort())
    for (const id of OFFENDERS) expect(keyStatus(aws.account(), id)).toBe('Inactive')
    // Every other key is as it was.
    expect(keyStatus(aws.account(), 'AKIASAMPLEBOBNEW0002')).toBe('Active')
  }, 60_000)
})

describe('malformed AWS answers', () => {
  it('an answer missing its fields or not XML at all is reported, never a crash', async () => {
    fakes = await startFakes()
    fakes.aws.addFault({
      action: 'ListAccessKeys',
      match: (c) => c.params.UserName === 'carol',
      fault: {
        rawBody:
          '<ListAccessKeysResponse><ListAccessKeysResult><AccessKeyMetadata><member><UserName>carol</UserName></member></AccessKeyMetadata></ListAccessKeysResult></ListAccessKeysResponse>'
      }
    })
    fakes.aws.addFault({
      action: 'GetAccessKeyLastUsed',
      match: (c) => c.params.AccessKeyId === 'AKIASAMPLEERIN000001',
      fault: { rawBody: 'this is not xml' }
    })
    fakes.aws.addFault({
      action: 'ListAccessKeys',
      match: (c) => c.params.UserName === 'ivan',
      fault: {
        rawBody:
          '<ListAccessKeysResponse><ListAccessKeysResult><AccessKeyMetadata><member><UserName>ivan</UserName><AccessKeyId>AKIASAMPLEIVAN000001</AccessKeyId><Status>Active</Status><CreateDate>yesterday-ish</CreateDate></member></AccessKeyMetadata></ListAccessKeysResult></ListAccessKeysResponse>'
      }
    })
    const result = await fakes.run({ 'fail-on': 'never' })
    expect(result.code).toBe(1)
    expect(result.summary).toContain('## IAM Key Sentinel: access key audit')
    const report = await readReport(result)
    const ids = report.keys.map((k) => k.accessKeyId)
    expect(ids).toContain('AKIASAMPLEALICE00001')
    expect(ids).not.toContain('AKIASAMPLECAROL00001')
    expect(result.summary).toMatch(/⚠️ Scan errors/)
    expect(result.stderr).not.toMatch(/TypeError|Unhandled/)
  })
})
