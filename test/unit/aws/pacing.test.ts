import { describe, expect, it } from '@jest/globals'
import { AdaptivePacer, type PacerOptions } from '../../../src/aws/pacing.js'

/** A pacer on a fake clock: sleeping advances time. */
function fakeClockPacer(options: PacerOptions = {}) {
  let now = 1000
  const pacer = new AdaptivePacer({
    ...options,
    clock: () => now,
    sleep: async (ms) => {
      now += ms
    }
  })
  return {
    pacer,
    advance: (ms: number) => (now += ms),
    elapsed: () => now - 1000
  }
}

describe('AdaptivePacer', () => {
  it('spaces requests one interval apart at its current rate', async () => {
    const { pacer, elapsed } = fakeClockPacer({ start: 10 })
    const starts: number[] = []
    for (let i = 0; i < 4; i++) {
      await pacer.take()
      starts.push(elapsed())
    }
    expect(starts).toEqual([0, 100, 200, 300])
  })

  it('serves concurrent callers in call order, each one interval after the one before', async () => {
    const waits: number[] = []
    const pacer = new AdaptivePacer({
      start: 20,
      clock: () => 1000,
      sleep: async (ms) => {
        waits.push(ms)
      }
    })
    await Promise.all([0, 1, 2, 3].map(() => pacer.take()))
    expect(waits).toEqual([50, 100, 150])
  })

  it('doubles its rate per second of answers up to four times its start (slow start)', () => {
    const { pacer, advance } = fakeClockPacer({ start: 10, max: 1000, increasePerSecond: 2 })
    advance(1000)
    pacer.succeeded()
    expect(pacer.rate).toBeCloseTo(20)
    advance(500)
    pacer.succeeded()
    expect(pacer.rate).toBeCloseTo(20 * Math.SQRT2)
    // Doubling would reach 56.6; slow start ends at 40, and growth is additive from there.
    advance(1000)
    pacer.succeeded()
    expect(pacer.rate).toBeCloseTo(42)
    advance(1000)
    pacer.succeeded()
    expect(pacer.rate).toBeCloseTo(44)
  })

  it('backs off by backOff at Throttling, once per burst, then increases additively', () => {
    const { pacer, advance } = fakeClockPacer({
      start: 50,
      max: 1000,
      backOff: 0.8,
      increasePerSecond: 2
    })
    pacer.throttledAnswer()
    expect(pacer.rate).toBeCloseTo(40)
    // The other requests in flight come back throttled too: within four intervals (100 ms at
    // 40/s), one decrease covers them.
    advance(50)
    pacer.throttledAnswer()
    pacer.throttledAnswer()
    expect(pacer.rate).toBeCloseTo(40)
    expect(pacer.throttled).toBe(3)
    // Still throttled after that: back off again.
    advance(100)
    pacer.throttledAnswer()
    expect(pacer.rate).toBeCloseTo(32)
    // After a Throttling, growth is additive (no slow start again): +2/s per second.
    advance(1000)
    pacer.succeeded()
    expect(pacer.rate).toBeCloseTo(34)
    advance(2500)
    pacer.succeeded()
    expect(pacer.rate).toBeCloseTo(39)
    advance(1000)
    pacer.throttledAnswer()
    expect(pacer.rate).toBeCloseTo(39 * 0.8)
  })

  it('never exceeds its cap (iam-max-rps) nor falls below its floor', () => {
    const { pacer, advance } = fakeClockPacer({ start: 10, max: 15, min: 2 })
    advance(10_000)
    pacer.succeeded()
    expect(pacer.rate).toBe(15)
    for (let i = 0; i < 40; i++) {
      advance(1001)
      pacer.throttledAnswer()
    }
    expect(pacer.rate).toBe(2)
  })

  it('starts no higher than its cap', () => {
    expect(new AdaptivePacer({ max: 3 }).rate).toBe(3)
  })

  it('spreads out what was scheduled at the old rate after a back-off', async () => {
    const { pacer, elapsed } = fakeClockPacer({ start: 10 })
    await pacer.take()
    pacer.throttledAnswer()
    await pacer.take()
    // Next slot was 100 ms away at 10/s; after halving to 5/s it is one 200 ms interval later.
    expect(elapsed()).toBe(300)
  })

  it('refuses a cap that is not positive', () => {
    expect(() => new AdaptivePacer({ max: 0 })).toThrow('max must be positive')
  })
})

describe('AdaptivePacer, callers waiting through a back-off', () => {
  it('queue again at the new rate instead of going at their old slot', async () => {
    let now = 0
    const sleeps: { ms: number; wake: () => void }[] = []
    const pacer = new AdaptivePacer({
      start: 10,
      backOff: 0.5,
      clock: () => now,
      sleep: (ms) => new Promise<void>((wake) => sleeps.push({ ms, wake }))
    })
    await pacer.take() // at 0
    const waiting = pacer.take() // slot 100 at 10/s
    expect(sleeps.map((s) => s.ms)).toEqual([100])
    now = 50
    // 5/s: the next free slot (200, after the waiter's) is pushed one 200 ms interval on, to 400.
    pacer.throttledAnswer()
    now = 100
    sleeps[0]?.wake()
    await new Promise((resolve) => setImmediate(resolve))
    // Woken at its old slot after a back-off: it waits again, for a slot at the new rate.
    expect(sleeps.map((s) => s.ms)).toEqual([100, 300])
    sleeps[1]?.wake()
    await waiting
  })
})
