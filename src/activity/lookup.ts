// CloudTrail LookupEvents for the keys the action acted on or flagged, every region in parallel
// (src/activity/region.ts paces and retries each region's requests).
//
// max-events caps the distinct events received for one key, summed over its regions and its
// lookups (duplicates between the AccessKeyId and Username lookups do not count; malformed and
// other-key events do, since they cost requests all the same). Regions run in parallel, so when
// the cap cuts a key short, which region's older pages are missing depends on timing; the
// summary marks every region that did not cover the window as 'truncated'.
//
// A region that denies access, or still fails after the retries, is not asked again in this run:
// the keys not yet looked up there get the same status and message, and the scan goes on.
import type { AwsCredentials } from '../aws/clients.js'
import { retryMaxAttempts } from '../aws/network.js'
import { forEachLimit } from '../kit/concurrency.js'
import { sleep, type Sleep } from '../kit/sleep.js'
import type { ActivityLookup, ActivitySummary, ActivityWindow } from '../domain/activity.js'
import { KeyRun, uniqueTargets, type ActivityTarget } from './key-run.js'
import { Region, RegionFailedError, type Problem } from './region.js'
import { cappedRetryPolicy, type RetryPolicy } from './retry-policy.js'

export type { ActivityTarget } from './key-run.js'

export interface LookupOptions {
  regions: string[]
  /** At most 90 days (2160 hours), all CloudTrail event history keeps. */
  lookbackHours: number
  /** Per key, over all regions and lookups. */
  maxEvents: number
  /** The end of the window. */
  now: Date
  /** Undefined: the SDK's default credential chain. */
  credentials?: AwsCredentials
  /** LookupEvents requests per second per region; default 2, CloudTrail's limit. */
  ratePerSecond?: number
  /** Lookups in flight per region; default 4. One makes the order of requests deterministic. */
  inFlightPerRegion?: number
  /** The clock of each region's token bucket; for tests, which must not depend on real time. */
  bucketClock?: (region: string) => { now: () => number; sleep: Sleep }
  /** Overrides AWS_ENDPOINT_URL (which the SDK honours by itself); for tests. */
  endpoint?: string
  /** Attempts and backoff for throttling and for server errors; see retry-policy.ts. */
  retry?: RetryPolicy
  /** Waits between attempts; for tests. */
  sleep?: Sleep
  /** One line per region when it is done (requests, throttling, problems), and per retried attempt. */
  log?: (line: string) => void
}

const DEFAULT_RATE_PER_SECOND = 2
const MAX_LOOKBACK_HOURS = 90 * 24
/** The most LookupEvents returns per page. */
export const PAGE_SIZE = 50
/** Enough lookups in flight to keep the bucket busy while answers are on their way. */
const IN_FLIGHT_PER_REGION = 4
const HOUR_MS = 3_600_000

function validate(options: LookupOptions): void {
  const { lookbackHours, maxEvents, regions } = options
  const rate = options.ratePerSecond ?? DEFAULT_RATE_PER_SECOND
  if (regions.length === 0) throw new RangeError('lookupActivity needs at least one region')
  if (!(lookbackHours > 0 && lookbackHours <= MAX_LOOKBACK_HOURS)) {
    throw new RangeError(`lookbackHours must be more than 0 and at most ${MAX_LOOKBACK_HOURS}`)
  }
  if (!Number.isInteger(maxEvents) || maxEvents < 1) {
    throw new RangeError('maxEvents must be a whole number of at least 1')
  }
  if (!(rate > 0)) throw new RangeError('ratePerSecond must be positive')
}

function activityWindow(now: Date, hours: number): ActivityWindow {
  const start = new Date(now.getTime() - hours * HOUR_MS)
  return { start: start.toISOString(), end: now.toISOString(), hours }
}

/** Pages through one lookup; false when max-events stopped it before the window was covered. */
async function paginate(
  region: Region,
  window: { start: Date; end: Date },
  run: KeyRun,
  lookup: ActivityLookup,
  progress: { events: number }
): Promise<boolean> {
  let nextToken: string | undefined
  do {
    if (run.full) return false
    const page = await region.page({
      attribute: lookup.attribute,
      value: lookup.value,
      ...window,
      pageSize: PAGE_SIZE,
      ...(nextToken === undefined ? {} : { nextToken })
    })
    if (!run.countPage(page.events, progress)) return false
    nextToken = page.nextToken
  } while (nextToken)
  return true
}

function truncation(maxEvents: number): Problem {
  return {
    status: 'truncated',
    message: `stopped at max-events (${maxEvents}) before the window was covered`
  }
}

/** Every lookup of one key in one region; failures are recorded, never thrown. */
async function lookUpKey(
  region: Region,
  window: { start: Date; end: Date },
  run: KeyRun,
  maxEvents: number
): Promise<void> {
  const progress = { events: 0 }
  let problem: Problem | undefined
  try {
    for (const lookup of run.lookups) {
      problem = region.failure
      if (problem) break
      if (!(await paginate(region, window, run, lookup, progress))) {
        problem = truncation(maxEvents)
        break
      }
    }
  } catch (error) {
    if (error instanceof RegionFailedError) problem = error.problem
    else problem = region.recordFailure(error)
  }
  run.regions.set(
    region.name,
    problem
      ? {
          region: region.name,
          status: problem.status,
          events: progress.events,
          message: problem.message
        }
      : { region: region.name, status: 'ok', events: progress.events }
  )
}

async function lookUpRegion(
  name: string,
  runs: readonly KeyRun[],
  options: LookupOptions
): Promise<void> {
  const region = new Region({
    name,
    ...(options.credentials ? { credentials: options.credentials } : {}),
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
    ratePerSecond: options.ratePerSecond ?? DEFAULT_RATE_PER_SECOND,
    ...(options.bucketClock ? { clock: options.bucketClock(name) } : {}),
    retry: options.retry ?? cappedRetryPolicy(retryMaxAttempts()),
    sleep: options.sleep ?? sleep,
    ...(options.log ? { log: { info: options.log } } : {})
  })
  const window = {
    start: new Date(options.now.getTime() - options.lookbackHours * HOUR_MS),
    end: options.now
  }
  const started = Date.now()
  try {
    await forEachLimit(runs, options.inFlightPerRegion ?? IN_FLIGHT_PER_REGION, (run) =>
      lookUpKey(region, window, run, options.maxEvents)
    )
  } finally {
    region.destroy()
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1)
  const failure = region.failure ? `; ${region.failure.status}: ${region.failure.message}` : ''
  options.log?.(
    `CloudTrail ${name}: ${region.requests} LookupEvents requests, ${region.throttled} throttled, ${seconds} s${failure}`
  )
}

/**
 * The CloudTrail activity of each target over the last `lookbackHours`, keyed by access key ID.
 * Never rejects because of AWS: denied or unavailable regions are in each summary's `regions`.
 */
export async function lookupActivity(
  targets: readonly ActivityTarget[],
  options: LookupOptions
): Promise<Map<string, ActivitySummary>> {
  validate(options)
  const regions = [...new Set(options.regions)]
  const runs = uniqueTargets(targets).map((target) => new KeyRun(target, options.maxEvents))
  if (runs.length === 0) return new Map()
  await Promise.all(regions.map((name) => lookUpRegion(name, runs, options)))
  const window = activityWindow(options.now, options.lookbackHours)
  return new Map(runs.map((run) => [run.target.accessKeyId, run.summary(window, regions)]))
}
