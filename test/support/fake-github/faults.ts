// Faults: which injected failure answers a request, and ready-made ones for the failures the
// action must survive.
import type { ActiveFault, FaultSpec } from './types.js'

export function faultMatches(fault: ActiveFault, method: string, path: string): boolean {
  if (fault.times !== undefined && fault.hits >= fault.times) return false
  if (fault.method !== undefined && fault.method.toUpperCase() !== method) return false
  if (fault.path === undefined) return true
  return typeof fault.path === 'string' ? fault.path === path : fault.path.test(path)
}

/** Ready-made faults for the failures the action must survive. */
export const faults = {
  /** What a GITHUB_TOKEN without `issues: write` gets on writes. */
  notAccessible: (spec: Omit<FaultSpec, 'status'> = {}): FaultSpec => ({
    status: 403,
    body: {
      message: 'Resource not accessible by integration',
      documentation_url: 'https://docs.github.com/rest/issues/issues#create-an-issue',
      status: '403'
    },
    ...spec
  }),
  /** GitHub's abuse limiter: 403 with `retry-after`, the rate limit itself untouched. */
  secondaryRateLimit: (spec: Omit<FaultSpec, 'status'> = {}): FaultSpec => ({
    status: 403,
    body: {
      message:
        'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
      documentation_url:
        'https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api#about-secondary-rate-limits',
      status: '403'
    },
    ...spec,
    headers: { 'retry-after': '1', ...spec.headers }
  }),
  serverError: (spec: Omit<FaultSpec, 'status'> = {}): FaultSpec => ({
    status: 500,
    body: { message: 'Server Error' },
    ...spec
  })
}
