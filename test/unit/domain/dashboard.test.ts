// The dashboard's history and arithmetic: what changed since the last run, the state now, the
// trend kept to 30 runs, and a damaged or hand-edited history block read as such, never thrown.
import { describe, expect, it } from '@jest/globals'
import { classify, countClasses } from '../../../src/domain/classify.js'
import { DAY_MS } from '../../../src/domain/dates.js'
import {
  computeDelta,
  dashboardState,
  HISTORY_MAX_CHARS,
  nextHistory,
  parseHistory,
  rememberKeys,
  serializeHistory,
  trendPoint,
  type DashboardHistory,
  type ScopedFinding
} from '../../../src/domain/dashboard.js'
import type { Exemption, Thresholds } from '../../../src/domain/types.js'

const NOW = new Date('2026-12-07T06:00:00Z')
const T: Thresholds = { maxAgeDays: 90, warnDays: 14, unusedDays: 30 }
const ACCOUNT = '123456789012'

function key(
  id: string,
  userName: string,
  ageDays: number,
  options: { exemption?: Exemption; idleDays?: number; now?: Date } = {}
): ScopedFinding {
  const now = options.now ?? NOW
  const finding = classify(
    {
      userName,
      accessKeyId: id,
      status: 'Active',
      createDate: new Date(now.getTime() - ageDays * DAY_MS),
      lastUse: {
        kind: 'used',
        date: new Date(now.getTime() - (options.idleDays ?? 0) * DAY_MS),
        serviceName: 's3',
        region: 'us-east-1'
      }
    },
    now,
    T,
    options.exemption ? [options.exemption] : []
  )
  return { accountId: ACCOUNT, finding }
}

const tagUntil = (until: string): Exemption => ({
  kind: 'tag',
  tag: 'exempt',
  value: `until=${until}`,
  until
})

/** The history a run at `at` leaves after seeing `keys`. */
function historyAfter(
  keys: ScopedFinding[],
  at: Date,
  previous?: DashboardHistory
): DashboardHistory {
  const counts = countClasses(keys.map((k) => k.finding))
  return nextHistory(previous, trendPoint(at, String(at.getTime()), counts), rememberKeys(keys))
}

const ids = (refs: readonly { accessKeyId: string }[]) => refs.map((r) => r.accessKeyId)
const complete = new Set([ACCOUNT])

describe('computeDelta', () => {
  const yesterday = new Date(NOW.getTime() - DAY_MS)

  it('says nothing on the first run: there is nothing to compare', () => {
    const delta = computeDelta({
      previous: undefined,
      keys: [key('AKIAOVERDUE000000001', 'a', 120)],
      completeAccounts: complete
    })
    expect(delta.since).toBeUndefined()
    expect(delta.newOverdue).toEqual([])
  })

  it('finds the newly overdue, the rotated, the deleted, the newly exempt and the expired', () => {
    const before = historyAfter(
      [
        key('AKIAWASDUESOON000001', 'dana', 85, { now: yesterday }),
        key('AKIASTILLOVERDUE0001', 'erin', 120, { now: yesterday }),
        key('AKIAROTATEDAWAY00001', 'carol', 100, { now: yesterday }),
        key('AKIADELETEDKEY000001', 'bob', 95, { now: yesterday }),
        key('AKIAEXEMPTENDS000001', 'frank', 100, {
          now: yesterday,
          exemption: tagUntil('2026-12-06')
        })
      ],
      yesterday
    )
    const now = [
      key('AKIAWASDUESOON000001', 'dana', 91),
      key('AKIASTILLOVERDUE0001', 'erin', 121),
      // carol's new key, created since yesterday's run: the old one was rotated.
      key('AKIACAROLNEWKEY00001', 'carol', 0),
      key('AKIANEWLYEXEMPT00001', 'gina', 100, { exemption: tagUntil('2026-12-20') }),
      // frank's exemption ended yesterday (inclusive): his key is checked again.
      key('AKIAEXEMPTENDS000001', 'frank', 101, { exemption: tagUntil('2026-12-06') })
    ]
    const delta = computeDelta({ previous: before, keys: now, completeAccounts: complete })
    expect(delta.since).toBe(yesterday.toISOString())
    expect(ids(delta.newOverdue)).toEqual(['AKIAWASDUESOON000001', 'AKIAEXEMPTENDS000001'])
    expect(ids(delta.rotated)).toEqual(['AKIAROTATEDAWAY00001'])
    expect(ids(delta.deleted)).toEqual(['AKIADELETEDKEY000001'])
    expect(delta.newlyExempt).toEqual([
      {
        accountId: ACCOUNT,
        userName: 'gina',
        accessKeyId: 'AKIANEWLYEXEMPT00001',
        until: '2026-12-20'
      }
    ])
    expect(delta.exemptionsExpired).toEqual([
      {
        accountId: ACCOUNT,
        userName: 'frank',
        accessKeyId: 'AKIAEXEMPTENDS000001',
        until: '2026-12-06'
      }
    ])
    expect(delta.partial).toBe(false)
  })

  it('calls no key gone in an account whose keys were not all read', () => {
    const before = historyAfter(
      [key('AKIADELETEDKEY000001', 'bob', 95, { now: yesterday })],
      yesterday
    )
    const delta = computeDelta({ previous: before, keys: [], completeAccounts: new Set() })
    expect(delta.deleted).toEqual([])
    expect(delta.rotated).toEqual([])
  })
})

describe('dashboardState', () => {
  it('lists the oldest active keys, exemptions ending within 30 days, and owners without an answer', () => {
    const keys = [
      key('AKIAOLDEST0000000001', 'erin', 200),
      key('AKIAYOUNG0000000001A', 'ok-user', 10),
      key('AKIASOON00000000001A', 'gina', 100, { exemption: tagUntil('2026-12-20') }),
      key('AKIALATER0000000001A', 'hank', 100, { exemption: tagUntil('2027-03-01') }),
      key('AKIADUESOON00000001A', 'dana', 80)
    ]
    const state = dashboardState({
      keys,
      counts: countClasses(keys.map((k) => k.finding)),
      now: NOW,
      oldestLimit: 2,
      unusedDays: 30,
      owners: {
        reminders: { daysBefore: [14, 7, 1], everyDays: 7, escalateAfterDays: 14 },
        of: (_a, user) => (user === 'erin' || user === 'dana' ? ['alice-gh'] : [])
      }
    })
    expect(state.oldest.map((k) => [k.accessKeyId, k.ageDays])).toEqual([
      ['AKIAOLDEST0000000001', 200],
      // Equal ages: by key ID.
      ['AKIALATER0000000001A', 100]
    ])
    expect(state.endingSoon.map((k) => [k.accessKeyId, k.until, k.daysLeft])).toEqual([
      ['AKIASOON00000000001A', '2026-12-20', 13]
    ])
    // dana's key is due soon, reminded but not past its deadline: only erin's key waits.
    expect(state.unanswered).toEqual([
      {
        owner: 'alice-gh',
        keys: [{ accountId: ACCOUNT, userName: 'erin', accessKeyId: 'AKIAOLDEST0000000001' }],
        daysWaiting: 110
      }
    ])
  })

  it('has no owners section without the owners file', () => {
    const state = dashboardState({
      keys: [],
      counts: countClasses([]),
      now: NOW,
      oldestLimit: 5,
      unusedDays: 0
    })
    expect(state.unanswered).toBeUndefined()
  })
})

describe('the history block', () => {
  it('round-trips through the body and keeps the last 30 runs, a re-run replacing its point', () => {
    let history: DashboardHistory | undefined
    for (let day = 0; day < 35; day++) {
      const at = new Date(NOW.getTime() + day * DAY_MS)
      history = historyAfter(
        [key('AKIAOVERDUE000000001', 'a', 100 + day, { now: at })],
        at,
        history
      )
    }
    const body = `# Dashboard\n\ntext\n\n${serializeHistory(history as DashboardHistory)}\n`
    const parsed = parseHistory(body)
    expect(parsed.kind).toBe('found')
    if (parsed.kind !== 'found') return
    expect(parsed.history.runs).toHaveLength(30)
    expect(parsed.history.runs[0]?.at).toBe(new Date(NOW.getTime() + 5 * DAY_MS).toISOString())
    const rerun = nextHistory(parsed.history, { ...parsed.history.runs[29]!, overdue: 7 }, [])
    expect(rerun.runs).toHaveLength(30)
    expect(rerun.runs.at(-1)?.overdue).toBe(7)
  })

  it('cannot be closed early by a value, and stays within its size bound', () => {
    const many = Array.from({ length: 2000 }, (_, i) =>
      key(`AKIA${String(i).padStart(16, '0')}`, `user-->${i}<!--`, 120)
    )
    const block = serializeHistory(historyAfter(many, NOW))
    expect(block.indexOf('-->')).toBe(block.length - 3)
    expect(block.length).toBeLessThan(HISTORY_MAX_CHARS + 100)
    const parsed = parseHistory(block)
    if (parsed.kind !== 'found') throw new Error(`not found: ${JSON.stringify(parsed)}`)
    expect(parsed.history.keysComplete).toBe(false)
    expect(parsed.history.keys.length).toBeGreaterThan(100)
    expect(parsed.history.keys[0]?.user).toBe('user-->0<!--')
    expect(
      computeDelta({ previous: parsed.history, keys: many, completeAccounts: complete }).partial
    ).toBe(true)
  })

  it.each([
    [
      'not JSON',
      '<!-- iam-key-sentinel dashboard-history\n{"version": 1, runs: [}\n-->',
      /not valid JSON/
    ],
    [
      'another version',
      '<!-- iam-key-sentinel dashboard-history\n{"version":2,"runs":[],"keys":[],"keysComplete":true}\n-->',
      /version is 2/
    ],
    [
      'a hand-edited count',
      '<!-- iam-key-sentinel dashboard-history\n{"version":1,"runs":[{"at":"2026-12-01T00:00:00Z","runId":"1","overdue":"lots","dueSoon":0,"unused":0}],"keys":[],"keysComplete":true}\n-->',
      /runs are not a list of points/
    ],
    [
      'a forged key ID',
      '<!-- iam-key-sentinel dashboard-history\n{"version":1,"runs":[],"keys":[{"id":"<img>","user":"a","account":"123456789012","class":"overdue"}],"keysComplete":true}\n-->',
      /keys are not a key list/
    ],
    ['an unclosed block', '<!-- iam-key-sentinel dashboard-history\n{"version":1', /not closed/]
  ])('reads %s as unreadable, with why', (_, body, problem) => {
    const parsed = parseHistory(body)
    expect(parsed.kind).toBe('unreadable')
    expect(parsed.kind === 'unreadable' && parsed.problem).toMatch(problem)
  })

  it('finds no block in a body without one', () => {
    expect(parseHistory('just text')).toEqual({ kind: 'none' })
    expect(parseHistory(null)).toEqual({ kind: 'none' })
  })
})
