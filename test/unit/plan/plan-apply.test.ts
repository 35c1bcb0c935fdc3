// The planner and the act stage together, in process: what the plan leaves alone (the action's
// own key, unknown exemptions) is never written, and a staged delete runs over two runs, the
// first one's deactivation date read back by the second.
import { beforeEach, describe, expect, it } from '@jest/globals'
import { DeleteAccessKeyCommand, IAMClient, UpdateAccessKeyCommand } from '@aws-sdk/client-iam'
import { mockClient } from 'aws-sdk-client-mock'
import { applyPlan } from '../../../src/act/apply.js'
import { readDeactivatedAt } from '../../../src/domain/lifecycle-tag.js'
import { classify } from '../../../src/domain/classify.js'
import { addDays, DAY_MS } from '../../../src/domain/dates.js'
import type { ChangeRecord } from '../../../src/domain/changes.js'
import type { Finding, Thresholds } from '../../../src/domain/types.js'
import type { RemediationSettings } from '../../../src/domain/settings.js'
import { planRemediation } from '../../../src/plan/remediation.js'
import { FakeIam, iamClient, NO_WAIT, recordingLog } from '../act/fake-iam.js'

const iamMock = mockClient(IAMClient)
const iam = iamClient()
const NOW = new Date('2026-11-21T12:00:00.000Z')
const T: Thresholds = { maxAgeDays: 90, warnDays: 14, unusedDays: 30 }
const SETTINGS: RemediationSettings = {
  action: 'deactivate',
  dryRun: false,
  deleteGraceDays: 7,
  maxActions: 10,
  exemptGroups: []
}
const OWN = 'AKIASAMPLEOWNKEY0001'
const OTHER = 'AKIASAMPLEOTHER00001'
const CREATED = new Date(NOW.getTime() - 200 * DAY_MS)

let fake: FakeIam
beforeEach(() => {
  fake = new FakeIam(iamMock).addUser('ci', [
    { AccessKeyId: OWN, Status: 'Active', CreateDate: CREATED },
    { AccessKeyId: OTHER, Status: 'Active', CreateDate: CREATED }
  ])
})

/** The findings a scan of the fake would give now. */
function scan(now: Date): Finding[] {
  return (fake.users.get('ci')?.keys ?? []).map((k) =>
    classify(
      {
        userName: 'ci',
        accessKeyId: k.AccessKeyId,
        status: k.Status,
        createDate: k.CreateDate ?? CREATED,
        lastUse: { kind: 'used', date: addDays(now, -1), serviceName: 's3', region: 'us-east-1' }
      },
      now,
      T
    )
  )
}

async function run(now: Date, settings: Partial<RemediationSettings>, blocked = new Map()) {
  const tags = fake.tags('ci')
  const deactivatedAt = new Map<string, Date>()
  for (const f of scan(now)) {
    const at = readDeactivatedAt(tags, f.accessKeyId)
    if (at) deactivatedAt.set(f.accessKeyId, at)
  }
  const plan = planRemediation({
    findings: scan(now),
    settings: { ...SETTINGS, ...settings },
    thresholds: T,
    now,
    deactivatedAt,
    blocked
  })
  const records: ChangeRecord[] = []
  const log = recordingLog()
  for await (const r of applyPlan(iam, plan, { now: () => now, log, settle: NO_WAIT })) {
    records.push(r)
  }
  return { plan, records }
}

describe('keys the plan must leave alone', () => {
  it('never writes the key the action runs with, however overdue', async () => {
    const { plan, records } = await run(
      NOW,
      {},
      new Map([[OWN, 'the action is running with this key']])
    )

    expect(plan.holds).toEqual([
      { userName: 'ci', accessKeyId: OWN, reason: 'the action is running with this key' }
    ])
    expect(records.map((r) => [r.accessKeyId, r.result])).toEqual([[OTHER, 'applied']])
    expect(iamMock.commandCalls(UpdateAccessKeyCommand, { AccessKeyId: OWN })).toHaveLength(0)
    expect(fake.key('ci', OWN)?.Status).toBe('Active')
  })
})

describe('a staged delete over two runs', () => {
  it('deactivates, then deletes once the grace period recorded by the first run is over', async () => {
    const first = await run(NOW, { action: 'delete' })
    expect(first.records.map((r) => r.kind)).toEqual(['deactivate', 'deactivate'])
    expect(readDeactivatedAt(fake.tags('ci'), OWN)).toEqual(NOW)

    const early = await run(addDays(NOW, 6), { action: 'delete' })
    expect(early.records).toEqual([])
    expect(iamMock.commandCalls(DeleteAccessKeyCommand)).toHaveLength(0)

    const later = addDays(NOW, 7)
    const last = await run(later, { action: 'delete' })
    expect(last.records.map((r) => [r.kind, r.result])).toEqual([
      ['delete', 'applied'],
      ['delete', 'applied']
    ])
    expect(fake.users.get('ci')?.keys).toEqual([])
    expect(fake.tags('ci').size).toBe(0)
  })

  it('starts the grace period of a key first seen inactive, and not in a dry run', async () => {
    fake.key('ci', OWN)!.Status = 'Inactive'

    await run(NOW, { action: 'delete', dryRun: true })
    expect(fake.tags('ci').size).toBe(0)

    const { plan } = await run(NOW, { action: 'delete' })
    expect(plan.graceStarts).toEqual([{ userName: 'ci', accessKeyId: OWN }])
    expect(readDeactivatedAt(fake.tags('ci'), OWN)).toEqual(NOW)
  })
})
