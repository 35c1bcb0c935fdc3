// The bench's arithmetic and checks (scripts/bench/table.ts): the limit, and each target passing
// and failing at its boundary, so a full run on an idle machine judges by the numbers.
import { describe, expect, it } from '@jest/globals'
import { checkTargets, limitMs, type BenchRun } from '../../../scripts/bench/table.js'

const run = (over: Partial<BenchRun> & Pick<BenchRun, 'method' | 'users'>): BenchRun => ({
  calls: 100,
  throttled: 0,
  wallMs: 10_000,
  floorMs: 10_000,
  peakRssMb: 100,
  ...over
})

describe('limitMs', () => {
  it('adds start-up, the generation and the must-follow calls (+ the account summary) at the rate', () => {
    // 257 users + 5 pages + 1 summary = 263 calls at 50/s = 5,260 ms.
    const parts = { startupMs: 1_000, reportGenerationMs: 10_000, idUsers: 257, detailPages: 5 }
    expect(limitMs(parts, 50)).toBe(16_260)
    expect(limitMs({ ...parts, idUsers: 0, detailPages: 0 }, 50)).toBe(11_020)
  })
})

describe('checkTargets', () => {
  const at5000 = (action: Partial<BenchRun>, api: Partial<BenchRun> = {}): BenchRun[] => [
    run({ method: 'baseline', users: 5000, calls: 5050, wallMs: 101_000 }),
    run({ method: 'action', users: 5000, calls: 300, limitMs: 16_000, wallMs: 19_200, ...action }),
    run({ method: 'api', users: 5000, calls: 8246, floorMs: 163_920, wallMs: 177_000, ...api })
  ]
  const verdict = (runs: BenchRun[], word: string) =>
    checkTargets(runs).find((c) => c.label.includes(word))?.ok

  it('wall at most 1.2× the limit', () => {
    expect(verdict(at5000({}), '/ limit')).toBe(true)
    expect(verdict(at5000({ wallMs: 19_300 }), '/ limit')).toBe(false)
  })

  it("calls at most 12% of the seed loop's: 606 of 5,050", () => {
    expect(verdict(at5000({ calls: 606 }), 'IAM calls ≤')).toBe(true)
    expect(verdict(at5000({ calls: 607 }), 'IAM calls ≤')).toBe(false)
  })

  it('under 1% throttled, and the api walk within 1.3× its floor', () => {
    expect(verdict(at5000({ calls: 495, throttled: 5 }), 'action: 1.00%')).toBe(false)
    expect(verdict(at5000({ calls: 496, throttled: 4 }), 'action: 0.80%')).toBe(true)
    expect(verdict(at5000({}, { wallMs: 213_096 }), 'wall/floor')).toBe(true)
    expect(verdict(at5000({}, { wallMs: 213_200 }), 'wall/floor')).toBe(false)
  })

  it('a smaller account: the action no slower than the seed loop, with why when it is', () => {
    const small = (wallMs: number) => [
      ...at5000({}),
      run({ method: 'baseline', users: 500, calls: 505, floorMs: 9_100, wallMs: 9_700 }),
      run({ method: 'action', users: 500, wallMs, limitMs: 11_500 }),
      run({ method: 'api', users: 500, calls: 854, floorMs: 16_080, wallMs: 20_600 })
    ]
    expect(verdict(small(9_700), '500 users')).toBe(true)
    const slower = checkTargets(small(12_000)).find((c) => c.label.includes('500 users'))
    expect(slower).toMatchObject({ ok: false })
    expect(slower?.label).toContain("the api walk's floor is 16.1 s")
  })

  it('peak RSS under 300 MB; checks whose runs are missing are left out', () => {
    expect(verdict(at5000({ peakRssMb: 299 }), 'peak RSS')).toBe(true)
    expect(verdict(at5000({ peakRssMb: 300 }), 'peak RSS')).toBe(false)
    const actionOnly = [run({ method: 'action', users: 5000, limitMs: 16_000, wallMs: 17_000 })]
    expect(checkTargets(actionOnly).map((c) => c.label)).toEqual([
      '5,000 users, action: wall 17.0 s / limit 16.0 s = 1.06 ≤ 1.2',
      '5,000 users, action: 0.00% of IAM answers throttled < 1%',
      'peak RSS of the action 100 MB < 300 MB'
    ])
  })
})
