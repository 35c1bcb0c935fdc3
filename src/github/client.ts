// The GitHub adapter: an Octokit that waits out rate limits (throttling plugin) and retries
// transient errors (retry plugin), and what its errors mean.
import * as github from '@actions/github'
import { retry } from '@octokit/plugin-retry'
import { throttling } from '@octokit/plugin-throttling'
import { errorMessage } from '../kit/errors.js'
import type { Log } from '../kit/log.js'

export type Octokit = ReturnType<typeof github.getOctokit>
export interface Repo {
  owner: string
  repo: string
}

/** A rate-limit handler for the throttling plugin: warn, then wait and retry a few times. */
function waitOut(log: Log, kind: string, retries: number) {
  return (
    retryAfter: number,
    options: { method: string; url: string },
    _octokit: unknown,
    retryCount: number
  ): boolean => {
    log.warning(`GitHub ${kind} on ${options.method} ${options.url}; waiting ${retryAfter}s.`)
    return retryCount < retries
  }
}

/** What a read-only Octokit answers a write with: a dry run reached a write it must not send. */
class DryRunWrite extends Error {
  constructor(method: string, url: string) {
    super(`Dry run: ${method} ${url} was not sent (a dry run writes nothing)`)
    this.name = 'DryRunWrite'
  }
}

/**
 * The one Octokit. `readOnly` (a dry run) refuses every request but GET and HEAD before it is
 * sent: a backstop behind the dry-run gate (src/deliver/dry-run.ts), so no path can write.
 */
export function createOctokit(
  token: string,
  log: Log,
  options: { readOnly?: boolean } = {}
): Octokit {
  const octokit = github.getOctokit(
    token,
    {
      throttle: {
        onRateLimit: waitOut(log, 'rate limit', 2),
        onSecondaryRateLimit: waitOut(log, 'secondary rate limit', 3)
      },
      retry: { doNotRetry: [400, 401, 403, 404, 410, 422, 451] }
    },
    retry,
    throttling
  )
  if (options.readOnly)
    octokit.hook.before('request', (request) => {
      const method = request.method.toUpperCase()
      if (method !== 'GET' && method !== 'HEAD') throw new DryRunWrite(method, request.url)
    })
  return octokit
}

export function httpStatus(error: unknown): number | undefined {
  const status = (error as { status?: unknown })?.status
  return typeof status === 'number' ? status : undefined
}

export class IssuesPermissionError extends Error {
  constructor(cause: unknown) {
    super(`GitHub refused to write issues: ${errorMessage(cause)}`, { cause })
    this.name = 'IssuesPermissionError'
  }
}

/** A 403 that is not a rate limit means the token may not write issues. */
export function isPermissionDenied(error: unknown): boolean {
  return httpStatus(error) === 403 && !/rate limit/i.test(errorMessage(error))
}

export function rethrowPermission(error: unknown): never {
  throw isPermissionDenied(error) ? new IssuesPermissionError(error) : error
}
