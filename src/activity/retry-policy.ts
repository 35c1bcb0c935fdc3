// How LookupEvents is retried: throttling and a failing server are different problems.
//
// Throttling means the region works but we asked too fast: waiting longer helps, so it gets
// several attempts with a growing backoff (the bucket is paused as well, see region.ts).
// A 5xx or no answer at all is worth a quick second try, but a region that keeps failing is
// reported unavailable after a few short attempts rather than holding the run for seconds:
// the activity section is advisory, and every key's lookups in that region would wait too.
import { errorKind, type ErrorKind } from '../aws/errors.js'
import type { Backoff, RetryOptions } from '../kit/retry.js'

export interface RetryPolicy {
  throttling: Backoff
  /** 5xx answers and network failures. */
  serverError: Backoff
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  // Up to about 15 s of waiting: CloudTrail's 2 requests per second recover well within it.
  throttling: { attempts: 6, baseDelayMs: 500 },
  // Up to 300 ms of waiting in all.
  serverError: { attempts: 3, baseDelayMs: 100 }
}

/** The backoff for an error of this kind, or undefined for one not worth retrying. */
export function backoffFor(policy: RetryPolicy, kind: ErrorKind): Backoff | undefined {
  return kind === 'final' ? undefined : policy[kind]
}

/** retry-max-attempts caps the lookups' short, advisory retries; it never lengthens them. */
export function cappedRetryPolicy(maxAttempts: number): RetryPolicy {
  const cap = (b: Backoff): Backoff => ({ ...b, attempts: Math.min(b.attempts, maxAttempts) })
  return {
    throttling: cap(DEFAULT_RETRY_POLICY.throttling),
    serverError: cap(DEFAULT_RETRY_POLICY.serverError)
  }
}

/** Retries under `policy`: each error's kind (src/aws/errors.ts) picks its backoff. */
export function retryUnder(policy: RetryPolicy, rest: Omit<RetryOptions, 'backoff'>): RetryOptions {
  return { ...rest, backoff: (error) => backoffFor(policy, errorKind(error)) }
}
