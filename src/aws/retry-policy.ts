// How LookupEvents is retried: throttling and a failing server are different problems.
//
// Throttling means the region works but we asked too fast: waiting longer helps, so it gets
// several attempts with a growing backoff (the bucket is paused as well, see lookup.ts).
// A 5xx or no answer at all is worth a quick second try, but a region that keeps failing is
// reported unavailable after a few short attempts rather than holding the run for seconds:
// the activity section is advisory, and every key's lookups in that region would wait too.

export interface Backoff {
  /** Attempts in all, the first one included. */
  attempts: number
  /** The first wait; each later one doubles (with jitter, between half and the full delay). */
  baseDelayMs: number
}

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

export type ErrorKind = 'throttling' | 'serverError' | 'final'

export interface RetryDeps {
  sleep: (ms: number) => Promise<void>
  /** In [0, 1); Math.random by default. */
  random?: () => number
}

/** The backoff for an error of this kind, or undefined for one not worth retrying. */
export function backoffFor(policy: RetryPolicy, kind: ErrorKind): Backoff | undefined {
  return kind === 'final' ? undefined : policy[kind]
}

/** The wait before attempt `attempt + 1`, or undefined when `attempt` was the last one. */
export function delayAfter(
  policy: RetryPolicy,
  kind: ErrorKind,
  attempt: number,
  random: () => number = Math.random
): number | undefined {
  const backoff = backoffFor(policy, kind)
  if (!backoff || attempt >= backoff.attempts) return undefined
  const delay = backoff.baseDelayMs * 2 ** (attempt - 1)
  return delay / 2 + random() * (delay / 2)
}

/** Runs `fn` until it succeeds or the policy for the error it threw says stop. */
export async function withRetryPolicy<T>(
  fn: () => Promise<T>,
  policy: RetryPolicy,
  classify: (error: unknown) => ErrorKind,
  deps: RetryDeps
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn()
    } catch (error) {
      const delay = delayAfter(policy, classify(error), attempt, deps.random)
      if (delay === undefined) throw error
      await deps.sleep(delay)
    }
  }
}
