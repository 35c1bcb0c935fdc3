// The one token bucket: `rate` tokens a second, at most `burst` saved up while idle, one taken per
// request. It paces CloudTrail at its fixed rate per region (src/activity) and, under the AIMD of
// src/aws/pacing.ts, IAM at the rate found. Waiters are served first come, first served, so no
// caller starves while others page on. The SDK's own limiter (DefaultRateLimiter in @smithy/core)
// is the same kind of bucket; this one adds the FIFO queue and the pushes back a pacer needs. The
// clock and sleep are injectable for unit tests.
import { sleep as realSleep, type Sleep } from './sleep.js'

export interface TokenBucketOptions {
  ratePerSecond: number
  /** Tokens that can build up while idle; 1 spaces requests evenly. Default 1. */
  burst?: number
  /** Milliseconds on a monotonic clock. */
  now?: () => number
  sleep?: Sleep
}

function checkRate(ratePerSecond: number): number {
  if (!(ratePerSecond > 0)) throw new RangeError('ratePerSecond must be positive')
  return ratePerSecond
}

export class TokenBucket {
  private rateNow: number
  private readonly burst: number
  private readonly now: () => number
  private readonly sleep: Sleep
  /** Below zero: tokens already handed out that the refill has yet to earn. */
  private tokens: number
  private updatedAt: number
  /** Moves on when the schedule is pushed back, so a caller sleeping through that queues again. */
  private generation = 0
  private queue: Promise<void> = Promise.resolve()
  /** Callers that asked and have not been served yet. */
  private waiting = 0

  constructor(options: TokenBucketOptions) {
    const burst = options.burst ?? 1
    this.rateNow = checkRate(options.ratePerSecond)
    if (!(burst >= 1)) throw new RangeError('burst must be at least 1')
    this.burst = burst
    this.now = options.now ?? (() => performance.now())
    this.sleep = options.sleep ?? realSleep
    this.tokens = burst
    this.updatedAt = this.now()
  }

  get rate(): number {
    return this.rateNow
  }

  /**
   * Resolves when the caller may send one request; callers are served in call order. With no one
   * ahead, the caller's turn starts at once, so a wait begins in the same tick as the call.
   */
  take(): Promise<void> {
    const serve = async (): Promise<void> => {
      try {
        await this.waitForToken()
      } finally {
        this.waiting--
      }
    }
    const turn = this.waiting++ === 0 ? serve() : this.queue.then(serve)
    this.queue = turn.catch(() => undefined)
    return turn
  }

  /** A new rate. What is scheduled stays scheduled: the time until the next token is kept. */
  setRate(ratePerSecond: number): void {
    checkRate(ratePerSecond)
    this.refill()
    if (this.tokens < 1) this.tokens = 1 - ((1 - this.tokens) * ratePerSecond) / this.rateNow
    this.rateNow = ratePerSecond
  }

  /**
   * Pushes the schedule back one interval: the next token comes one interval (at the current
   * rate) later than it would have, nothing saved up beyond it is kept, and a caller already
   * waiting queues again rather than go at a time given before the push.
   */
  postpone(): void {
    this.refill()
    this.tokens = Math.min(this.tokens, 1) - 1
    this.generation++
  }

  /**
   * Empties the bucket and hands out nothing for `ms` more, then refills at the usual rate: what
   * to do when the server says we are too fast (its clock and ours disagree, or someone else
   * shares the limit).
   */
  pause(ms: number): void {
    this.refill()
    this.tokens = Math.min(this.tokens, 0) - (ms * this.rateNow) / 1000
    this.generation++
  }

  private async waitForToken(): Promise<void> {
    for (;;) {
      this.refill()
      this.tokens -= 1
      if (this.tokens >= 0) return
      const generation = this.generation
      // Multiplied before dividing, so whole-millisecond intervals come out whole.
      await this.sleep((-this.tokens * 1000) / this.rateNow)
      if (generation === this.generation) return
    }
  }

  private refill(): void {
    const now = this.now()
    const earned = ((now - this.updatedAt) * this.rateNow) / 1000
    this.tokens = Math.min(this.burst, this.tokens + Math.max(0, earned))
    this.updatedAt = Math.max(this.updatedAt, now)
  }
}
