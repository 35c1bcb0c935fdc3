// Client-side pacing of IAM requests. IAM's rate limit is per account, unpublished and shared
// with every other caller, so the pace is found rather than guessed: start moderately, raise the
// rate while IAM answers, back off at the first Throttling (additive increase, multiplicative
// decrease, as TCP does). One pacer serves every IAM call of a run, retries included, so what it
// learns from one call paces all the others. `iam-max-rps` caps it for shared accounts.
import type { IAMClient } from '@aws-sdk/client-iam'
import { hasAwsCode } from '../kit/errors.js'

/** Where the pace starts: the low end of what IAM is reported to allow for reads. */
export const START_IAM_REQUESTS_PER_SECOND = 10
/** Default cap (`iam-max-rps`): above any read rate IAM is known to allow one account. */
export const DEFAULT_IAM_MAX_RPS = 100
/** Never slower than this, however often IAM throttles. */
export const MIN_IAM_REQUESTS_PER_SECOND = 1

export type Sleep = (ms: number) => Promise<void>
const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

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
 * rate IAM last throttled at); at a Throttling answer it multiplies the rate by `backOff`. The requests in flight when IAM starts throttling all come
 * back throttled, so one decrease covers the answers of the next few intervals.
 */
export class AdaptivePacer {
  private rateNow: number
  private readonly max: number
  private readonly min: number
  private readonly increase: number
  private readonly backOff: number
  private readonly clock: () => number
  private readonly sleep: Sleep
  private nextAt = -Infinity
  private slowStart = true
  private readonly slowStartEnd: number
  private lastRaise: number
  private lastDecrease = -Infinity
  private decreases = 0
  /** The rate at the last Throttling answer: IAM's limit is near it. */
  private throttledAtRate = Infinity
  /** Throttling answers seen (for the log). */
  throttled = 0

  constructor(options: PacerOptions = {}) {
    this.max = options.max ?? DEFAULT_IAM_MAX_RPS
    if (!(this.max > 0)) throw new Error(`max must be positive; got ${this.max}`)
    this.min = Math.min(options.min ?? MIN_IAM_REQUESTS_PER_SECOND, this.max)
    this.rateNow = Math.min(options.start ?? START_IAM_REQUESTS_PER_SECOND, this.max)
    this.slowStartEnd = 4 * this.rateNow
    this.increase = options.increasePerSecond ?? 2
    this.backOff = options.backOff ?? 0.5
    this.clock = options.clock ?? (() => performance.now())
    this.sleep = options.sleep ?? realSleep
    this.lastRaise = this.clock()
  }

  get rate(): number {
    return this.rateNow
  }

  /** Throttles of requests sent before the last decrease come back within a few intervals. */
  private get quietMs(): number {
    return 4 * (1000 / this.rateNow)
  }

  /** Resolves when the caller may send; callers are served in call order, one interval apart. */
  async take(): Promise<void> {
    for (;;) {
      const now = this.clock()
      const slot = Math.max(this.nextAt, now)
      this.nextAt = slot + 1000 / this.rateNow
      if (slot <= now) return
      const epoch = this.decreases
      await this.sleep(slot - now)
      // A back-off while this caller waited: its slot was given at the old rate, so it queues
      // again at the new one rather than send into a bucket IAM just said is empty.
      if (epoch === this.decreases) return
    }
  }

  /** An answer that was not Throttling: raise the rate for the time that passed since the last. */
  succeeded(): void {
    const now = this.clock()
    const seconds = Math.max(0, now - this.lastRaise) / 1000
    this.lastRaise = now
    // Slow start ends at four times the starting rate, where IAM's burst allowance (which hides
    // its rate until it is spent) would otherwise let the rate overshoot far before a Throttling.
    const doubled = this.rateNow * 2 ** seconds
    // Below 90% of the rate IAM last throttled at, climb at full speed; above it, probe at a
    // tenth of that: scheduling jitter at the very limit costs Throttling answers.
    const near = this.rateNow >= 0.9 * this.throttledAtRate
    const additive = this.increase * seconds * (near ? 0.1 : 1)
    const raised = !this.slowStart
      ? this.rateNow + additive
      : doubled < this.slowStartEnd
        ? doubled
        : Math.max(this.rateNow, this.slowStartEnd) + additive
    if (raised >= this.slowStartEnd) this.slowStart = false
    this.rateNow = Math.min(this.max, raised)
  }

  /** A Throttling answer: back off, once per burst of throttled answers. */
  throttledAnswer(): void {
    this.throttled++
    const now = this.clock()
    this.lastRaise = now
    if (now - this.lastDecrease < this.quietMs) return
    this.lastDecrease = now
    this.decreases++
    this.slowStart = false
    this.throttledAtRate = this.rateNow
    this.rateNow = Math.max(this.min, this.rateNow * this.backOff)
    // Requests already scheduled at the old rate are spread out at the new one.
    this.nextAt = Math.max(this.nextAt, now) + 1000 / this.rateNow
  }
}

const THROTTLING = [
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'RequestLimitExceeded'
]

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
        if (hasAwsCode(error, ...THROTTLING)) pacer.throttledAnswer()
        else pacer.succeeded()
        throw error
      }
    },
    // High priority: outside the SDK's deserializer in the same step, so a Throttling answer
    // reaches the pacer as the error it is parsed into (inside, it is a plain HTTP 400).
    { step: 'deserialize', priority: 'high', name: 'iamKeySentinelPacing', override: true }
  )
}
