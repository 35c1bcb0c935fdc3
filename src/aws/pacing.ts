// Client-side pacing of IAM requests. IAM's rate limit is per account, unpublished and shared
// with every other caller, so the pace is found rather than guessed: start moderately, raise the
// rate while IAM answers, back off at the first Throttling (additive increase, multiplicative
// decrease, as TCP does). One pacer serves every IAM call of a run, retries included, so what it
// learns from one call paces all the others. `iam-max-rps` caps it for shared accounts. The
// requests themselves are spaced by the one token bucket (src/kit/token-bucket.ts).
import type { IAMClient } from '@aws-sdk/client-iam'
import type { Sleep } from '../kit/sleep.js'
import { TokenBucket } from '../kit/token-bucket.js'
import { isThrottling } from './errors.js'

/** Where the pace starts: the low end of what IAM is reported to allow for reads. */
const START_IAM_REQUESTS_PER_SECOND = 10
/** Default cap (`iam-max-rps`): above any read rate IAM is known to allow one account. */
export const DEFAULT_IAM_MAX_RPS = 100
/** Never slower than this, however often IAM throttles. */
const MIN_IAM_REQUESTS_PER_SECOND = 1

export interface PacerOptions {
  /** Rate at the start, requests per second. */
  start?: number
  /** Cap, requests per second. */
  max?: number
  min?: number
  /** Additive increase once IAM has throttled: requests per second gained per second. */
  increasePerSecond?: number
  /** Multiplicative decrease at a Throttling answer. */
  backOff?: number
  clock?: () => number
  sleep?: Sleep
}

/**
 * An AIMD pacer. It doubles its rate every second of successful answers up to four times its
 * start (slow start), then adds `increasePerSecond` per second (a tenth of that above 90% of the
 * rate IAM last throttled at); at a Throttling answer it multiplies the rate by `backOff`. The
 * requests in flight when IAM starts throttling all come back throttled, so one decrease covers
 * the answers of the next few intervals.
 */
export class AdaptivePacer {
  private readonly bucket: TokenBucket
  private readonly max: number
  private readonly min: number
  private readonly increase: number
  private readonly backOff: number
  private readonly clock: () => number
  private slowStart = true
  private readonly slowStartEnd: number
  private lastRaise: number
  private lastDecrease = -Infinity
  /** The rate at the last Throttling answer: IAM's limit is near it. */
  private throttledAtRate = Infinity
  /** Throttling answers seen (for the log). */
  throttled = 0

  constructor(options: PacerOptions = {}) {
    this.max = options.max ?? DEFAULT_IAM_MAX_RPS
    if (!(this.max > 0)) throw new Error(`max must be positive; got ${this.max}`)
    this.min = Math.min(options.min ?? MIN_IAM_REQUESTS_PER_SECOND, this.max)
    const start = Math.min(options.start ?? START_IAM_REQUESTS_PER_SECOND, this.max)
    this.slowStartEnd = 4 * start
    this.increase = options.increasePerSecond ?? 2
    this.backOff = options.backOff ?? 0.5
    this.clock = options.clock ?? (() => performance.now())
    this.bucket = new TokenBucket({ ratePerSecond: start, now: this.clock, sleep: options.sleep })
    this.lastRaise = this.clock()
  }

  get rate(): number {
    return this.bucket.rate
  }

  /** Throttles of requests sent before the last decrease come back within a few intervals. */
  private get quietMs(): number {
    return 4 * (1000 / this.rate)
  }

  /**
   * Resolves when the caller may send; callers are served in call order, one interval apart. A
   * caller that waited through a back-off queues again at the new rate rather than send into a
   * bucket IAM just said is empty.
   */
  take(): Promise<void> {
    return this.bucket.take()
  }

  /** An answer that was not Throttling: raise the rate for the time that passed since the last. */
  succeeded(): void {
    const now = this.clock()
    const seconds = Math.max(0, now - this.lastRaise) / 1000
    this.lastRaise = now
    const rate = this.rate
    // Slow start ends at four times the starting rate, where IAM's burst allowance (which hides
    // its rate until it is spent) would otherwise let the rate overshoot far before a Throttling.
    const doubled = rate * 2 ** seconds
    // Below 90% of the rate IAM last throttled at, climb at full speed; above it, probe at a
    // tenth of that: scheduling jitter at the very limit costs Throttling answers.
    const near = rate >= 0.9 * this.throttledAtRate
    const additive = this.increase * seconds * (near ? 0.1 : 1)
    const raised = !this.slowStart
      ? rate + additive
      : doubled < this.slowStartEnd
        ? doubled
        : Math.max(rate, this.slowStartEnd) + additive
    if (raised >= this.slowStartEnd) this.slowStart = false
    this.bucket.setRate(Math.min(this.max, raised))
  }

  /** A Throttling answer: back off, once per burst of throttled answers. */
  throttledAnswer(): void {
    this.throttled++
    const now = this.clock()
    this.lastRaise = now
    if (now - this.lastDecrease < this.quietMs) return
    this.lastDecrease = now
    this.slowStart = false
    this.throttledAtRate = this.rate
    this.bucket.setRate(Math.max(this.min, this.rate * this.backOff))
    // Requests already scheduled at the old rate are spread out at the new one.
    this.bucket.postpone()
  }
}

/**
 * Makes every attempt of `client` wait for the pacer and report back, retries included: the
 * middleware sits in the deserialize step, which the retry middleware (finalizeRequest) runs once
 * per attempt, and sees the attempt's error before any retry.
 */
export function paceClient(client: IAMClient, pacer: AdaptivePacer): void {
  client.middlewareStack.add(
    (next) => async (args) => {
      await pacer.take()
      try {
        const result = await next(args)
        pacer.succeeded()
        return result
      } catch (error) {
        if (isThrottling(error)) pacer.throttledAnswer()
        else pacer.succeeded()
        throw error
      }
    },
    // High priority: outside the SDK's deserializer in the same step, so a Throttling answer
    // reaches the pacer as the error it is parsed into (inside, it is a plain HTTP 400).
    { step: 'deserialize', priority: 'high', name: 'iamKeySentinelPacing', override: true }
  )
}
