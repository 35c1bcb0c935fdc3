// Users with two active keys and the root user's keys, as the reports see them.
import { describe, expect, it } from '@jest/globals'
import { usersWithTwoActiveKeys } from '../../../src/domain/account-findings.js'
import { classify } from '../../../src/domain/classify.js'
import { DAY_MS } from '../../../src/domain/dates.js'
import { rootKeysOf, type ScanInfo } from '../../../src/domain/scan-info.js'
import type { AccessKey } from '../../../src/domain/types.js'

const NOW = new Date('2026-12-15T12:00:00Z')
const T = { maxAgeDays: 90, warnDays: 14, unusedDays: 0 }
const key = (userName: string, id: string, ageDays: number, active = true): AccessKey => ({
  userName,
  accessKeyId: id,
  status: active ? 'Active' : 'Inactive',
  createDate: new Date(NOW.getTime() - ageDays * DAY_MS),
  lastUse: { kind: 'never' }
})

describe('users with two active keys', () => {
  it('lists each such user once, oldest key first, the oldest-key users first', () => {
    const findings = [
      key('bob', 'AKIABOBNEW', 10),
      key('bob', 'AKIABOBOLD', 200),
      key('carol', 'AKIACAROL1', 5),
      key('carol', 'AKIACAROL2', 300, false),
      key('dave', 'AKIADAVE01', 50),
      key('dave', 'AKIADAVE02', 40)
    ].map((k) => classify(k, NOW, T))
    const users = usersWithTwoActiveKeys(findings)
    expect(users.map((u) => [u.userName, u.keys.map((k) => k.accessKeyId)])).toEqual([
      ['bob', ['AKIABOBOLD', 'AKIABOBNEW']],
      ['dave', ['AKIADAVE01', 'AKIADAVE02']]
    ])
    expect(users[0]?.keys[0]).toMatchObject({ ageDays: 200, lastUse: { kind: 'never' } })
  })

  it("adds the report's pairs of users not read live, by slot, in the same order", () => {
    const findings = [key('bob', 'AKIABOBNEW', 10), key('bob', 'AKIABOBOLD', 200)].map((k) =>
      classify(k, NOW, T)
    )
    const slot = (n: 1 | 2, ageDays: number) => ({
      slot: n,
      createDate: new Date(NOW.getTime() - ageDays * DAY_MS),
      ageDays,
      lastUse: { kind: 'never' as const }
    })
    const users = usersWithTwoActiveKeys(findings, [
      { userName: 'erin', keys: [slot(1, 300), slot(2, 20)] },
      // A live read always wins over the report.
      { userName: 'bob', keys: [slot(1, 900), slot(2, 800)] }
    ])
    expect(users.map((u) => [u.userName, u.keys.map((k) => k.accessKeyId ?? k.slot)])).toEqual([
      ['erin', [1, 2]],
      ['bob', ['AKIABOBOLD', 'AKIABOBNEW']]
    ])
  })
})

describe("the root user's keys", () => {
  const api = (rootKeyCheck?: ScanInfo['rootKeyCheck']): ScanInfo => ({
    requested: 'api',
    method: 'api',
    reason: 'scan-method: api',
    ...(rootKeyCheck ? { rootKeyCheck } : {})
  })
  const report = (
    keys: { active: boolean }[],
    rootKeyCheck?: ScanInfo['rootKeyCheck']
  ): ScanInfo => ({
    requested: 'credential-report',
    method: 'credential-report',
    reason: 'scan-method: credential-report',
    credentialReport: { generatedAt: NOW, candidateUsers: 0, unlistedOkKeys: 0 },
    rootAccessKeys: keys.map((k, i) => ({
      slot: (i + 1) as 1 | 2,
      active: k.active,
      createDate: NOW,
      ageDays: 0,
      lastUse: { kind: 'never' }
    })),
    ...(rootKeyCheck ? { rootKeyCheck } : {})
  })

  it('GetAccountSummary alone: whether, not how many; present keys count as active', () => {
    expect(rootKeysOf(api({ present: false }))).toMatchObject({
      present: false,
      count: 0,
      statusUnknown: false
    })
    const present = rootKeysOf(api({ present: true }))
    expect(present).toMatchObject({ present: true, keys: [], statusUnknown: true })
    expect(present.count).toBeUndefined()
  })

  it('with the report, its details; the live answer wins when they disagree', () => {
    expect(rootKeysOf(report([{ active: false }], { present: true }))).toMatchObject({
      present: true,
      count: 1,
      statusUnknown: false
    })
    // Deleted since the report was generated.
    expect(rootKeysOf(report([{ active: true }], { present: false }))).toMatchObject({
      present: false,
      count: 0,
      keys: []
    })
    // Created since the report.
    expect(rootKeysOf(report([], { present: true }))).toMatchObject({ statusUnknown: true })
  })

  it('a failed check is said, and the report still answers when it was read', () => {
    const denied = { error: 'iam:GetAccountSummary failed: AccessDenied' }
    expect(rootKeysOf(api(denied))).toMatchObject({ checkError: denied.error })
    expect(rootKeysOf(api(denied)).present).toBeUndefined()
    expect(rootKeysOf(report([{ active: true }], denied))).toMatchObject({
      present: true,
      count: 1,
      checkError: denied.error
    })
  })
})
