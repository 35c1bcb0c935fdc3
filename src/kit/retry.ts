// Retry with exponential backoff and jitter, for the calls the SDK does not retry itself (the
// OIDC token request, the STS token exchange, CloudTrail's paced lookups), and reads that wait for
// IAM to settle. Every failed attempt of a call that is retried is logged, so a slow step says why.
import { errorMessage } from './errors.js'
import type { Log } from './log.js'
import { sleep as realSleep, type Sleep } from './sleep.js'

export interface Backoff {
  /** Attempts in all, the first one included. */
  attempts: number
  /** The first wait; each later one doubles (with jitter, between half and the full delay). */
  baseDelayMs: number
}

/** The part of a Log the retries write to: info, since a retry that succeeds is no warning. */
export type RetryLog = Pick<Log, 'info'>

export interface RetryOptions {
  /** The backoff for the error an attempt failed with; undefined when another cannot help. */
  backoff: (error: unknown) => Backoff | undefined
  /** What is being done, as each log line names it (e.g. sts:AssumeRoleWithWebIdentity). */
  what: string
  /** Where the failed attempts are told; untold without one. */
  log?: RetryLog
  sleep?: Sleep
  /** In [0, 1); Math.random by default. */
  random?: () => number
}

/** The wait before attempt `attempt + 1`, or undefined when `attempt` was the last one. */
export function delayAfter(
  backoff: Backoff | undefined,
  attempt: number,
  random: () => number = Math.random
): number | undefined {
  if (!backoff || attempt >= backoff.attempts) return undefined
  const delay = backoff.baseDelayMs * 2 ** (attempt - 1)
  return delay / 2 + random() * (delay / 2)
}

/** The log line of a failed attempt: one line, whatever the message spans. */
function failedAttempt(
  what: string,
  attempt: number,
  backoff: Backoff | undefined,
  error: unknown,
  delay: number | undefined
): string {
  const of = backoff ? ` of ${backoff.attempts}` : ''
  const message = errorMessage(error).replace(/\s+/g, ' ').trim()
  const next = delay === undefined ? 'Not retried' : `Retrying in ${(delay / 1000).toFixed(1)} s`
  return `${what}: attempt ${attempt}${of} failed: ${message}. ${next}.`
}

/** Runs `fn` until it succeeds or the backoff for the error it threw says stop. */
export async function withRetry<T>(fn: () => Promise<T>, options: RetryOptions): Promise<T> {
  const wait = options.sleep ?? realSleep
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn()
    } catch (error) {
      const backoff = options.backoff(error)
      const delay = delayAfter(backoff, attempt, options.random)
      // A call that fails at once and is not retried is its caller's to report.
      if (delay !== undefined || attempt > 1) {
        options.log?.info(failedAttempt(options.what, attempt, backoff, error, delay))
      }
      if (delay === undefined) throw error
      await wait(delay)
    }
  }
}

export interface SettleOptions {
  /** Reads in all, the first included. */
  attempts: number
  /** Wait before the second read; doubled before each further one (no jitter: it only waits). */
  baseDelayMs: number
  sleep?: Sleep
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
  const wait = options.sleep ?? realSleep
  for (let reads = 1; ; reads++) {
    const value = await read()
    if (settled(value)) return { value, reads, settled: true }
    if (reads >= options.attempts) return { value, reads, settled: false }
    await wait(options.baseDelayMs * 2 ** (reads - 1))
  }
}

/** Five reads over 3.75 s (0.25 + 0.5 + 1 + 2 s between them): IAM usually settles in well under that. */
export const VERIFY_SETTLE: SettleOptions = { attempts: 5, baseDelayMs: 250 }
