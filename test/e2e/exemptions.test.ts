// Exemptions that end, over simulated days (the virtual clock moves between runs), and the
// account-level findings: users with two active keys and the root user's keys, read with
// GetAccountSummary in every audit.
import { afterEach, describe, expect, it } from '@jest/globals'
import type { FakeAccount } from '../support/fake-aws/index.js'
import { readReport, startFakes, type Fakes } from '../support/harness.js'
import { issueFor } from '../support/issue-fakes.js'
import { SAMPLE_COLLABORATORS, sampleAccount } from '../support/sample-account.js'
import { startClockAt } from '../support/virtual-clock.js'

const DAY = 86_400_000
/** Day 0 of the simulated days: noon UTC, so a run's date is the day it means. */
const DAY_0 = Date.parse('2026-12-10T12:00:00Z')
const TAG = 'iam-key-sentinel-exempt'

let fakes: Fakes
afterEach(() => fakes.stop())

interface InventoryEntry {
  userName: string
  accessKeyId: string
  hides: string
  exemption: { kind: string; status: string; until?: string; reason?: string; approvedBy?: string }
}
interface Report {
  keys: { accessKeyId: string; class: string; expiredExemption?: { until: string } }[]
  exemptions: { maxDays: number; entries: InventoryEntry[] }
  twoActiveKeys: { userName: string; keys: { accessKeyId?: string; slot?: number }[] }[]
  scan: { method: string; rootKeyCheck?: { present?: boolean; error?: string } }
}

/** Runs the action on simulated day `day`: both this process and the action read that clock. */
async function runOnDay(day: number, inputs: Record<string, string> = {}) {
  const clock = startClockAt(DAY_0 + day * DAY)
  try {
    const result = await fakes.run(inputs, { env: clock.env })
    return { result, report: (await readReport(result)) as unknown as Report }
  } finally {
    clock.restore()
  }
}

/** vendor-sync's key is 100 days old (overdue if not exempt); grace's is fine. */
function vendorAccount(tagValue: string): FakeAccount {
  const account = sampleAccount(new Date(DAY_0))
  account.users = account.users.filter((u) => ['vendor-sync', 'grace'].includes(u.userName))
  const vendor = account.users.find((u) => u.userName === 'vendor-sync')
  if (vendor) vendor.tags = { [TAG]: tagValue }
  return account
}

describe('an exemption with an end', () => {
  it('holds through its last day, then the key is classed again, flagged in every channel', async () => {
    fakes = await startFakes(
      vendorAccount('until=2026-12-12 reason=vendor contract ticket=SEC-123 approved-by=alice'),
      {},
      {
        collaborators: SAMPLE_COLLABORATORS
      }
    )
    const inputs = { 'github-token': fakes.github.token, 'fail-on': 'never' }
    const day0 = await runOnDay(0, inputs)
    expect(day0.report.keys.find((k) => k.accessKeyId === 'AKIASAMPLEVENDOR0001')?.class).toBe(
      'exempt'
    )
    expect(day0.report.exemptions.entries).toEqual([
      {
        userName: 'vendor-sync',
        accessKeyId: 'AKIASAMPLEVENDOR0001',
        hides: 'overdue',
        exemption: expect.objectContaining({
          kind: 'tag',
          until: '2026-12-12',
          reason: 'vendor contract',
          ticket: 'SEC-123',
          approvedBy: 'alice',
          status: 'active'
        })
      }
    ])
    expect(day0.result.outputs['exempt-count']).toBe('1')
    expect(issueFor(fakes, 'AKIASAMPLEVENDOR0001')).toBeUndefined()

    // Its last day (inclusive): still exempt.
    const day2 = await runOnDay(2, inputs)
    expect(day2.report.keys.find((k) => k.accessKeyId === 'AKIASAMPLEVENDOR0001')?.class).toBe(
      'exempt'
    )

    // The day after: overdue again, acted on as any overdue key, and said why everywhere.
    const day3 = await runOnDay(3, inputs)
    const key = day3.report.keys.find((k) => k.accessKeyId === 'AKIASAMPLEVENDOR0001')
    expect(key).toMatchObject({ class: 'overdue', expiredExemption: { until: '2026-12-12' } })
    expect(day3.report.exemptions.entries[0]?.exemption.status).toBe('expired')
    expect(day3.result.outputs['expired-exemption-count']).toBe('1')
    expect(day3.result.outputs['exempt-count']).toBe('0')
    expect(day3.result.summary).toContain('exemption expired on 2026-12-12')
    expect(day3.result.summary).toContain('🔴 exemption expired on 2026-12-12')
    const issue = issueFor(fakes, 'AKIASAMPLEVENDOR0001')
    expect(issue?.state).toBe('open')
    expect(issue?.body).toContain("This key's exemption expired on 2026-12-12")
  })

  it('without an end, or ending too far ahead: still exempt, flagged as needing an end, the step passes', async () => {
    fakes = await startFakes(vendorAccount('vendor contract rotated by vendor'))
    const noEnd = await runOnDay(0, { 'create-issues': 'false' })
    expect(noEnd.result.code).toBe(0)
    expect(noEnd.report.exemptions.entries[0]?.exemption).toMatchObject({
      reason: 'vendor contract rotated by vendor',
      status: 'no-end'
    })
    expect(noEnd.result.summary).toContain('⚠️ needs an end')

    const vendor = fakes.aws.account().users.find((u) => u.userName === 'vendor-sync')
    if (vendor) vendor.tags = { [TAG]: 'until=2027-06-30 reason=vendor' }
    const far = await runOnDay(0, { 'create-issues': 'false', 'exemption-max-days': '90' })
    expect(far.result.code).toBe(0)
    expect(far.report.exemptions).toMatchObject({ maxDays: 90 })
    expect(far.report.exemptions.entries[0]?.exemption.status).toBe('too-far')
    expect(far.result.summary).toContain('⚠️ ends more than 90 days ahead')
  })
})

describe('account-level findings', () => {
  it('lists users with two active keys, with both scan methods, without failing the step', async () => {
    const account = sampleAccount()
    // Two fresh keys: ok one by one, so the credential report path does not read this user live
    // and names the pair by slot; bob has a flagged key, so he is read live and named by key ID.
    const grace = account.users.find((u) => u.userName === 'grace')
    grace?.keys.push({
      accessKeyId: 'AKIASAMPLEGRACE00002',
      status: 'Active',
      createDate: new Date(Date.now() - 2 * DAY)
    })
    fakes = await startFakes(account)
    for (const method of ['api', 'credential-report']) {
      const listedBefore = fakes.aws.callsTo('ListAccessKeys').length
      const result = await fakes.run({
        'scan-method': method,
        'create-issues': 'false',
        'fail-on': 'never'
      })
      const report = (await readReport(result)) as unknown as Report
      expect(report.scan.method).toBe(method)
      expect(
        report.twoActiveKeys.map((u) => [
          u.userName,
          u.keys.map((k) => k.accessKeyId ?? `slot ${k.slot}`)
        ])
      ).toEqual([
        ['bob', ['AKIASAMPLEBOBOLD0001', 'AKIASAMPLEBOBNEW0002']],
        [
          'grace',
          method === 'api' ? ['AKIASAMPLEGRACE00001', 'AKIASAMPLEGRACE00002'] : ['slot 1', 'slot 2']
        ]
      ])
      expect(result.outputs['two-active-keys-count']).toBe('2')
      expect(result.summary).toContain('### Users with two active access keys (2)')
      if (method === 'credential-report') {
        const listed = fakes.aws.callsTo('ListAccessKeys').slice(listedBefore)
        expect(listed.map((c) => c.params.UserName)).toContain('bob')
        expect(listed.map((c) => c.params.UserName)).not.toContain('grace')
        expect(result.summary).toContain('access key 2, created ')
      }
      expect(result.code).toBe(0)
    }
  })

  it('root keys: GetAccountSummary tells with the api scan method, and the step fails on them', async () => {
    const account = sampleAccount()
    fakes = await startFakes(account)
    const absent = await fakes.run({
      'scan-method': 'api',
      'create-issues': 'false',
      'fail-on': 'never'
    })
    expect(fakes.aws.callsTo('GetAccountSummary')).toHaveLength(1)
    expect(absent.outputs['root-access-keys-present']).toBe('false')
    expect(absent.outputs['root-access-key-count']).toBe('0')
    expect(absent.summary).toContain('Root user access keys: none (GetAccountSummary).')

    account.rootKeys = [
      {
        accessKeyId: 'AKIAROOTROOTROOT0001',
        status: 'Active',
        createDate: new Date(Date.now() - 400 * DAY)
      }
    ]
    // Only the root key would fail this run: exempt the rest of the account.
    const present = await fakes.run({
      'scan-method': 'api',
      'create-issues': 'false',
      'exclude-users': '*'
    })
    expect(present.outputs['root-access-keys-present']).toBe('true')
    // GetAccountSummary says whether, not how many.
    expect(present.outputs['root-access-key-count']).toBe('')
    expect(present.summary).toContain('### Root user access keys')
    expect(present.summary).toContain('sts assume-root')
    expect(present.code).toBe(1)
    expect(present.stdout).toContain(
      'The root user has access keys (GetAccountSummary): delete them'
    )

    // The credential report adds the count and the age.
    const report = await fakes.run({
      'scan-method': 'credential-report',
      'create-issues': 'false',
      'exclude-users': '*'
    })
    expect(report.outputs['root-access-key-count']).toBe('1')
    expect(report.summary).toContain('active** access key (slot 1')
  })

  it('GetAccountSummary denied: said in the summary, a warning, no crash', async () => {
    fakes = await startFakes(sampleAccount())
    fakes.aws.addFault({
      service: 'iam',
      action: 'GetAccountSummary',
      fault: {
        status: 403,
        code: 'AccessDenied',
        message: 'User is not authorized to perform: iam:GetAccountSummary'
      }
    })
    const result = await fakes.run({
      'scan-method': 'api',
      'create-issues': 'false',
      'fail-on': 'never'
    })
    expect(result.code).toBe(0)
    expect(result.outputs['root-access-keys-present']).toBe('')
    expect(result.summary).toContain('iam:GetAccountSummary failed')
    expect(result.summary).toContain('Grant iam:GetAccountSummary to the audit role')
    expect(result.stdout).toContain('::warning::')
  })
})
