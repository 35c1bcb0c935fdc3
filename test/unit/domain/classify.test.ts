import { describe, expect, it } from '@jest/globals'
import { byUrgency, classify, classifyRaw, countClasses } from '../../../src/domain/classify.js'
import { DAY_MS, wholeDays } from '../../../src/domain/dates.js'
import type { AccessKey, LastUse, Thresholds } from '../../../src/domain/types.js'

const NOW = new Date('2026-11-21T12:00:00Z')
const T: Thresholds = { maxAgeDays: 90, warnDays: 14, unusedDays: 30 }

function daysAgo(days: number, extraMs = 0): Date {
  return new Date(NOW.getTime() - days * DAY_MS - extraMs)
}

function key(ageDays: number, over: Partial<AccessKey> = {}): AccessKey {
  const lastUse: LastUse = {
    kind: 'used',
    date: daysAgo(1),
    serviceName: 's3',
    region: 'us-east-1'
  }
  return {
    userName: 'alice',
    accessKeyId: 'AKIAAAAAAAAAAAAAAAAA',
    status: 'Active',
    createDate: daysAgo(ageDays),
    lastUse,
    ...over
  }
}

describe('wholeDays', () => {
  it('counts only completed days', () => {
    expect(wholeDays(daysAgo(90), NOW)).toBe(90)
    expect(wholeDays(daysAgo(90, -1), NOW)).toBe(89)
    expect(wholeDays(daysAgo(90, DAY_MS - 1), NOW)).toBe(90)
  })
})

describe('overdue and due-soon boundaries (max 90, warn 14)', () => {
  it.each([
    [0, 'ok'],
    [76, 'ok'],
    [77, 'due-soon'],
    [90, 'due-soon'],
    [91, 'overdue'],
    [400, 'overdue']
  ])('an active key %i days old is %s', (age, expected) => {
    expect(classifyRaw(key(age), NOW, T)).toBe(expected)
  })

  it('due-soon is off when warn-days is 0', () => {
    expect(classifyRaw(key(90), NOW, { ...T, warnDays: 0 })).toBe('ok')
    expect(classifyRaw(key(91), NOW, { ...T, warnDays: 0 })).toBe('overdue')
  })

  it('a key one millisecond short of 91 days is not yet overdue', () => {
    expect(classifyRaw(key(0, { createDate: daysAgo(91, -1) }), NOW, T)).toBe('due-soon')
  })

  it('reports the deadline as days left, zero on the last day, negative once overdue', () => {
    expect(classify(key(77), NOW, T).daysToDeadline).toBe(13)
    expect(classify(key(90), NOW, T).daysToDeadline).toBe(0)
    expect(classify(key(95), NOW, T).daysToDeadline).toBe(-5)
  })
})

describe('unused', () => {
  const used = (days: number): LastUse => ({
    kind: 'used',
    date: daysAgo(days),
    serviceName: 'iam',
    region: 'us-east-1'
  })

  it.each([
    [29, 'ok'],
    [30, 'unused'],
    [31, 'unused']
  ])('a key last used %i days ago is %s', (idle, expected) => {
    expect(classifyRaw(key(40, { lastUse: used(idle) }), NOW, T)).toBe(expected)
  })

  it('counts a never-used key from its creation date', () => {
    expect(classifyRaw(key(29, { lastUse: { kind: 'never' } }), NOW, T)).toBe('ok')
    expect(classifyRaw(key(30, { lastUse: { kind: 'never' } }), NOW, T)).toBe('unused')
    expect(classify(key(30, { lastUse: { kind: 'never' } }), NOW, T).idleDays).toBe(30)
  })

  it('is off when unused-days is 0', () => {
    expect(classifyRaw(key(40, { lastUse: used(500) }), NOW, { ...T, unusedDays: 0 })).toBe('ok')
  })

  it('never calls a key unused when its last use is unknown', () => {
    const finding = classify(key(40, { lastUse: { kind: 'unknown' } }), NOW, T)
    expect(finding.class).toBe('ok')
    expect(finding.idleDays).toBeUndefined()
  })

  it('overdue wins over unused, unused over due-soon', () => {
    expect(classifyRaw(key(100, { lastUse: used(60) }), NOW, T)).toBe('overdue')
    expect(classifyRaw(key(80, { lastUse: used(60) }), NOW, T)).toBe('unused')
  })
})

describe('inactive and exempt', () => {
  it('an inactive key is inactive whatever its age or use', () => {
    expect(classifyRaw(key(500, { status: 'Inactive', lastUse: { kind: 'never' } }), NOW, T)).toBe(
      'inactive'
    )
  })

  it('an exemption turns a flagged key into exempt and keeps the class it would have had', () => {
    const finding = classify(key(120), NOW, T, { kind: 'excluded-user', pattern: 'ci-*' })
    expect(finding.class).toBe('exempt')
    expect(finding.rawClass).toBe('overdue')
    expect(finding.exemption).toEqual({
      kind: 'excluded-user',
      pattern: 'ci-*',
      status: 'standing'
    })
  })

  it('an exemption leaves an ok key ok', () => {
    const finding = classify(key(5), NOW, T, { kind: 'tag', tag: 'exempt', value: 'yes' })
    expect(finding.class).toBe('ok')
    expect(finding.exemption).toBeUndefined()
  })
})

describe('counting and ordering', () => {
  it('counts each class and sorts the most urgent and oldest first', () => {
    const findings = [key(5), key(120), key(80), key(200), key(10, { status: 'Inactive' })].map(
      (k, i) => classify({ ...k, accessKeyId: `AKIA${i}` }, NOW, T)
    )
    const counts = countClasses(findings)
    expect(counts).toEqual({
      total: 5,
      overdue: 2,
      'due-soon': 1,
      unused: 0,
      inactive: 1,
      ok: 1,
      exempt: 0
    })
    expect(findings.sort(byUrgency).map((f) => [f.class, f.ageDays])).toEqual([
      ['overdue', 200],
      ['overdue', 120],
      ['due-soon', 80],
      ['inactive', 10],
      ['ok', 5]
    ])
  })
})
