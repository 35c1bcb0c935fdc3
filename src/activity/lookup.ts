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
import type { CloudTrailEvent } from '../aws/cloudtrail.js'
import { KeyRun, uniqueTargets, type ActivityTarget } from './key-run.js'
import { eventKeyId } from './summarize.js'
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
  /** Incident mode: read each key's events for evidence and follow the sessions it minted. */
  evidence?: boolean
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

/** One LookupEvents search and the keys its events go to (two keys of one user share one). */
interface SharedLookup {
  lookup: ActivityLookup
  consumers: KeyRun[]
}

/**
 * The keys an event of a shared lookup belongs to: the key that made it, or the key that minted
 * the session that made it; otherwise every consumer (each counts another key's events apart).
 */
function route(event: CloudTrailEvent, consumers: readonly KeyRun[]): readonly KeyRun[] {
  if (consumers.length === 1) return consumers
  const keyId = eventKeyId(event)
  const own = consumers.find((c) => c.target.accessKeyId === keyId || c.minted(keyId))
  return own ? [own] : consumers
}

/** Pages through one lookup until the window is covered or every consumer is full. */
async function paginate(
  region: Region,
  window: { start: Date; end: Date },
  shared: SharedLookup
): Promise<void> {
  let nextToken: string | undefined
  do {
    const open = shared.consumers.filter((c) => !c.full)
    for (const full of shared.consumers.filter((c) => c.full))
      full.noteProblem(region.name, truncation(full))
    if (open.length === 0) return
    const page = await region.page({
      attribute: shared.lookup.attribute,
      value: shared.lookup.value,
      ...window,
      pageSize: PAGE_SIZE,
      ...(nextToken === undefined ? {} : { nextToken })
    })
    for (const event of page.events) {
      for (const run of route(event, shared.consumers)) {
        if (!run.take(event, region.name)) run.noteProblem(region.name, truncation(run))
      }
    }
    nextToken = page.nextToken
  } while (nextToken)
}

function truncation(run: KeyRun): Problem {
  return {
    status: 'truncated',
    message: `stopped at max-events (${run.maxEvents}) before the window was covered`
  }
}

/** One lookup in one region; failures are recorded on its keys, never thrown. */
async function lookUpShared(
  region: Region,
  window: { start: Date; end: Date },
  shared: SharedLookup
): Promise<void> {
  for (const run of shared.consumers) run.state(region.name)
  let problem: Problem | undefined = region.failure
  if (!problem) {
    try {
      await paginate(region, window, shared)
    } catch (error) {
      problem = error instanceof RegionFailedError ? error.problem : region.recordFailure(error)
    }
  }
  if (problem) for (const run of shared.consumers) run.noteProblem(region.name, problem)
}

function openRegion(name: string, options: LookupOptions): Region {
  return new Region({
    name,
    ...(options.credentials ? { credentials: options.credentials } : {}),
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
    ratePerSecond: options.ratePerSecond ?? DEFAULT_RATE_PER_SECOND,
    ...(options.bucketClock ? { clock: options.bucketClock(name) } : {}),
    retry: options.retry ?? cappedRetryPolicy(retryMaxAttempts()),
    sleep: options.sleep ?? sleep,
    ...(options.log ? { log: { info: options.log } } : {})
  })
}

/** The lookups of one phase, one per distinct attribute and value, with every key it feeds. */
function shared(entries: readonly (readonly [ActivityLookup, KeyRun])[]): SharedLookup[] {
  const byLookup = new Map<string, SharedLookup>()
  for (const [lookup, run] of entries) {
    const id = `${lookup.attribute}=${lookup.value}`
    const seen = byLookup.get(id)
    if (seen) seen.consumers.push(run)
    else byLookup.set(id, { lookup, consumers: [run] })
  }
  return [...byLookup.values()]
}

/**
 * Phases, each over every region before the next starts, so which key an event goes to never
 * depends on timing: each key by its ID; the users by name (one lookup per user, whatever the
 * number of its keys); then, in incident mode, the temporary keys those events minted, round by
 * round (a role session may assume another role), at most MAX_SESSION_ROUNDS deep.
 */
function* phases(runs: readonly KeyRun[]): Generator<SharedLookup[]> {
  yield shared(runs.map((run) => [run.lookups[0] as ActivityLookup, run] as const))
  yield shared(runs.flatMap((run) => (run.byUser ? [[run.byUser, run] as const] : [])))
  for (let round = 0; round < MAX_SESSION_ROUNDS; round++) {
    const next = shared(
      runs.flatMap((run) =>
        run
          .nextSessionKeys()
          .map((value) => [{ attribute: 'AccessKeyId', value } as ActivityLookup, run] as const)
      )
    )
    if (next.length === 0) return
    yield next
  }
}

const MAX_SESSION_ROUNDS = 3

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
  const runs = uniqueTargets(targets).map(
    (target) => new KeyRun(target, options.maxEvents, options.evidence ?? false)
  )
  if (runs.length === 0) return new Map()
  const open = regions.map((name) => openRegion(name, options))
  const window = {
    start: new Date(options.now.getTime() - options.lookbackHours * HOUR_MS),
    end: options.now
  }
  const started = Date.now()
  try {
    for (const phase of phases(runs)) {
      if (phase.length === 0) continue
      await Promise.all(
        open.map((region) =>
          forEachLimit(phase, options.inFlightPerRegion ?? IN_FLIGHT_PER_REGION, (lookup) =>
            lookUpShared(region, window, lookup)
          )
        )
      )
    }
  } finally {
    for (const region of open) region.destroy()
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1)
  for (const region of open) {
    const failure = region.failure ? `; ${region.failure.status}: ${region.failure.message}` : ''
    options.log?.(
      `CloudTrail ${region.name}: ${region.requests} LookupEvents requests, ${region.throttled} throttled, ${seconds} s${failure}`
    )
  }
  const activityWin = activityWindow(options.now, options.lookbackHours)
  return new Map(runs.map((run) => [run.target.accessKeyId, run.summary(activityWin, regions)]))
}
