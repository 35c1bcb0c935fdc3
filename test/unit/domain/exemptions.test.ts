// The exempt tag's value, the owners file's grants, and how an exemption's end decides a key's
// class: parsing at its edges and the status of an exemption on the run's day (UTC, inclusive).
import { describe, expect, it } from '@jest/globals'
import { exemptionInventory, inventoryCounts } from '../../../src/domain/account-findings.js'
import { classify } from '../../../src/domain/classify.js'
import { DAY_MS } from '../../../src/domain/dates.js'
import {
  exemptByOwnersFile,
  exemptByTag,
  exemptionStatus,
  isIsoDay,
  parseExemptValue
} from '../../../src/domain/exemptions.js'
import type { OwnersConfig } from '../../../src/domain/owners.js'
import type { AccessKey, Exemption, Thresholds } from '../../../src/domain/types.js'

const NOW = new Date('2026-12-15T23:30:00Z')
const T: Thresholds = { maxAgeDays: 90, warnDays: 14, unusedDays: 0 }
const TAG = 'iam-key-sentinel-exempt'

const key = (ageDays: number, userName = 'vendor-sync'): AccessKey => ({
  userName,
  accessKeyId: `AKIA${userName
    .toUpperCase()
    .replace(/[^A-Z]/g, '')
    .padEnd(16, 'X')}`,
  status: 'Active',
  createDate: new Date(NOW.getTime() - ageDays * DAY_MS),
  lastUse: { kind: 'never' }
})
const tagged = (value: string): Exemption | undefined => exemptByTag(new Map([[TAG, value]]), TAG)

describe('the exempt tag value', () => {
  it('reads every field, in any order and case, with spaces around =', () => {
    expect(
      parseExemptValue('until=2027-01-31 reason=vendor contract ticket=SEC-123 approved-by=alice')
    ).toEqual({
      until: '2027-01-31',
      reason: 'vendor contract',
      ticket: 'SEC-123',
      approvedBy: 'alice'
    })
    expect(
      parseExemptValue('  Approved-By = bob@example.com   TICKET=OPS-9  Until = 2027-02-01  ')
    ).toEqual({ until: '2027-02-01', ticket: 'OPS-9', approvedBy: 'bob@example.com' })
  })

  it("reads ';' and ',' as separators too, though IAM tag values cannot hold them", () => {
    expect(
      parseExemptValue(
        'until=2027-01-31; reason=vendor contract; ticket=SEC-123; approved-by=alice'
      )
    ).toEqual({
      until: '2027-01-31',
      reason: 'vendor contract',
      ticket: 'SEC-123',
      approvedBy: 'alice'
    })
    expect(parseExemptValue('reason=a, b;until=2027-01-31,')).toEqual({
      reason: 'a, b',
      until: '2027-01-31'
    })
  })

  it('takes a plain old value as the reason, with no end', () => {
    expect(parseExemptValue('vendor contract, rotated by vendor')).toEqual({
      reason: 'vendor contract, rotated by vendor'
    })
    expect(parseExemptValue('migration until December')).toEqual({
      reason: 'migration until December'
    })
    expect(parseExemptValue('')).toEqual({})
    // An unknown field is text of the value it follows, not a field.
    expect(parseExemptValue('owner=bob reason=x')).toEqual({ reason: 'x' })
    expect(parseExemptValue('reason=x owner=bob')).toEqual({ reason: 'x owner=bob' })
  })

  it('takes the text before the first field as the reason when none is given', () => {
    expect(parseExemptValue('vendor contract until=2027-01-31')).toEqual({
      reason: 'vendor contract',
      until: '2027-01-31'
    })
    expect(parseExemptValue('lead text reason=given')).toEqual({ reason: 'given' })
  })

  it('keeps the first of a repeated field and ignores an empty one', () => {
    expect(parseExemptValue('until=2027-01-31 until=2030-01-01 ticket=')).toEqual({
      until: '2027-01-31'
    })
  })

  it('keeps an end that is not a calendar day aside, so the exemption has no end', () => {
    expect(parseExemptValue('until=2027-02-30 reason=x')).toEqual({
      reason: 'x',
      untilUnreadable: '2027-02-30'
    })
    expect(parseExemptValue('until=31/01/2027')).toEqual({ untilUnreadable: '31/01/2027' })
    expect(isIsoDay('2028-02-29')).toBe(true)
    expect(isIsoDay('2027-02-29')).toBe(false)
    expect(isIsoDay('2027-1-31')).toBe(false)
  })

  it('carries the raw value and the parsed terms on the exemption', () => {
    expect(tagged('until=2027-01-31 reason=vendor')).toEqual({
      kind: 'tag',
      tag: TAG,
      value: 'until=2027-01-31 reason=vendor',
      until: '2027-01-31',
      reason: 'vendor'
    })
  })
})

describe("an exemption's status on the run's day", () => {
  const until = (date: string): Exemption => ({ kind: 'tag', tag: TAG, value: '', until: date })

  it('holds through its end day (UTC) and expires the day after', () => {
    expect(exemptionStatus(until('2026-12-15'), NOW, 365)).toBe('active')
    expect(exemptionStatus(until('2026-12-14'), NOW, 365)).toBe('expired')
    // Late on the 15th in UTC is still the 15th, whatever the runner's time zone.
    expect(exemptionStatus(until('2026-12-15'), new Date('2026-12-16T00:00:00Z'), 365)).toBe(
      'expired'
    )
  })

  it('is flagged with no end, or an end beyond exemption-max-days', () => {
    expect(exemptionStatus({ kind: 'tag', tag: TAG, value: 'x' }, NOW, 365)).toBe('no-end')
    expect(exemptionStatus(until('2027-12-15'), NOW, 365)).toBe('active')
    expect(exemptionStatus(until('2027-12-16'), NOW, 365)).toBe('too-far')
    expect(exemptionStatus(until('2027-01-14'), NOW, 30)).toBe('active')
    expect(exemptionStatus(until('2027-01-15'), NOW, 30)).toBe('too-far')
  })

  it('calls exclude-users and exempt groups standing rules, never flagged for no end', () => {
    expect(exemptionStatus({ kind: 'excluded-user', pattern: 'ci-*' }, NOW, 365)).toBe('standing')
    expect(exemptionStatus({ kind: 'group', group: 'break-glass' }, NOW, 365)).toBe('standing')
  })
})

describe('classification with exemptions that end', () => {
  it('an expired exemption no longer hides the key: it is classed as it would be, and flagged', () => {
    const f = classify(key(120), NOW, T, tagged('until=2026-12-14 reason=vendor'))
    expect(f.class).toBe('overdue')
    expect(f.exemption).toBeUndefined()
    expect(f.expiredExemption).toMatchObject({ until: '2026-12-14', status: 'expired' })
  })

  it('an exemption on its last day still holds', () => {
    const f = classify(key(120), NOW, T, tagged('until=2026-12-15'))
    expect(f.class).toBe('exempt')
    expect(f.exemption).toMatchObject({ status: 'active' })
  })

  it('a flagged exemption (no end, too far) still holds', () => {
    expect(classify(key(120), NOW, T, tagged('vendor')).exemption?.status).toBe('no-end')
    const far = classify(key(120), NOW, T, tagged('until=2027-03-01'), 30)
    expect(far).toMatchObject({ class: 'exempt', exemption: { status: 'too-far' } })
  })

  it('the first exemption that has not expired holds; the expired one that ended last is kept otherwise', () => {
    const expiredTag = tagged('until=2026-11-30')
    const group: Exemption = { kind: 'group', group: 'break-glass' }
    expect(classify(key(120), NOW, T, [expiredTag as Exemption, group]).exemption).toEqual({
      ...group,
      status: 'standing'
    })
    const older = tagged('until=2026-10-01') as Exemption
    const newer = tagged('until=2026-12-01') as Exemption
    expect(classify(key(120), NOW, T, [older, newer]).expiredExemption).toMatchObject({
      until: '2026-12-01'
    })
  })

  it('an ok key stays ok and carries no exemption, expired or not', () => {
    const f = classify(key(5), NOW, T, tagged('until=2026-01-01'))
    expect(f).toMatchObject({ class: 'ok' })
    expect(f.expiredExemption).toBeUndefined()
  })
})

describe('the owners file grants', () => {
  const owners: OwnersConfig = {
    path: '.github/iam-owners.yml',
    owners: [],
    exemptions: [
      { users: 'vendor-*', until: '2026-12-01', reason: 'old contract', approvedBy: 'alice' },
      { users: 'VENDOR-sync', until: '2027-06-30', ticket: 'SEC-9' },
      { users: 'other', reason: 'no end' }
    ]
  }

  it('match user-name globs case-insensitively, in the file order', () => {
    expect(exemptByOwnersFile('vendor-sync', owners)).toEqual([
      {
        kind: 'owners-file',
        users: 'vendor-*',
        path: '.github/iam-owners.yml',
        until: '2026-12-01',
        reason: 'old contract',
        approvedBy: 'alice'
      },
      {
        kind: 'owners-file',
        users: 'VENDOR-sync',
        path: '.github/iam-owners.yml',
        until: '2027-06-30',
        ticket: 'SEC-9'
      }
    ])
    expect(exemptByOwnersFile('alice', owners)).toEqual([])
    expect(exemptByOwnersFile('alice', undefined)).toEqual([])
  })

  it('an expired grant gives way to a current one for the same user', () => {
    const f = classify(key(120), NOW, T, exemptByOwnersFile('vendor-sync', owners))
    expect(f.exemption).toMatchObject({ users: 'VENDOR-sync', status: 'active' })
  })
})

describe('the exemption inventory', () => {
  it('lists every held-back or expired key, expired first, then those needing an end', () => {
    const findings = [
      classify(key(120, 'ci-deploy'), NOW, T, { kind: 'excluded-user', pattern: 'ci-*' }),
      classify(key(120, 'carol'), NOW, T, tagged('until=2027-01-31')),
      classify(key(120, 'bob'), NOW, T, tagged('vendor')),
      classify(key(120, 'alice'), NOW, T, tagged('until=2026-12-01')),
      classify(key(5, 'ok-user'), NOW, T, tagged('vendor')),
      classify(key(120, 'plain'), NOW, T)
    ]
    const inventory = exemptionInventory(findings, 365)
    expect(inventory.entries.map((e) => [e.userName, e.exemption.status, e.hides])).toEqual([
      ['alice', 'expired', 'overdue'],
      ['bob', 'no-end', 'overdue'],
      ['carol', 'active', 'overdue'],
      ['ci-deploy', 'standing', 'overdue']
    ])
    expect(inventoryCounts(inventory)).toEqual({ expired: 1, needEnd: 1 })
  })
})
