// scan-method end to end (dist/index.js): both methods produce identical findings on a varied
// account, and auto falls back to the API walk when the credential report is denied.
//
// "Identical" means, on the same account state: the counts (every class, and the total) and
// user count are equal; the findings of every key that is not ok are equal field by field (same
// keys, classes, exemptions, ages, last use) and in the same order; every ok key the
// credential-report method lists equals the API walk's finding for it. The API walk also lists
// the ok keys of users the report showed to be fine, which the report method only counts
// (`scan.credentialReport.unlistedOkKeys`: the report has no key IDs).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { readFile } from 'node:fs/promises'
import { FakeAws, type FakeAccount } from '../support/fake-aws/index.js'
import { runAction, type RunResult } from '../support/run-action.js'
import { VARIED_INPUTS, variedAccount } from '../support/varied-account.js'

interface ReportKey {
  userName: string
  accessKeyId: string
  class: string
  [field: string]: unknown
}

interface Report {
  userCount: number
  counts: Record<string, number>
  keys: ReportKey[]
  errors: unknown[]
  scan?: {
    requested: string
    method: string
    reason: string
    fallbackReason?: string
    credentialReport?: { candidateUsers: number; unlistedOkKeys: number }
    rootAccessKeys?: { slot: number; active: boolean }[]
  }
}

const STATIC = { AWS_ACCESS_KEY_ID: 'AKIASTATICSTATIC0001', AWS_SECRET_ACCESS_KEY: 'static-secret' }

async function audit(aws: FakeAws, endpoint: string, method: string): Promise<Report> {
  aws.calls.length = 0
  const result: RunResult = await runAction({
    awsEndpoint: endpoint,
    // No GitHub here: the issues channel is off, as a workflow without issues: write sets it.
    inputs: { ...VARIED_INPUTS, 'scan-method': method, 'create-issues': 'false' },
    env: STATIC,
    timeoutMs: 90_000
  })
  const path = result.outputs['report-path']
  if (result.code !== 0 || !path) throw new Error(`run failed:\n${result.stdout}\n${result.stderr}`)
  return JSON.parse(await readFile(path, 'utf8')) as Report
}

describe('scan-method: api and credential-report on the same account', () => {
  const aws = new FakeAws(variedAccount(40), { pageSize: 1000 })
  let api: Report
  let report: Report
  let reportCalls: string[]

  beforeAll(async () => {
    const endpoint = await aws.start()
    api = await audit(aws, endpoint, 'api')
    report = await audit(aws, endpoint, 'credential-report')
    reportCalls = aws.calls.map((c) => c.action)
  }, 120_000)
  afterAll(() => aws.stop())

  it('runs the method asked for, and says so in the JSON report', () => {
    // Every audit asks GetAccountSummary whether the root user has keys (the varied account's has one).
    expect(api.scan).toEqual({
      requested: 'api',
      method: 'api',
      reason: 'scan-method: api',
      rootKeyCheck: { present: true }
    })
    expect(report.scan).toMatchObject({
      requested: 'credential-report',
      method: 'credential-report',
      credentialReport: { unlistedOkKeys: api.keys.length - report.keys.length }
    })
    expect(reportCalls).toContain('GenerateCredentialReport')
    // The users are listed live once, after the report: a user it does not show (created or
    // renamed since, or a row that does not parse) is read live rather than missed.
    expect(reportCalls.filter((a) => a === 'ListUsers')).toHaveLength(1)
  })

  it('produces identical findings: counts, every flagged key, and every key it lists', () => {
    expect(report.counts).toEqual(api.counts)
    expect(report.userCount).toBe(api.userCount)
    const notOk = (r: Report) => r.keys.filter((k) => k.class !== 'ok')
    expect(notOk(api).length).toBeGreaterThan(20)
    expect(notOk(report)).toEqual(notOk(api))
    const byId = new Map(api.keys.map((k) => [k.accessKeyId, k]))
    for (const key of report.keys) expect(key).toEqual(byId.get(key.accessKeyId))
    expect(report.errors).toEqual([])
    expect(api.errors).toEqual([])
  })

  it("reports the root user's access key, which only the credential report shows", () => {
    expect(report.scan?.rootAccessKeys).toMatchObject([{ slot: 1, active: true }])
    expect(api.scan?.rootAccessKeys).toBeUndefined()
  })
})

describe('scan-method: auto', () => {
  const DAY = 86_400_000
  const account: FakeAccount = {
    accountId: '777788889999',
    users: Array.from({ length: 101 }, (_, u) => ({
      userName: `svc-${String(u).padStart(3, '0')}`,
      keys: [
        {
          accessKeyId: `AKIAAUTO${String(u).padStart(12, '0')}`,
          status: 'Active' as const,
          createDate: new Date(Date.now() - (u % 10 === 0 ? 200 : 20) * DAY)
        }
      ]
    }))
  }
  const aws = new FakeAws(account, { pageSize: 1000 })
  let endpoint: string
  beforeAll(async () => {
    endpoint = await aws.start()
  })
  afterAll(() => aws.stop())

  it('falls back to the API walk when the credential report is denied, and says why', async () => {
    aws.addFault({
      action: 'GenerateCredentialReport',
      fault: { status: 403, code: 'AccessDenied', message: 'not authorized to generate' }
    })
    const result = await audit(aws, endpoint, 'auto')
    expect(result.scan).toMatchObject({ requested: 'auto', method: 'api' })
    expect(result.scan?.fallbackReason).toContain('AccessDenied: not authorized to generate')
    expect(result.scan?.fallbackReason).toContain('Grant iam:GenerateCredentialReport')
    expect(result.keys).toHaveLength(101)
    expect(result.counts.overdue).toBe(11)
    aws.clearFaults()
  }, 90_000)
})
