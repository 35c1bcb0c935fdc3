// Retry with exponential backoff and jitter, for the calls the SDK does not retry itself
// (the OIDC token request, STS token exchange hiccups), and reads that wait for IAM to settle.

export interface RetryOptions {
  attempts: number
  baseDelayMs: number
  isRetryable: (error: unknown) => boolean
  sleep?: (ms: number) => Promise<void>
}

export const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms))

export async function withRetry<T>(fn: () => Promise<T>, options: RetryOptions): Promise<T> {
  const wait = options.sleep ?? sleep
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn()
    } catch (error) {
      if (attempt >= options.attempts || !options.isRetryable(error)) throw error
      const delay = options.baseDelayMs * 2 ** (attempt - 1)
      await wait(delay / 2 + Math.random() * (delay / 2))
    }
  }
}

export interface SettleOptions {
  /** Reads in all, the first included. */
  attempts: number
  /** Wait before the second read; doubled before each further one (no jitter: it only waits). */
  baseDelayMs: number
  sleep?: (ms: number) => Promise<void>
}

/**
 * IAM is eventually consistent: a read right after a successful write may still show the old
 * state. Verification reads again with backoff, for a bounded time, until the state is the
 * expected one. It only reads: a lagging read is never answered by writing again.
 * Errors of the read itself are not retried here (the SDK already retries transient ones).
 */
export async function readUntilSettled<T>(
  read: () => Promise<T>,
  settled: (value: T) => boolean,
  options: SettleOptions
): Promise<{ value: T; reads: number; settled: boolean }> {
  const wait = options.sleep ?? sleep
  for (let reads = 1; ; reads++) {
    const value = await read()
    if (settled(value)) return { value, reads, settled: true }
    if (reads >= options.attempts) return { value, reads, settled: false }
    await wait(options.baseDelayMs * 2 ** (reads - 1))
  }
}

/** Five reads over 3.75 s (0.25 + 0.5 + 1 + 2 s between them): IAM usually settles in well under that. */
export const VERIFY_SETTLE: SettleOptions = { attempts: 5, baseDelayMs: 250 }
