// Client-side pacing: a token bucket whose waiters are served first come, first served, so no
// lookup starves while others page on. The clock and sleep are injectable for unit tests.
import { sleep as realSleep } from './retry.js'

export interface TokenBucketOptions {
  ratePerSecond: number
  /** Tokens that can build up while idle; 1 spaces requests evenly. Default 1. */
  burst?: number
  /** Milliseconds on a monotonic clock. */
  now?: () => number
  sleep?: (ms: number) => Promise<void>
}

export class TokenBucket {
  private readonly rate: number
  private readonly burst: number
  private readonly now: () => number
  private readonly sleep: (ms: number) => Promise<void>
  private tokens: number
  private updatedAt: number
  private queue: Promise<void> = Promise.resolve()

  constructor(options: TokenBucketOptions) {
    const burst = options.burst ?? 1
    if (!(options.ratePerSecond > 0)) throw new RangeError('ratePerSecond must be positive')
    if (!(burst >= 1)) throw new RangeError('burst must be at least 1')
    this.rate = options.ratePerSecond
    this.burst = burst
    this.now = options.now ?? (() => performance.now())
    this.sleep = options.sleep ?? realSleep
    this.tokens = burst
    this.updatedAt = this.now()
  }

  /** Resolves when the caller may send one request; callers are served in call order. */
  take(): Promise<void> {
    const turn = this.queue.then(() => this.waitForToken())
    this.queue = turn.catch(() => undefined)
    return turn
  }

  /**
   * Empties the bucket and hands out nothing for `ms` more, then refills at the usual rate: what
   * to do when the server says we are too fast (its clock and ours disagree, or someone else
   * shares the limit).
   */
  pause(ms: number): void {
    this.refill()
    this.tokens = Math.min(this.tokens, 0) - (ms / 1000) * this.rate
  }

  private async waitForToken(): Promise<void> {
    for (;;) {
      this.refill()
      if (this.tokens >= 1) {
        this.tokens -= 1
        return
      }
      await this.sleep(Math.ceil(((1 - this.tokens) / this.rate) * 1000))
    }
  }

  private refill(): void {
    const now = this.now()
    const earned = ((now - this.updatedAt) / 1000) * this.rate
    this.tokens = Math.min(this.burst, this.tokens + Math.max(0, earned))
    this.updatedAt = Math.max(this.updatedAt, now)
  }
}
