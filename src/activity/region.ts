// One region's lookups. LookupEvents allows 2 requests per second per account and region, so each
// region gets its own client and token bucket and the regions run in parallel. The client sends
// each request once (src/aws/clients.ts): the SDK would send again without asking the bucket, and
// a throttled request retried blindly only provokes more throttling. Our retry takes a token for
// every attempt. A region that denies access, or still fails after the retries, fails for good.
import { cloudTrailClient, type AwsCredentials, type CloudTrailApi } from '../aws/clients.js'
import { lookupEventsPage, type EventsPage, type EventsPageRequest } from '../aws/cloudtrail.js'
import { errorKind, isRegionWide, isThrottling, isTransient, statusOf } from '../aws/errors.js'
import type { RegionProblem } from '../domain/activity.js'
import { errorMessage, isAccessDenied } from '../kit/errors.js'
import { withRetry, type RetryLog } from '../kit/retry.js'
import type { Sleep } from '../kit/sleep.js'
import { TokenBucket } from '../kit/token-bucket.js'
import { backoffFor, retryUnder, type RetryPolicy } from './retry-policy.js'

const MAX_MESSAGE_CHARS = 500

export interface Problem {
  status: RegionProblem
  message: string
}

/** Raised instead of sending once the region has failed for good, so no more requests go out. */
export class RegionFailedError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.message)
    this.name = 'RegionFailedError'
  }
}

export interface RegionOptions {
  name: string
  credentials?: AwsCredentials
  /** Overrides AWS_ENDPOINT_URL (which the SDK honours by itself); for tests. */
  endpoint?: string
  ratePerSecond: number
  /** The bucket's clock; for tests, which must not depend on real time. */
  clock?: { now: () => number; sleep: Sleep }
  retry: RetryPolicy
  /** Waits between attempts. */
  sleep: Sleep
  log?: RetryLog
}

function problemOf(error: unknown, policy: RetryPolicy): Problem & { regionWide: boolean } {
  const base = errorMessage(error)
  const transient = isTransient(error)
  const attempts = backoffFor(policy, errorKind(error))?.attempts
  const message = (transient ? `${base} (after ${attempts} attempts)` : base).slice(
    0,
    MAX_MESSAGE_CHARS
  )
  if (isAccessDenied(error)) return { status: 'denied', message, regionWide: true }
  return {
    status: 'unavailable',
    message,
    // No HTTP status and not a network error: credentials could not be loaded, say.
    regionWide: transient || statusOf(error) === undefined || isRegionWide(error)
  }
}

export class Region {
  readonly name: string
  readonly retry: RetryPolicy
  private readonly client: CloudTrailApi
  private readonly bucket: TokenBucket
  private readonly pauseMs: number
  private readonly sleep: Sleep
  private readonly log?: RetryLog
  requests = 0
  throttled = 0
  /** Set once the region failed for good: later keys are not looked up there. */
  failure?: Problem

  constructor(options: RegionOptions) {
    this.name = options.name
    this.retry = options.retry
    this.client = cloudTrailClient({
      region: options.name,
      credentials: options.credentials,
      endpoint: options.endpoint
    })
    this.bucket = new TokenBucket({ ratePerSecond: options.ratePerSecond, ...options.clock })
    this.pauseMs = 1000 / options.ratePerSecond
    this.sleep = options.sleep
    this.log = options.log
  }

  /** One page of one lookup, each attempt paced by the bucket. */
  page(request: EventsPageRequest): Promise<EventsPage> {
    const options = retryUnder(this.retry, {
      what: `CloudTrail LookupEvents in ${this.name} (${request.attribute} ${request.value})`,
      sleep: this.sleep,
      ...(this.log ? { log: this.log } : {})
    })
    return withRetry(() => this.paced(request), options)
  }

  /** One attempt; throttling also pauses the bucket for everyone. */
  private async paced(request: EventsPageRequest): Promise<EventsPage> {
    await this.bucket.take()
    // Another lookup may have found the region denied while this one waited for its turn.
    if (this.failure) throw new RegionFailedError(this.failure)
    this.requests++
    try {
      return await lookupEventsPage(this.client, request)
    } catch (error) {
      if (isThrottling(error)) {
        this.throttled++
        this.bucket.pause(this.pauseMs)
      }
      throw error
    }
  }

  /** The problem an error means for this key, and for the whole region if it is one of those. */
  recordFailure(error: unknown): Problem {
    const { regionWide, ...problem } = problemOf(error, this.retry)
    if (regionWide) this.failure ??= problem
    return problem
  }

  destroy(): void {
    this.client.destroy()
  }
}
