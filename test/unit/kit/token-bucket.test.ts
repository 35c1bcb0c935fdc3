// The one token bucket (src/kit/token-bucket.ts): CloudTrail's fixed pace, and the rate changes
// the IAM pacer's AIMD makes on top of it (test/unit/pacing.test.ts).
import { describe, expect, it } from '@jest/globals'
import { TokenBucket } from '../../../src/kit/token-bucket.js'

/** A clock that only moves when someone sleeps, so every grant time is exact. */
function fakeClock() {
  const clock = {
    t: 0,
    sleeps: [] as number[],
    now: () => clock.t,
    sleep: async (ms: number) => {
      clock.sleeps.push(ms)
      clock.t += ms
    }
  }
  return clock
}

async function grantTimes(bucket: TokenBucket, clock: { t: number }, n: number): Promise<number[]> {
  const times: number[] = []
  await Promise.all(Array.from({ length: n }, () => bucket.take().then(() => times.push(clock.t))))
  return times
}

describe('TokenBucket', () => {
  it('spaces requests at the rate once the burst is spent', async () => {
    const clock = fakeClock()
    const bucket = new TokenBucket({ ratePerSecond: 2, burst: 2, ...clock })
    expect(await grantTimes(bucket, clock, 6)).toEqual([0, 0, 500, 1000, 1500, 2000])
  })

  it('with the default burst of 1, spaces every request evenly', async () => {
    const clock = fakeClock()
    const bucket = new TokenBucket({ ratePerSecond: 4, ...clock })
    expect(await grantTimes(bucket, clock, 4)).toEqual([0, 250, 500, 750])
  })

  it('serves waiters in the order they asked', async () => {
    const clock = fakeClock()
    const bucket = new TokenBucket({ ratePerSecond: 2, ...clock })
    const order: string[] = []
    await Promise.all(
      ['a', 'b', 'c', 'd'].map((name) => bucket.take().then(() => order.push(name)))
    )
    expect(order).toEqual(['a', 'b', 'c', 'd'])
  })

  it('builds up no more than the burst while idle', async () => {
    const clock = fakeClock()
    const bucket = new TokenBucket({ ratePerSecond: 2, burst: 2, ...clock })
    await grantTimes(bucket, clock, 2)
    clock.t += 60_000
    const start = clock.t
    const times = await grantTimes(bucket, clock, 3)
    expect(times.map((t) => t - start)).toEqual([0, 0, 500])
  })

  it('empties the bucket and hands out nothing while paused, then refills at the rate', async () => {
    const clock = fakeClock()
    const bucket = new TokenBucket({ ratePerSecond: 2, ...clock })
    await bucket.take()
    bucket.pause(1000)
    expect(await grantTimes(bucket, clock, 2)).toEqual([1500, 2000])
  })

  it('a pause after an idle spell also takes back the saved-up token', async () => {
    const clock = fakeClock()
    const bucket = new TokenBucket({ ratePerSecond: 2, ...clock })
    clock.t = 10_000
    bucket.pause(500)
    expect(await grantTimes(bucket, clock, 2)).toEqual([11_000, 11_500])
  })

  it('keeps serving after a sleep fails', async () => {
    const clock = fakeClock()
    let fail = true
    const bucket = new TokenBucket({
      ratePerSecond: 2,
      now: clock.now,
      sleep: async (ms) => {
        if (fail) {
          fail = false
          throw new Error('timer gone')
        }
        await clock.sleep(ms)
      }
    })
    await bucket.take()
    await expect(bucket.take()).rejects.toThrow('timer gone')
    await expect(bucket.take()).resolves.toBeUndefined()
  })

  it('works with the real clock', async () => {
    const bucket = new TokenBucket({ ratePerSecond: 20 })
    const started = performance.now()
    for (let i = 0; i < 4; i++) await bucket.take()
    expect(performance.now() - started).toBeGreaterThanOrEqual(140)
  })

  it.each([
    [{ ratePerSecond: 0 }, 'ratePerSecond'],
    [{ ratePerSecond: -1 }, 'ratePerSecond'],
    [{ ratePerSecond: Number.NaN }, 'ratePerSecond'],
    [{ ratePerSecond: 2, burst: 0.5 }, 'burst']
  ])('rejects %p', (options, what) => {
    expect(() => new TokenBucket(options)).toThrow(what)
  })
})

/** A clock that moves only when told, and sleeps that wake only when told. */
function heldClock() {
  const clock = {
    t: 0,
    sleeps: [] as { ms: number; wake: () => void }[],
    now: () => clock.t,
    sleep: (ms: number) => new Promise<void>((wake) => clock.sleeps.push({ ms, wake }))
  }
  return clock
}

const settle = () => new Promise((resolve) => setImmediate(resolve))

describe('TokenBucket, rate changes', () => {
  it('keeps the time until the next token when the rate changes', async () => {
    const clock = fakeClock()
    const bucket = new TokenBucket({ ratePerSecond: 10, ...clock })
    await bucket.take()
    clock.t = 50
    // Next token due at 100 at 10/s; at 5/s it is still due at 100, and the one after 200 later.
    bucket.setRate(5)
    expect(bucket.rate).toBe(5)
    expect(await grantTimes(bucket, clock, 2)).toEqual([100, 300])
  })

  it('keeps what was saved up when the rate changes while idle', async () => {
    const clock = fakeClock()
    const bucket = new TokenBucket({ ratePerSecond: 2, burst: 2, ...clock })
    clock.t = 10_000
    bucket.setRate(4)
    expect(await grantTimes(bucket, clock, 3)).toEqual([10_000, 10_000, 10_250])
  })

  it('postpone pushes the next token one interval back, at the current rate', async () => {
    const clock = fakeClock()
    const bucket = new TokenBucket({ ratePerSecond: 4, ...clock })
    await bucket.take()
    bucket.postpone()
    expect(await grantTimes(bucket, clock, 2)).toEqual([500, 750])
  })

  it('postpone drops what was saved up: even after idling, the next request waits', async () => {
    const clock = fakeClock()
    const bucket = new TokenBucket({ ratePerSecond: 2, burst: 3, ...clock })
    clock.t = 5000
    bucket.postpone()
    expect(await grantTimes(bucket, clock, 2)).toEqual([5500, 6000])
  })

  it('rejects a rate that is not positive', () => {
    const bucket = new TokenBucket({ ratePerSecond: 1 })
    expect(() => bucket.setRate(0)).toThrow('ratePerSecond')
    expect(bucket.rate).toBe(1)
  })
})

describe('TokenBucket, a caller waiting when the schedule is pushed back', () => {
  it('starts waiting in the same tick as its call when no one is ahead', async () => {
    const clock = heldClock()
    const bucket = new TokenBucket({ ratePerSecond: 10, ...clock })
    await bucket.take()
    void bucket.take()
    expect(clock.sleeps.map((s) => s.ms)).toEqual([100])
  })

  it('waits through a pause that began while it slept', async () => {
    const clock = heldClock()
    const bucket = new TokenBucket({ ratePerSecond: 2, ...clock })
    await bucket.take()
    let served = false
    const waiting = bucket.take().then(() => void (served = true))
    expect(clock.sleeps.map((s) => s.ms)).toEqual([500])
    bucket.pause(1000)
    clock.t = 500
    clock.sleeps[0]?.wake()
    await settle()
    // Its slot came before the pause: it queues again, behind the paused second.
    expect(served).toBe(false)
    expect(clock.sleeps.map((s) => s.ms)).toEqual([500, 1500])
    clock.t = 2000
    clock.sleeps[1]?.wake()
    await waiting
    expect(served).toBe(true)
  })

  it('goes at its time when nothing pushed the schedule back meanwhile', async () => {
    const clock = heldClock()
    const bucket = new TokenBucket({ ratePerSecond: 2, ...clock })
    await bucket.take()
    const waiting = bucket.take()
    bucket.setRate(4)
    clock.t = 500
    clock.sleeps[0]?.wake()
    await waiting
    expect(clock.sleeps).toHaveLength(1)
  })

  it('serves the callers behind it in order, each after the one before', async () => {
    const clock = heldClock()
    const bucket = new TokenBucket({ ratePerSecond: 4, ...clock })
    const order: string[] = []
    const all = ['a', 'b', 'c'].map((name) => bucket.take().then(() => order.push(name)))
    await settle()
    expect(order).toEqual(['a'])
    expect(clock.sleeps.map((s) => s.ms)).toEqual([250])
    clock.t = 250
    clock.sleeps[0]?.wake()
    await settle()
    expect(order).toEqual(['a', 'b'])
    expect(clock.sleeps.map((s) => s.ms)).toEqual([250, 250])
    clock.t = 500
    clock.sleeps[1]?.wake()
    await Promise.all(all)
    expect(order).toEqual(['a', 'b', 'c'])
  })
})
