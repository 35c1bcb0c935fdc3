import { describe, expect, it } from '@jest/globals'
import { classify } from '../../../src/domain/classify.js'
import { addDays, DAY_MS } from '../../../src/domain/dates.js'
import type { RemediationSettings } from '../../../src/domain/settings.js'
import { planRemediation, type PlanInput } from '../../../src/plan/remediation.js'
import type { AccessKey, Exemption, Finding, Thresholds } from '../../../src/domain/types.js'

const NOW = new Date('2026-11-21T12:00:00Z')
const T: Thresholds = { maxAgeDays: 90, warnDays: 14, unusedDays: 30 }
const BASE: RemediationSettings = {
  action: 'deactivate',
  dryRun: false,
  deleteGraceDays: 7,
  maxActions: 10,
  exemptGroups: []
}

let serial = 0
function finding(
  ageDays: number,
  over: Partial<AccessKey> = {},
  exemption?: Exemption,
  thresholds: Thresholds = T
): Finding {
  serial++
  return classify(
    {
      userName: `user${serial}`,
      accessKeyId: `AKIATEST${String(serial).padStart(12, '0')}`,
      status: 'Active',
      createDate: new Date(NOW.getTime() - ageDays * DAY_MS),
      lastUse: { kind: 'used', date: addDays(NOW, -1), serviceName: 's3', region: 'us-east-1' },
      ...over
    },
    NOW,
    thresholds,
    exemption
  )
}

function plan(
  findings: Finding[],
  settings: Partial<RemediationSettings>,
  over: Partial<PlanInput> = {}
) {
  return planRemediation({
    findings,
    settings: { ...BASE, ...settings },
    thresholds: T,
    now: NOW,
    deactivatedAt: new Map(),
    blocked: new Map(),
    ...over
  })
}

const ids = (p: ReturnType<typeof plan>) => p.changes.map((c) => [c.kind, c.accessKeyId])

describe('which keys are planned', () => {
  const overdue = finding(120)
  const unused = finding(40, { lastUse: { kind: 'never' } })
  const dueSoon = finding(80)
  const ok = finding(5)
  const inactive = finding(200, { status: 'Inactive' })
  const exempt = finding(300, {}, { kind: 'excluded-user', pattern: 'ci-*' })
  const all = [overdue, unused, dueSoon, ok, inactive, exempt]

  it('report never plans anything', () => {
    const p = plan(all, { action: 'report' })
    expect(p.changes).toEqual([])
    expect(p.graceStarts).toEqual([])
  })

  it('deactivate plans exactly the overdue and unused keys', () => {
    expect(ids(plan(all, { action: 'deactivate' }))).toEqual([
      ['deactivate', overdue.accessKeyId],
      ['deactivate', unused.accessKeyId]
    ])
  })

  it('never plans ok, due-soon, inactive (under deactivate) or exempt keys', () => {
    const planned = plan(all, { action: 'deactivate' }).changes.map((c) => c.accessKeyId)
    for (const f of [dueSoon, ok, inactive, exempt]) expect(planned).not.toContain(f.accessKeyId)
  })

  it('a user with one overdue and one fresh key: only the overdue key is planned', () => {
    const old = finding(200)
    const fresh = { ...finding(3), userName: old.userName }
    const p = plan([old, fresh], { action: 'delete' })
    expect(p.changes.map((c) => c.accessKeyId)).toEqual([old.accessKeyId])
    expect(p.changes[0]?.fromStatus).toBe('Active')
  })

  it('with unused-days off, an idle key is not planned', () => {
    const t = { ...T, unusedDays: 0 }
    const idle = finding(40, { lastUse: { kind: 'never' } }, undefined, t)
    expect(plan([idle], { action: 'deactivate' }, { thresholds: t }).changes).toEqual([])
  })

  it('keeps the status and creation date the key must still have before the change', () => {
    const [change] = plan([overdue], {}).changes
    expect(change).toMatchObject({ fromStatus: 'Active', createDate: overdue.createDate })
    expect(change?.reason).toBe('overdue: 120 days old (max 90)')
  })
})

describe('staged delete', () => {
  it('deactivates an active offender first, saying when it will be deleted', () => {
    const f = finding(120)
    const p = plan([f], { action: 'delete', deleteGraceDays: 7 })
    expect(ids(p)).toEqual([['deactivate', f.accessKeyId]])
    expect(p.changes[0]?.reason).toContain('deleted once inactive for 7 days')
  })

  it('deletes at once when delete-grace-days is 0', () => {
    const active = finding(120)
    const inactive = finding(120, { status: 'Inactive' })
    expect(ids(plan([active, inactive], { action: 'delete', deleteGraceDays: 0 }))).toEqual([
      ['delete', active.accessKeyId],
      ['delete', inactive.accessKeyId]
    ])
  })

  it('deletes an inactive key once its grace period is over, not a moment before', () => {
    const f = finding(120, { status: 'Inactive' })
    const at = (days: number) =>
      plan(
        [f],
        { action: 'delete' },
        { deactivatedAt: new Map([[f.accessKeyId, addDays(NOW, -days)]]) }
      )
    expect(ids(at(7))).toEqual([['delete', f.accessKeyId]])
    const early = at(6.99)
    expect(early.changes).toEqual([])
    expect(early.holds[0]?.reason).toMatch(/inactive since 2026-11-14: deletion from 2026-11-21/)
  })

  it('starts the grace period of a key that was already inactive when first seen', () => {
    const f = finding(120, { status: 'Inactive' })
    const p = plan([f], { action: 'delete' })
    expect(p.changes).toEqual([])
    expect(p.graceStarts).toEqual([{ userName: f.userName, accessKeyId: f.accessKeyId }])
    expect(p.holds[0]?.reason).toContain('grace period starts now')
  })

  it('does not claim a grace period starts in a dry run, which writes no tag', () => {
    const f = finding(120, { status: 'Inactive' })
    const p = plan([f], { action: 'delete', dryRun: true })
    expect(p.holds[0]?.reason).not.toContain('starts now')
    expect(p.holds[0]?.reason).toContain('a real run starts the')
  })

  it('never deletes a recent inactive key that would not be flagged if active', () => {
    const f = finding(10, { status: 'Inactive' })
    const p = plan(
      [f],
      { action: 'delete' },
      { deactivatedAt: new Map([[f.accessKeyId, addDays(NOW, -30)]]) }
    )
    expect(p.changes).toEqual([])
    expect(p.graceStarts).toEqual([])
  })

  it('an inactive exempt key is never deleted', () => {
    const f = finding(300, { status: 'Inactive' }, { kind: 'group', group: 'admins' })
    expect(f.class).toBe('exempt')
    const p = plan([f], { action: 'delete', deleteGraceDays: 0 })
    expect(p.changes).toEqual([])
  })

  it('a re-activated key (active again, record still there) is deactivated again, not deleted', () => {
    const f = finding(120)
    const p = plan(
      [f],
      { action: 'delete' },
      { deactivatedAt: new Map([[f.accessKeyId, addDays(NOW, -30)]]) }
    )
    expect(ids(p)).toEqual([['deactivate', f.accessKeyId]])
  })
})

describe('blocked keys and the cap', () => {
  it('holds a blocked key with its reason instead of planning it', () => {
    const own = finding(400)
    const p = plan(
      [own],
      {},
      { blocked: new Map([[own.accessKeyId, 'the action is running with this key']]) }
    )
    expect(p.changes).toEqual([])
    expect(p.holds).toEqual([
      {
        userName: own.userName,
        accessKeyId: own.accessKeyId,
        reason: 'the action is running with this key'
      }
    ])
  })

  it('is within the cap at exactly max-actions and over it with one more', () => {
    const keys = Array.from({ length: 4 }, () => finding(100))
    expect(plan(keys.slice(0, 3), { maxActions: 3 }).capExceeded).toBe(false)
    const over = plan(keys, { maxActions: 3 })
    expect(over.capExceeded).toBe(true)
    expect(over.changes).toHaveLength(4)
  })

  it('counts only key changes against the cap, not grace-period records', () => {
    const inactive = Array.from({ length: 5 }, () => finding(200, { status: 'Inactive' }))
    const p = plan(inactive, { action: 'delete', maxActions: 1 })
    expect(p.capExceeded).toBe(false)
    expect(p.graceStarts).toHaveLength(5)
  })

  it('carries dry-run through so nothing is applied', () => {
    expect(plan([finding(120)], { dryRun: true }).dryRun).toBe(true)
  })
})
