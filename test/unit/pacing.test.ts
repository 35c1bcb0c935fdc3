import { describe, expect, it } from '@jest/globals'
import { RequestPacer } from '../../src/pacing.js'

/** A pacer on a fake clock: sleeping advances time, and every start time is recorded. */
function pacedStarts(perSecond: number, burst: number, requests: number): Promise<number[]> {
  let now = 1000
  const pacer = new RequestPacer(
    perSecond,
    burst,
    () => now,
    async (ms) => {
      now += ms
    }
  )
  const starts: number[] = []
  return (async () => {
    for (let i = 0; i < requests; i++) {
      await pacer.take()
      starts.push(now - 1000)
    }
    return starts
  })()
}

describe('RequestPacer', () => {
  it('lets a burst through, then one request per interval', async () => {
    expect(await pacedStarts(10, 3, 6)).toEqual([0, 0, 0, 100, 200, 300])
  })

  it('serves concurrent callers in order, spaced by the interval', async () => {
    const pacer = new RequestPacer(50, 1)
    const started = performance.now()
    const times: number[] = []
    await Promise.all(
      Array.from({ length: 6 }, async () => {
        await pacer.take()
        times.push(performance.now() - started)
      })
    )
    expect(times[0]).toBeLessThan(15)
    expect(times[5]).toBeGreaterThanOrEqual(95)
    expect(times[5]).toBeLessThan(200)
  })

  it('refuses a rate that is not positive', () => {
    expect(() => new RequestPacer(0)).toThrow('perSecond must be positive')
  })
})
