// Client-side pacing of IAM requests. IAM's rate limit is per account, unpublished and shared
// with every other caller; exceeding it costs a Throttling answer and a back-off, so sending at
// a steady rate is both faster and kinder than bursting and retrying (measured in README,
// "Performance"). The SDK's adaptive retry stays in place for when the real limit is lower.
import type { IAMClient } from '@aws-sdk/client-iam'

/**
 * Default pace of IAM requests: 10 per second, bursts of 10. Community reports see IAM throttle
 * read calls from roughly 10 to 20 requests per second; the limit is shared with Terraform,
 * consoles and other tools in the account, so the action takes the low end and leaves the rest.
 * A 10,000-user account read through the credential report with 5% of its users flagged needs
 * about 500 calls, under a minute at this pace.
 */
export const DEFAULT_IAM_REQUESTS_PER_SECOND = 10
export const DEFAULT_IAM_BURST = 10

export type Sleep = (ms: number) => Promise<void>
const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

/** A token bucket kept as the earliest time the next request may go ("virtual scheduling"). */
export class RequestPacer {
  private readonly intervalMs: number
  private readonly burstMs: number
  private nextAt = -Infinity

  constructor(
    readonly perSecond: number,
    burst = 1,
    private readonly clock: () => number = () => performance.now(),
    private readonly sleep: Sleep = realSleep
  ) {
    if (!(perSecond > 0)) throw new Error(`perSecond must be positive; got ${perSecond}`)
    this.intervalMs = 1000 / perSecond
    this.burstMs = Math.max(0, Math.floor(burst) - 1) * this.intervalMs
  }

  /** Resolves when the caller may send; callers are served in call order. */
  async take(): Promise<void> {
    const now = this.clock()
    const slot = Math.max(this.nextAt, now - this.burstMs)
    this.nextAt = slot + this.intervalMs
    if (slot > now) await this.sleep(slot - now)
  }
}

/**
 * Makes every attempt of `client` wait for the pacer, retries included: the middleware sits in
 * the deserialize step, which the retry middleware (finalizeRequest) runs once per attempt.
 */
export function paceClient(client: IAMClient, pacer: RequestPacer): void {
  client.middlewareStack.add(
    (next) => async (args) => {
      await pacer.take()
      return next(args)
    },
    { step: 'deserialize', name: 'iamKeySentinelPacing', override: true }
  )
}
