// Retry with exponential backoff and jitter, for the calls the SDK does not retry itself
// (the OIDC token request, STS token exchange hiccups).

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
