import { describe, expect, it } from '@jest/globals'
import {
  createdByInterruptedRun,
  decideCutover,
  formatRotationState,
  parseRotationState,
  rotationStates,
  rotationTagKey,
  type RotationState
} from '../../../src/domain/rotation-state.js'

const T0 = new Date('2026-03-01T10:00:00.000Z')
const H = 3_600_000
const at = (ms: number) => new Date(T0.getTime() + ms)

describe('the rotation record', () => {
  it.each<RotationState>([
    { step: 'creating', startedAt: T0 },
    { step: 'created', newAccessKeyId: 'AKIANEWKEY0000000001', createdAt: T0 },
    {
      step: 'delivered',
      newAccessKeyId: 'AKIANEWKEY0000000001',
      createdAt: T0,
      deliveredAt: at(H)
    },
    { step: 'retiring', newAccessKeyId: 'AKIANEWKEY0000000001', createdAt: T0, deliveredAt: at(H) }
  ])('round-trips %j within IAM tag limits', (state) => {
    const value = formatRotationState(state)
    expect(value.length).toBeLessThanOrEqual(256)
    expect(value).toMatch(/^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u)
    expect(parseRotationState(value)).toEqual(state)
  })

  it.each([
    '',
    'delivered',
    'created akia-lower 2026-01-01T00:00:00Z',
    'creating soon',
    'delivered AKIANEWKEY0000000001 2026-01-01T00:00:00Z',
    'done AKIANEWKEY0000000001 2026-01-01T00:00:00Z x'
  ])('reads a hand-edited value %j as no record', (value) =>
    expect(parseRotationState(value)).toBeUndefined()
  )

  it('collects the rotations of a user by old key', () => {
    const tags = new Map([
      [rotationTagKey('AKIAOLDKEY0000000001'), 'creating 2026-03-01T10:00:00.000Z'],
      ['iam-key-sentinel:deactivated:AKIAOLDKEY0000000001', '2026-03-01T10:00:00.000Z'],
      ['team', 'data']
    ])
    expect([...rotationStates(tags).keys()]).toEqual(['AKIAOLDKEY0000000001'])
  })

  it('takes a key made within minutes of an interrupted create for that run’s, not one made days later', () => {
    expect(createdByInterruptedRun(T0, at(2_000))).toBe(true)
    expect(createdByInterruptedRun(T0, at(-60_000))).toBe(true)
    expect(createdByInterruptedRun(T0, at(24 * H))).toBe(false)
  })
})

describe('decideCutover', () => {
  const base = { deliveredAt: T0, idleHours: 24, timeoutDays: 7 }
  const used = (ms: number) => ({
    kind: 'used' as const,
    date: at(ms),
    serviceName: 's3',
    region: 'us-east-1'
  })

  it('switches only when the new key was used and the old one idle for idle-hours', () => {
    expect(
      decideCutover({ ...base, now: at(30 * H), newLastUse: used(2 * H), oldLastUse: used(5 * H) })
    ).toEqual({ kind: 'switched', newUsedAt: at(2 * H) })
    expect(
      decideCutover({ ...base, now: at(30 * H), newLastUse: used(2 * H), oldLastUse: used(7 * H) })
    ).toEqual({ kind: 'old-in-use', oldUsedAt: at(7 * H), timedOut: false })
    expect(
      decideCutover({
        ...base,
        now: at(30 * H),
        newLastUse: used(2 * H),
        oldLastUse: { kind: 'never' }
      }).kind
    ).toBe('switched')
  })

  it('never deactivates on a guess: an unknown last use waits', () => {
    expect(
      decideCutover({
        ...base,
        now: at(30 * H),
        newLastUse: used(H),
        oldLastUse: { kind: 'unknown' }
      }).kind
    ).toBe('old-in-use')
    expect(
      decideCutover({
        ...base,
        now: at(30 * H),
        newLastUse: { kind: 'unknown' },
        oldLastUse: { kind: 'never' }
      }).kind
    ).toBe('waiting')
  })

  it('times out when the new key is unused after timeout-days', () => {
    expect(
      decideCutover({
        ...base,
        now: at(7 * 24 * H - 1),
        newLastUse: { kind: 'never' },
        oldLastUse: used(0)
      })
    ).toEqual({ kind: 'waiting', timedOut: false })
    expect(
      decideCutover({
        ...base,
        now: at(7 * 24 * H),
        newLastUse: { kind: 'never' },
        oldLastUse: used(0)
      })
    ).toEqual({ kind: 'waiting', timedOut: true })
  })
})
