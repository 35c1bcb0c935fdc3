// Candidate selection never misses a key the API walk would flag: checked over generated
// accounts, with the report taken before the account changed (up to 4 hours of staleness).
import { describe, expect, it } from '@jest/globals'
import {
  isCandidate,
  reportSettlesUnused,
  selectCandidates,
  STALENESS_MARGIN_MS
} from '../../../../src/scan/credential-report/candidates.js'
import { csvRows } from '../../../../src/scan/credential-report/csv.js'
import { matchSlots } from '../../../../src/scan/credential-report/match.js'
import {
  readCredentialReport,
  type ReportKeySlot
} from '../../../../src/scan/credential-report/parse.js'
import { classifyRaw } from '../../../../src/domain/classify.js'
import type { Thresholds } from '../../../../src/domain/types.js'
import {
  credentialReportCsv,
  type FakeAccount,
  type FakeKey,
  type FakeUser
} from '../../../support/fake-aws/index.js'
import { seededRandom } from '../../../support/seeded-random.js'

const DAY = 86_400_000
const HOUR = 3_600_000

const random = seededRandom

const seconds = (ms: number): Date => new Date(Math.floor(ms / 1000) * 1000)

interface World {
  account: FakeAccount
  t: Thresholds
  /** When the report was generated. */
  reportAt: number
}

/** Ages cluster around the thresholds, where a wrong margin would show. */
function generate(seed: number): World {
  const next = random(seed)
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1))
  const maxAgeDays = int(1, 200)
  const t: Thresholds = {
    maxAgeDays,
    warnDays: int(0, maxAgeDays - 1),
    unusedDays: next() < 0.3 ? 0 : int(1, 200)
  }
  const reportAt = Date.UTC(2026, 0, 1) + int(0, 1000) * HOUR
  const aroundDays = (): number => {
    const pivots = [t.maxAgeDays, t.maxAgeDays - t.warnDays, t.unusedDays, 0]
    const pivot = pivots[int(0, pivots.length - 1)] ?? 0
    return Math.max(0, next() < 0.7 ? pivot + (next() - 0.5) * 4 : next() * 400)
  }
  const key = (user: number, k: number): FakeKey => {
    const age = aroundDays() * DAY
    const createDate = seconds(reportAt - age)
    const idle = Math.min(age, aroundDays() * DAY)
    return {
      accessKeyId: `AKIA${seed}X${user}X${k}`,
      status: next() < 0.85 ? 'Active' : 'Inactive',
      createDate,
      ...(next() < 0.2
        ? {}
        : { lastUsed: { date: seconds(reportAt - idle), serviceName: 's3', region: 'us-east-1' } })
    }
  }
  const users: FakeUser[] = Array.from({ length: int(1, 30) }, (_, u) => ({
    userName: `u${u}`,
    keys: Array.from({ length: int(0, 2) }, (_, k) => key(u, k))
  }))
  return { account: { accountId: '123456789012', users }, t, reportAt }
}

/**
 * What can happen after the report is generated, short of a deactivation: keys get used,
 * deleted, created or reactivated; users come and go.
 */
function changeAfterReport(world: World, seed: number, now: number): void {
  const next = random(seed * 7919)
  const between = (): Date => seconds(world.reportAt + next() * (now - world.reportAt))
  const users = world.account.users
  for (const user of users) {
    for (const key of user.keys) {
      if (next() < 0.3) key.lastUsed = { date: between(), serviceName: 'sts', region: 'eu-west-1' }
      if (key.status === 'Inactive' && next() < 0.3) key.status = 'Active'
    }
    if (user.keys.length > 0 && next() < 0.1) user.keys.splice(0, 1)
    if (user.keys.length < 2 && next() < 0.1) {
      user.keys.push({
        accessKeyId: `AKIANEW${user.userName}`,
        status: 'Active',
        createDate: between()
      })
    }
  }
  if (users.length > 1 && next() < 0.3) users.splice(0, 1)
  if (next() < 0.3) {
    users.push({
      userName: 'newcomer',
      keys: [{ accessKeyId: 'AKIANEWCOMER', status: 'Active', createDate: between() }]
    })
  }
}

/** The users the API walk would flag a key of, with the keys' live data, at `at`. */
function flaggedUsers(account: FakeAccount, at: Date, t: Thresholds): Map<string, string[]> {
  const flagged = new Map<string, string[]>()
  for (const user of account.users) {
    for (const key of user.keys) {
      const lastUse = key.lastUsed
        ? { kind: 'used' as const, ...key.lastUsed }
        : { kind: 'never' as const }
      const live = { ...key, userName: user.userName, lastUse }
      const cls = classifyRaw(live, at, t)
      if (cls !== 'ok') flagged.set(user.userName, [...(flagged.get(user.userName) ?? []), cls])
    }
  }
  return flagged
}

const reportUsers = (csv: string) => readCredentialReport(csvRows([csv]))

describe('candidate selection', () => {
  it('never misses a key the API walk would flag, over 500 generated accounts', () => {
    let flaggedSeen = 0
    let candidatesSeen = 0
    let usersSeen = 0
    for (let seed = 1; seed <= 500; seed++) {
      const world = generate(seed)
      const csv = credentialReportCsv(world.account)
      const now = world.reportAt + random(seed)() * 4 * HOUR
      changeAfterReport(world, seed, now)
      const at = new Date(now)
      const selection = selectCandidates(reportUsers(csv), at, world.t)
      const candidates = new Set(selection.candidates.map((u) => u.userName))
      for (const [userName, classes] of flaggedUsers(world.account, at, world.t)) {
        // Users created after the report hold keys younger than a day: never flagged.
        if (!candidates.has(userName)) {
          throw new Error(`seed ${seed}: ${userName} (${classes.join(', ')}) was not selected`)
        }
      }
      flaggedSeen += flaggedUsers(world.account, at, world.t).size
      candidatesSeen += candidates.size
      usersSeen += selection.userCount
    }
    // The property is not met by selecting everyone: most ok users are left out.
    expect(flaggedSeen).toBeGreaterThan(1000)
    expect(candidatesSeen).toBeLessThan(usersSeen * 0.9)
    expect(candidatesSeen - flaggedSeen).toBeLessThan((usersSeen - flaggedSeen) / 2)
  })

  it('leaves out a user whose keys are ok a day ahead, and counts their keys', () => {
    const at = new Date('2026-03-01T00:00:00Z')
    const t = { maxAgeDays: 90, warnDays: 14, unusedDays: 30 }
    const key = (id: string, ageDays: number, idleDays?: number): FakeKey => ({
      accessKeyId: id,
      status: 'Active',
      createDate: new Date(at.getTime() - ageDays * DAY),
      ...(idleDays === undefined
        ? {}
        : {
            lastUsed: {
              date: new Date(at.getTime() - idleDays * DAY),
              serviceName: 's3',
              region: 'us-east-1'
            }
          })
    })
    const account: FakeAccount = {
      accountId: '123456789012',
      users: [
        { userName: 'fresh', keys: [key('A2', 75.5, 28.5)] },
        { userName: 'fresh-too', keys: [key('A1', 10, 1)] },
        { userName: 'nearly-due', keys: [key('B1', 76.5, 1)] },
        { userName: 'nearly-idle', keys: [key('C1', 40, 29.5)] },
        { userName: 'never-used', keys: [key('D1', 29.5)] }
      ]
    }
    const selection = selectCandidates(reportUsers(credentialReportCsv(account)), at, t)
    expect(selection.candidates.map((u) => u.userName)).toEqual([
      'nearly-due',
      'nearly-idle',
      'never-used'
    ])
    expect(selection.userCount).toBe(5)
    expect(selection.unlistedOkAgeDays).toEqual([75, 10])
    // Without the margin, a day later these would be missed.
    const tomorrow = new Date(at.getTime() + DAY)
    const late = flaggedUsers(account, tomorrow, t)
    expect([...late.keys()].sort()).toEqual(['nearly-due', 'nearly-idle', 'never-used'])
  })

  it('does not read live a user whose two active keys are both ok: the summary names them by slot', () => {
    const at = new Date('2026-03-01T00:00:00Z')
    const t = { maxAgeDays: 90, warnDays: 14, unusedDays: 30 }
    const key = (id: string, status: FakeKey['status']): FakeKey => ({
      accessKeyId: id,
      status,
      createDate: new Date(at.getTime() - 10 * DAY),
      lastUsed: { date: new Date(at.getTime() - DAY), serviceName: 's3', region: 'us-east-1' }
    })
    const account: FakeAccount = {
      accountId: '123456789012',
      users: [
        { userName: 'both-active', keys: [key('A1', 'Active'), key('A2', 'Active')] },
        { userName: 'one-active', keys: [key('B1', 'Active')] }
      ]
    }
    const selection = selectCandidates(reportUsers(credentialReportCsv(account)), at, t)
    expect(selection.candidates).toEqual([])
    expect(selection.unlistedOkAgeDays).toEqual([10, 10, 10])
  })

  it('misses only a key deactivated after the report: it counts as ok until the next report', () => {
    const at = new Date('2026-03-01T00:00:00Z')
    const t = { maxAgeDays: 90, warnDays: 14, unusedDays: 0 }
    const account: FakeAccount = {
      accountId: '123456789012',
      users: [
        {
          userName: 'a',
          keys: [
            { accessKeyId: 'A1', status: 'Active', createDate: new Date(at.getTime() - 5 * DAY) }
          ]
        }
      ]
    }
    const csv = credentialReportCsv(account)
    const key = account.users[0]?.keys[0]
    if (key) key.status = 'Inactive'
    expect(selectCandidates(reportUsers(csv), at, t).candidates).toEqual([])
    expect(flaggedUsers(account, at, t).get('a')).toEqual(['inactive'])
  })

  it('reads a user live when the report shows a slot it cannot date', () => {
    const user = {
      userName: 'odd',
      isRoot: false,
      keys: [],
      unclear: [{ slot: 1 as const, active: true, lastUse: { kind: 'never' as const } }]
    }
    expect(isCandidate(user, new Date(), { maxAgeDays: 90, warnDays: 14, unusedDays: 0 })).toBe(
      true
    )
  })
})

describe('reportSettlesUnused', () => {
  const at = new Date('2026-03-01T00:00:00Z')
  const slot = (idleDays: number | undefined, ageDays = 60): ReportKeySlot => ({
    slot: 1,
    active: true,
    createDate: new Date(at.getTime() - ageDays * DAY),
    lastUse:
      idleDays === undefined
        ? { kind: 'never' }
        : {
            kind: 'used',
            date: new Date(at.getTime() - idleDays * DAY),
            serviceName: 's3',
            region: 'x'
          }
  })
  const t = { maxAgeDays: 90, warnDays: 14, unusedDays: 30 }

  it('settles the class only when the key is idle for less than unused-days a margin ahead', () => {
    expect(reportSettlesUnused(slot(10), at, t)).toBe(true)
    expect(reportSettlesUnused(slot(28.5), at, t)).toBe(true)
    expect(reportSettlesUnused(slot(29.5), at, t)).toBe(false)
    expect(reportSettlesUnused(slot(40), at, t)).toBe(false)
    expect(reportSettlesUnused(slot(undefined, 60), at, t)).toBe(false)
    expect(reportSettlesUnused(slot(undefined, 20), at, t)).toBe(true)
    expect(reportSettlesUnused(slot(400), at, { ...t, unusedDays: 0 })).toBe(true)
    expect(reportSettlesUnused(slot(29.5), at, t, 0)).toBe(true)
    expect(STALENESS_MARGIN_MS).toBe(DAY)
  })
})

describe('matchSlots', () => {
  const slot = (n: 1 | 2, iso: string): ReportKeySlot => ({
    slot: n,
    active: true,
    createDate: new Date(iso),
    lastUse: { kind: 'never' }
  })

  it('pairs keys with slots by creation time, leaving newer keys unmatched', () => {
    const slots = [slot(1, '2025-01-01T00:00:00Z'), slot(2, '2025-06-01T00:00:00Z')]
    const keys = [
      { createDate: new Date('2025-06-01T00:00:00Z') },
      { createDate: new Date('2026-01-01T00:00:00Z') },
      { createDate: new Date('2025-01-01T00:00:00.900Z') }
    ]
    expect(matchSlots(keys, slots).map((s) => s?.slot)).toEqual([2, undefined, 1])
  })

  it('pairs keys one second apart with their own slots, whatever the listing order', () => {
    const slots = [slot(1, '2025-01-01T00:00:00Z'), slot(2, '2025-01-01T00:00:01Z')]
    const keys = [
      { createDate: new Date('2025-01-01T00:00:01Z') },
      { createDate: new Date('2025-01-01T00:00:00Z') }
    ]
    expect(matchSlots(keys, slots).map((s) => s?.slot)).toEqual([2, 1])
  })

  it('never guesses between two keys created in the same second', () => {
    const slots = [slot(1, '2025-01-01T00:00:00Z'), slot(2, '2025-01-01T00:00:00Z')]
    const keys = [
      { createDate: new Date('2025-01-01T00:00:00Z') },
      { createDate: new Date('2025-01-01T00:00:00Z') }
    ]
    expect(matchSlots(keys, slots)).toEqual([undefined, undefined])
    // One slot left in that second (the other key created after the report): still ambiguous.
    expect(matchSlots(keys, slots.slice(0, 1))).toEqual([undefined, undefined])
  })
})

describe('isCandidate: a due-soon slot and who needs its ID', () => {
  const at = new Date('2026-03-01T00:00:00Z')
  const t = { maxAgeDays: 90, warnDays: 14, unusedDays: 45 }
  const user = (...ages: number[]) => ({
    userName: 'bob',
    isRoot: false,
    keys: ages.map((age, i) => ({
      slot: (i + 1) as 1 | 2,
      active: true,
      createDate: new Date(at.getTime() - age * DAY),
      lastUse: {
        kind: 'used' as const,
        date: new Date(at.getTime() - DAY),
        serviceName: 's3',
        region: 'us-east-1'
      }
    })),
    unclear: []
  })

  it('a due-soon slot is read live only when its ID is needed', () => {
    expect(isCandidate(user(80), at, t, STALENESS_MARGIN_MS, false)).toBe(true)
    expect(isCandidate(user(80), at, t, STALENESS_MARGIN_MS, true)).toBe(false)
  })

  it('a slot overdue a margin ahead (90 days today) is read live, by slot or not', () => {
    expect(isCandidate(user(90), at, t, STALENESS_MARGIN_MS, true)).toBe(true)
  })

  it('a due-soon slot beside an overdue one: the user is read live anyway', () => {
    expect(isCandidate(user(80, 120), at, t, STALENESS_MARGIN_MS, true)).toBe(true)
  })
})
