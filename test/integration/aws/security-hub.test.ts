// Security Hub through the real SDK client against the loopback fake: findings go 100 a batch
// (Security Hub's limit for BatchImportFindings and BatchUpdateFindings), every page of the
// action's own findings is read back, throttling is retried by the client, and an account
// without Security Hub gets a hint that says so.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { deliverSecurityHub } from '../../../src/deliver/security-hub.js'
import { securityFindingId, type SecurityFinding } from '../../../src/domain/security-findings.js'
import { FakeAws } from '../../support/fake-aws/index.js'
import { securityHubPaging } from '../../support/fake-aws/security-hub.js'

const ACCOUNT = '111111111111'
const REGION = 'eu-west-1'

function finding(i: number): SecurityFinding {
  const accessKeyId = `AKIATEST${String(i).padStart(12, '0')}`
  return {
    id: securityFindingId(ACCOUNT, { accessKeyId }),
    generator: 'audit',
    kind: 'overdue',
    severity: 'HIGH',
    title: `Access key ${accessKeyId} is overdue`,
    description: 'Old.',
    remediation: 'Rotate it.',
    accountId: ACCOUNT,
    userName: `user${i}`,
    key: { accessKeyId, status: 'Active', createDate: new Date('2026-01-01T00:00:00Z') }
  }
}

let fake: FakeAws
const saved = { ...process.env }
beforeAll(async () => {
  fake = new FakeAws({ accountId: ACCOUNT, users: [] })
  process.env.AWS_ENDPOINT_URL = await fake.start()
})
afterEach(() => {
  fake.calls.length = 0
  fake.clearFaults()
  securityHubPaging.pageSize = 100
})
afterAll(async () => {
  process.env = saved
  await fake.stop()
})

const deliver = (findings: SecurityFinding[], now: Date) =>
  deliverSecurityHub({
    findings,
    owns: ['audit'],
    canResolve: () => true,
    accountId: ACCOUNT,
    region: REGION,
    partition: 'aws',
    credentials: { accessKeyId: 'AKIATEST', secretAccessKey: 'x' },
    dryRun: false,
    now,
    log: { info: () => undefined }
  })

const batchSizes = (action: string, field: string) =>
  fake.callsTo(action).map((c) => (JSON.parse(c.body) as Record<string, unknown[]>)[field]?.length)

describe('deliverSecurityHub', () => {
  it('imports and resolves 250 findings 100 a batch, reading every page back', async () => {
    securityHubPaging.pageSize = 40
    const all = Array.from({ length: 250 }, (_, i) => finding(i))
    const imported = await deliver(all, new Date('2026-12-01T00:00:00Z'))
    expect(imported).toMatchObject({ ok: true, channel: 'Security Hub' })
    expect(batchSizes('BatchImportFindings', 'Findings')).toEqual([100, 100, 50])
    expect(fake.securityHubFindings(REGION)).toHaveLength(250)

    fake.calls.length = 0
    const resolved = await deliver([], new Date('2026-12-02T00:00:00Z'))
    expect(resolved.detail).toContain('250 resolved')
    // 250 findings at 40 a page: 7 pages.
    expect(fake.callsTo('GetFindings')).toHaveLength(7)
    expect(batchSizes('BatchUpdateFindings', 'FindingIdentifiers')).toEqual([100, 100, 50])
    const stored = fake.securityHubFindings(REGION) as { Workflow: { Status: string } }[]
    expect(new Set(stored.map((f) => f.Workflow.Status))).toEqual(new Set(['RESOLVED']))
  })

  it('retries a throttled import through the client', async () => {
    fake.addFault({
      action: 'BatchImportFindings',
      times: 1,
      fault: { status: 429, code: 'TooManyRequestsException', message: 'Rate exceeded' }
    })
    const result = await deliver([finding(900)], new Date('2026-12-03T00:00:00Z'))
    expect(result.ok).toBe(true)
    expect(fake.callsTo('BatchImportFindings').map((c) => c.status)).toEqual([429, 200])
  })

  it('says to enable Security Hub when the account has not', async () => {
    fake.addFault({
      action: 'GetFindings',
      fault: {
        status: 401,
        code: 'InvalidAccessException',
        message: 'Account is not subscribed to AWS Security Hub'
      }
    })
    const result = await deliver([finding(1)], new Date('2026-12-04T00:00:00Z'))
    expect(result.ok).toBe(false)
    expect(result.detail).toContain('securityhub:GetFindings failed')
    expect(result.hint).toBe(
      `Enable Security Hub in ${REGION} for this account, or set security-hub to false.`
    )
    expect(fake.callsTo('BatchImportFindings')).toHaveLength(0)
  })
})
