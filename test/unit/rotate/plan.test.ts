import { describe, expect, it } from '@jest/globals'
import { classify } from '../../../src/domain/classify.js'
import { deactivatedTagKey } from '../../../src/domain/lifecycle-tag.js'
import { formatRotationState, rotationTagKey } from '../../../src/domain/rotation-state.js'
import type { RotationSettings } from '../../../src/domain/rotation.js'
import type { LastUse } from '../../../src/domain/types.js'
import { planRotation, type RotationPlanInput } from '../../../src/rotate/plan.js'

const NOW = new Date('2026-06-01T12:00:00.000Z')
const DAY = 86_400_000
const T = { maxAgeDays: 90, warnDays: 14, unusedDays: 0 }
const finding = (
  userName: string,
  accessKeyId: string,
  ageDays: number,
  status: 'Active' | 'Inactive' = 'Active'
) =>
  classify(
    {
      userName,
      accessKeyId,
      status,
      createDate: new Date(NOW.getTime() - ageDays * DAY),
      lastUse: { kind: 'unknown' }
    },
    NOW,
    T
  )
const rotation: RotationSettings = {
  map: {
    path: 'rotation.yml',
    users: new Map([['bot', { kind: 'secrets-manager' as const, secretId: 'bot/key' }]])
  },
  rotateOn: 'due-soon',
  deliveryToken: '',
  cutoverIdleHours: 24,
  cutoverTimeoutDays: 7
}
const remediation = {
  action: 'rotate' as const,
  dryRun: false,
  deleteGraceDays: 7,
  maxActions: 10,
  exemptGroups: []
}

function plan(over: Partial<RotationPlanInput>) {
  return planRotation({
    findings: [],
    tags: new Map(),
    rotation,
    remediation,
    now: NOW,
    blocked: new Map(),
    lastUse: new Map(),
    ...over
  })
}

describe('planRotation', () => {
  it('counts each key deleted first as a key write against max-actions', () => {
    const leftover = finding('bot', 'AKIABOTLEFTOVER00001', 200, 'Inactive')
    const tags = new Map([
      ['bot', new Map([[deactivatedTagKey(leftover.accessKeyId), NOW.toISOString()]])]
    ])
    const findings = [finding('bot', 'AKIABOT0000000000001', 95), leftover]
    const at = (maxActions: number) =>
      plan({ findings, tags, remediation: { ...remediation, maxActions } })
    expect(at(2).steps).toMatchObject([{ kind: 'create', clearFirst: [leftover] }])
    expect(at(2)).toMatchObject({ keyWrites: 2, capExceeded: false })
    expect(at(1)).toMatchObject({ keyWrites: 2, capExceeded: true })
  })

  it('rotates a due-soon key of a mapped user, and nothing of an unmapped one', () => {
    const p = plan({
      findings: [
        finding('bot', 'AKIABOT0000000000001', 80),
        finding('other', 'AKIAOTHER00000000001', 120)
      ]
    })
    expect(p.steps.map((s) => [s.kind, s.accessKeyId])).toEqual([
      ['create', 'AKIABOT0000000000001']
    ])
    expect(p.capExceeded).toBe(false)
  })

  it('rotate-on overdue leaves due-soon keys alone', () => {
    const p = plan({
      rotation: { ...rotation, rotateOn: 'overdue' },
      findings: [finding('bot', 'AKIABOT0000000000001', 80)]
    })
    expect(p.steps).toEqual([])
  })

  it('never rotates the key the action runs with', () => {
    const p = plan({
      findings: [finding('bot', 'AKIABOT0000000000001', 100)],
      blocked: new Map([['AKIABOT0000000000001', 'the action is running with this key']])
    })
    expect(p.steps).toMatchObject([{ kind: 'hold', reason: 'the action is running with this key' }])
  })

  it('deletes an inactive leftover of a staged delete first; holds for any other second key', () => {
    const leftover = finding('bot', 'AKIABOTLEFT000000001', 200, 'Inactive')
    const tags = new Map([
      ['bot', new Map([[deactivatedTagKey(leftover.accessKeyId), NOW.toISOString()]])]
    ])
    const p1 = plan({ findings: [finding('bot', 'AKIABOT0000000000001', 100), leftover], tags })
    expect(p1.steps).toMatchObject([
      { kind: 'create', clearFirst: [{ accessKeyId: 'AKIABOTLEFT000000001' }] }
    ])
    const p2 = plan({ findings: [finding('bot', 'AKIABOT0000000000001', 100), leftover] })
    expect(p2.steps[0]?.kind).toBe('hold')
    expect(p2.steps[0]?.reason).toContain('inactive but was not deactivated by IAM Key Sentinel')
  })

  it('an interrupted create is redone: its undelivered key, found by the ID in the record, goes first', () => {
    const old = finding('bot', 'AKIABOT0000000000001', 100)
    const orphan = finding('bot', 'AKIABOTNEW0000000001', 0)
    const tags = new Map([
      [
        'bot',
        new Map([
          [
            rotationTagKey(old.accessKeyId),
            formatRotationState({
              step: 'created',
              newAccessKeyId: orphan.accessKeyId,
              createdAt: NOW
            })
          ]
        ])
      ]
    ])
    const p = plan({ findings: [old, orphan], tags })
    expect(p.steps).toMatchObject([
      {
        kind: 'create',
        accessKeyId: old.accessKeyId,
        clearFirst: [{ accessKeyId: orphan.accessKeyId }]
      }
    ])
  })

  it('deactivates after the cutover, deletes after the grace period, and counts writes against max-actions', () => {
    const old = finding('bot', 'AKIABOT0000000000001', 100)
    const fresh = finding('bot', 'AKIABOTNEW0000000001', 2)
    const delivered = formatRotationState({
      step: 'delivered',
      newAccessKeyId: fresh.accessKeyId,
      createdAt: new Date(NOW.getTime() - 2 * DAY),
      deliveredAt: new Date(NOW.getTime() - 2 * DAY)
    })
    const used = (h: number): LastUse => ({
      kind: 'used',
      date: new Date(NOW.getTime() - h * 3_600_000),
      serviceName: 's3',
      region: 'us-east-1'
    })
    const tags = new Map([['bot', new Map([[rotationTagKey(old.accessKeyId), delivered]])]])
    const lastUse = new Map([
      [fresh.accessKeyId, used(1)],
      [old.accessKeyId, used(30)]
    ])
    expect(plan({ findings: [old, fresh], tags, lastUse }).steps).toMatchObject([
      { kind: 'deactivate' }
    ])
    expect(
      plan({
        findings: [old, fresh],
        tags,
        lastUse,
        remediation: { ...remediation, maxActions: 0 }
      }).capExceeded
    ).toBe(true)
    lastUse.set(old.accessKeyId, used(2))
    expect(plan({ findings: [old, fresh], tags, lastUse }).steps).toMatchObject([
      { kind: 'observe', decision: { kind: 'old-in-use' } }
    ])

    const inactive = finding('bot', 'AKIABOT0000000000001', 108, 'Inactive')
    const retiring = new Map([
      [rotationTagKey(old.accessKeyId), delivered.replace('delivered', 'retiring')],
      [deactivatedTagKey(old.accessKeyId), new Date(NOW.getTime() - 8 * DAY).toISOString()]
    ])
    expect(
      plan({ findings: [inactive, fresh], tags: new Map([['bot', retiring]]) }).steps
    ).toMatchObject([{ kind: 'delete' }])
    expect(plan({ findings: [fresh], tags: new Map([['bot', retiring]]) }).steps).toMatchObject([
      { kind: 'finish' }
    ])
  })
})
