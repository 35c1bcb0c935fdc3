import { describe, expect, it } from '@jest/globals'
import { classByAge, lastUseDecides, lastUseNeed } from '../../../src/domain/last-use-policy.js'
import type { KeyStatus } from '../../../src/domain/types.js'

const DAY = 86_400_000
const at = new Date('2026-06-01T00:00:00Z')
const t = { maxAgeDays: 90, warnDays: 14, unusedDays: 30 }
const key = (ageDays: number, status: KeyStatus = 'Active') => ({
  status,
  createDate: new Date(at.getTime() - ageDays * DAY - 1000)
})

describe('lastUseDecides', () => {
  it.each([
    [29, 'Active', t, false],
    [30, 'Active', t, true],
    [90, 'Active', t, true],
    [91, 'Active', t, false],
    [60, 'Inactive', t, true],
    [120, 'Inactive', t, false],
    [60, 'Active', { ...t, unusedDays: 0 }, false]
  ] as const)('%i days old, %s, %o: %s', (age, status, thresholds, expected) => {
    expect(lastUseDecides(key(age, status), at, thresholds)).toBe(expected)
  })
})

describe('lastUseNeed', () => {
  it('reads for the class, shows flagged keys, and skips ok keys of a large account', () => {
    expect(lastUseNeed(key(45), at, t, false)).toBe('class')
    expect(lastUseNeed(key(80), at, t, false)).toBe('class')
    expect(lastUseNeed(key(120), at, t, false)).toBe('display')
    expect(lastUseNeed(key(10, 'Inactive'), at, t, false)).toBe('display')
    expect(lastUseNeed(key(10), at, t, false)).toBe('none')
    expect(lastUseNeed(key(10), at, t, true)).toBe('display')
    expect(lastUseNeed(key(80), at, { ...t, unusedDays: 0 }, false)).toBe('display')
  })

  it('classByAge ignores last use', () => {
    expect(classByAge(key(80), at, t)).toBe('due-soon')
    expect(classByAge(key(45), at, t)).toBe('ok')
  })
})
