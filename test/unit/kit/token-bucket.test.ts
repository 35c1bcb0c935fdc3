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
