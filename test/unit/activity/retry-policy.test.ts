import { describe, expect, it } from '@jest/globals'
import { errorKind } from '../../../src/aws/errors.js'
import {
  backoffFor,
  DEFAULT_RETRY_POLICY,
  retryUnder,
  type RetryPolicy
} from '../../../src/activity/retry-policy.js'
import { delayAfter, withRetry } from '../../../src/kit/retry.js'

/** An error as the SDK throws it: a name and the HTTP status in $metadata. */
function awsError(name: string, httpStatusCode: number): Error {
  return Object.assign(new Error(name), { name, $metadata: { httpStatusCode } })
}

const SERVER = awsError('InternalFailure', 500)
const THROTTLED = awsError('ThrottlingException', 400)
const DENIED = awsError('AccessDeniedException', 400)
const NETWORK = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })

/** Runs the policy against a call that always fails with `error`; records attempts and waits. */
async function exhaust(error: unknown, policy: RetryPolicy = DEFAULT_RETRY_POLICY) {
  const waits: number[] = []
  let attempts = 0
  const outcome = await withRetry(
    async () => {
      attempts++
      throw error
    },
    retryUnder(policy, {
      what: 'LookupEvents',
      sleep: async (ms) => void waits.push(ms),
      random: () => 0.5
    })
  ).catch((e: unknown) => e)
  return { outcome, attempts, waits }
}

describe('CloudTrail retry policy', () => {
  it('classifies throttling, server and network errors, and everything else as final', () => {
    expect(errorKind(THROTTLED)).toBe('throttling')
    expect(errorKind(awsError('Anything', 429))).toBe('throttling')
    expect(errorKind(SERVER)).toBe('serverError')
    expect(errorKind(awsError('ServiceUnavailableException', 503))).toBe('serverError')
    expect(errorKind(NETWORK)).toBe('serverError')
    expect(errorKind(DENIED)).toBe('final')
    expect(errorKind(new Error('Could not load credentials from any providers'))).toBe('final')
  })

  it('gives a failing server a few quick attempts, well under a second of waiting', async () => {
    const { outcome, attempts, waits } = await exhaust(SERVER)
    expect(outcome).toBe(SERVER)
    expect(attempts).toBe(3)
    expect(waits).toHaveLength(2)
    expect(waits.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(300)
  })

  it('treats a network failure like a server error', async () => {
    const { attempts } = await exhaust(NETWORK)
    expect(attempts).toBe(DEFAULT_RETRY_POLICY.serverError.attempts)
  })

  it('keeps the long, doubling backoff for throttling', async () => {
    const { outcome, attempts, waits } = await exhaust(THROTTLED)
    expect(outcome).toBe(THROTTLED)
    expect(attempts).toBe(6)
    // random() = 0.5: three quarters of each delay, 500 ms doubling.
    expect(waits).toEqual([375, 750, 1500, 3000, 6000])
  })

  it('does not retry an error that cannot change', async () => {
    const { outcome, attempts, waits } = await exhaust(DENIED)
    expect(outcome).toBe(DENIED)
    expect(attempts).toBe(1)
    expect(waits).toEqual([])
  })

  it('returns the first success and stops waiting', async () => {
    const errors = [THROTTLED, SERVER]
    const waits: number[] = []
    const value = await withRetry(
      async () => {
        const next = errors.shift()
        if (next) throw next
        return 'page'
      },
      retryUnder(DEFAULT_RETRY_POLICY, {
        what: 'LookupEvents',
        sleep: async (ms) => void waits.push(ms),
        random: () => 0
      })
    )
    expect(value).toBe('page')
    // random() = 0 gives half of each delay: throttling's first (500 ms), then the server's second (200 ms).
    expect(waits).toEqual([250, 100])
  })

  it('jitters each wait between half and all of the doubled delay', () => {
    const policy: RetryPolicy = {
      throttling: { attempts: 4, baseDelayMs: 100 },
      serverError: { attempts: 2, baseDelayMs: 40 }
    }
    expect(delayAfter(backoffFor(policy, 'throttling'), 3, () => 0)).toBe(200)
    expect(delayAfter(backoffFor(policy, 'throttling'), 3, () => 0.5)).toBe(300)
    expect(delayAfter(backoffFor(policy, 'throttling'), 4, () => 0)).toBeUndefined()
    expect(delayAfter(backoffFor(policy, 'serverError'), 1, () => 0)).toBe(20)
    expect(delayAfter(backoffFor(policy, 'serverError'), 2, () => 0)).toBeUndefined()
    expect(delayAfter(backoffFor(policy, 'final'), 1, () => 0)).toBeUndefined()
  })
})
