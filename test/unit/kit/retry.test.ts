// The one retry helper (withRetry: backoff, jitter, a log line per failed attempt) and the
// verification wait (reads again with backoff until IAM shows the expected state, bounded).
import { describe, expect, it, jest } from '@jest/globals'
import type { Log } from '../../../src/kit/log.js'
import { delayAfter, readUntilSettled, VERIFY_SETTLE, withRetry } from '../../../src/kit/retry.js'

function fakeSleep() {
  const waits: number[] = []
  return { waits, sleep: async (ms: number) => void waits.push(ms) }
}

describe('readUntilSettled', () => {
  it('reads again with doubling waits until the state settles', async () => {
    const answers = ['Active', 'Active', 'Inactive', 'Inactive']
    let reads = 0
    const { waits, sleep } = fakeSleep()
    const result = await readUntilSettled(
      async () => answers[reads++] ?? 'Active',
      (s) => s === 'Inactive',
      { attempts: 5, baseDelayMs: 100, sleep }
    )
    expect(result).toEqual({ value: 'Inactive', reads: 3, settled: true })
    expect(reads).toBe(3)
    expect(waits).toEqual([100, 200])
  })

  it('gives up after the attempts with the last state read, waiting a bounded total', async () => {
    let reads = 0
    const { waits, sleep } = fakeSleep()
    const result = await readUntilSettled(
      async () => (reads++, 'Active'),
      (s) => s === 'Inactive',
      { ...VERIFY_SETTLE, sleep }
    )
    expect(result).toEqual({ value: 'Active', reads: 5, settled: false })
    expect(reads).toBe(5)
    expect(waits).toEqual([250, 500, 1000, 2000])
    expect(waits.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(4000)
  })

  it('does not wait when the first read already shows the state', async () => {
    const { waits, sleep } = fakeSleep()
    const result = await readUntilSettled(
      async () => 'Inactive',
      (s) => s === 'Inactive',
      { attempts: 5, baseDelayMs: 100, sleep }
    )
    expect(result.reads).toBe(1)
    expect(waits).toEqual([])
  })

  it('lets an error of the read through, without reading again', async () => {
    let reads = 0
    const { sleep } = fakeSleep()
    await expect(
      readUntilSettled(
        async () => {
          reads++
          throw new Error('AccessDenied')
        },
        () => true,
        { attempts: 5, baseDelayMs: 100, sleep }
      )
    ).rejects.toThrow('AccessDenied')
    expect(reads).toBe(1)
  })
})

function recordingLog() {
  return {
    debug: jest.fn<Log['debug']>(),
    info: jest.fn<Log['info']>(),
    warning: jest.fn<Log['warning']>(),
    error: jest.fn<Log['error']>()
  }
}

/** A call that fails with each of `errors` in turn, then answers 'done'. */
function failing(...errors: Error[]) {
  let calls = 0
  return {
    calls: () => calls,
    fn: async () => {
      const error = errors[calls++]
      if (error) throw error
      return 'done'
    }
  }
}

const transient = (what: string) =>
  Object.assign(new Error(`${what} failed`), { code: 'ECONNRESET' })
const retryable = (error: unknown) => (error as { code?: string }).code === 'ECONNRESET'

describe('withRetry', () => {
  it('logs one line per failed attempt when the call gets through on a retry', async () => {
    const log = recordingLog()
    const { fn, calls } = failing(transient('first'), transient('second'))
    const waits: number[] = []
    const value = await withRetry(fn, {
      what: 'sts:AssumeRole',
      backoff: (e) => (retryable(e) ? { attempts: 5, baseDelayMs: 1000 } : undefined),
      log,
      sleep: async (ms) => void waits.push(ms),
      random: () => 0.5
    })
    expect(value).toBe('done')
    expect(calls()).toBe(3)
    expect(waits).toEqual([750, 1500])
    expect(log.info.mock.calls.map((call) => call[0])).toEqual([
      'sts:AssumeRole: attempt 1 of 5 failed: first failed. Retrying in 0.8 s.',
      'sts:AssumeRole: attempt 2 of 5 failed: second failed. Retrying in 1.5 s.'
    ])
    expect(log.warning).not.toHaveBeenCalled()
    expect(log.error).not.toHaveBeenCalled()
  })

  it('logs the last failed attempt too, then lets its error through', async () => {
    const log = recordingLog()
    const last = transient('third')
    const { fn } = failing(transient('first'), transient('second'), last)
    const outcome = await withRetry(fn, {
      what: 'LookupEvents',
      backoff: () => ({ attempts: 3, baseDelayMs: 10 }),
      log,
      sleep: async () => undefined
    }).catch((e: unknown) => e)
    expect(outcome).toBe(last)
    expect(log.info).toHaveBeenCalledTimes(3)
    expect(log.info).toHaveBeenLastCalledWith(
      'LookupEvents: attempt 3 of 3 failed: third failed. Not retried.'
    )
  })

  it('keeps each attempt to one line, however many lines its error has', async () => {
    const log = recordingLog()
    const { fn } = failing(
      Object.assign(new Error('Failed.\n \n   Error Code : 500'), { code: 'ECONNRESET' })
    )
    await withRetry(fn, {
      what: 'token',
      backoff: () => ({ attempts: 2, baseDelayMs: 10 }),
      log,
      sleep: async () => undefined,
      random: () => 0
    })
    expect(log.info).toHaveBeenCalledWith(
      'token: attempt 1 of 2 failed: Failed. Error Code : 500. Retrying in 0.0 s.'
    )
  })

  it('says nothing of a call that fails at once with an error not worth retrying', async () => {
    const log = recordingLog()
    const denied = new Error('AccessDenied')
    const { fn, calls } = failing(denied)
    const outcome = await withRetry(fn, {
      what: 'sts:AssumeRole',
      backoff: (e) => (retryable(e) ? { attempts: 5, baseDelayMs: 10 } : undefined),
      log,
      sleep: async () => undefined
    }).catch((e: unknown) => e)
    expect(outcome).toBe(denied)
    expect(calls()).toBe(1)
    expect(log.info).not.toHaveBeenCalled()
  })

  it('logs a final error after retries without a count it does not have', async () => {
    const log = recordingLog()
    const { fn } = failing(transient('first'), new Error('AccessDenied'))
    await withRetry(fn, {
      what: 'x',
      backoff: (e) => (retryable(e) ? { attempts: 5, baseDelayMs: 10 } : undefined),
      log,
      sleep: async () => undefined
    }).catch(() => undefined)
    expect(log.info.mock.calls.map((call) => call[0])).toEqual([
      expect.stringMatching(/^x: attempt 1 of 5 failed: first failed\. Retrying in /),
      'x: attempt 2 failed: AccessDenied. Not retried.'
    ])
  })

  it('picks the backoff for each error afresh, counting attempts across them', async () => {
    const waits: number[] = []
    const slow = Object.assign(new Error('slow down'), { code: 'SLOW' })
    const { fn, calls } = failing(slow, transient('reset'), slow)
    await withRetry(fn, {
      what: 'x',
      backoff: (e) =>
        (e as { code?: string }).code === 'SLOW'
          ? { attempts: 4, baseDelayMs: 100 }
          : { attempts: 2, baseDelayMs: 1000 },
      sleep: async (ms) => void waits.push(ms),
      random: () => 0
    }).catch(() => undefined)
    // The reset on attempt 2 has its backoff's last attempt: no third try, whatever came before.
    expect(calls()).toBe(2)
    expect(waits).toEqual([50])
  })

  it('waits between half and all of a delay that doubles each attempt', () => {
    const backoff = { attempts: 4, baseDelayMs: 100 }
    expect(delayAfter(backoff, 1, () => 0)).toBe(50)
    expect(delayAfter(backoff, 3, () => 0.5)).toBe(300)
    expect(delayAfter(backoff, 4, () => 0)).toBeUndefined()
    expect(delayAfter(undefined, 1, () => 0)).toBeUndefined()
  })
})
