// CloudTrail LookupEvents for the keys the action acted on or flagged.
//
// LookupEvents allows 2 requests per second per account and region, so each region gets its own
// client and token bucket and the regions run in parallel. The SDK's own retries are off
// (maxAttempts 1): they would send again without asking the bucket, and a throttled request
// retried blindly only provokes more throttling. Our retry takes a token for every attempt.
//
// max-events caps the distinct events received for one key, summed over its regions and its
// lookups (duplicates between the AccessKeyId and Username lookups do not count; malformed and
// other-key events do, since they cost requests all the same). Regions run in parallel, so when
// the cap cuts a key short, which region's older pages are missing depends on timing; the
// summary marks every region that did not cover the window as 'truncated'.
//
// A region that denies access, or still fails after the retries, is not asked again in this run:
// the keys not yet looked up there get the same status and message, and the scan goes on.
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail'
import type { LookupEventsCommandOutput, LookupEventsRequest } from '@aws-sdk/client-cloudtrail'
import type { AwsCredentialIdentity } from '@aws-sdk/types'
import { awsClientConfig, retryMaxAttempts } from '../aws/network.js'
import { forEachLimit } from '../kit/concurrency.js'
import { errorMessage, hasAwsCode, isAccessDenied } from '../kit/errors.js'
import { sleep } from '../kit/retry.js'
import {
  DEFAULT_RETRY_POLICY,
  backoffFor,
  withRetryPolicy,
  type ErrorKind,
  type RetryPolicy
} from '../aws/retry-policy.js'
import { ActivityAccumulator, type LookupEvent } from './summarize.js'
import { TokenBucket } from '../kit/token-bucket.js'
import type {
  ActivityLookup,
  ActivitySummary,
  ActivityWindow,
  RegionActivity,
  RegionProblem
} from '../domain/activity.js'

export interface ActivityTarget {
  accessKeyId: string
  userName?: string
  /** Also search by Username (incident mode): catches temporary credentials made with the key. */
  byUsername: boolean
}

export interface LookupOptions {
  regions: string[]
  /** At most 90 days (2160 hours), all CloudTrail event history keeps. */
  lookbackHours: number
  /** Per key, over all regions and lookups. */
  maxEvents: number
  /** The end of the window. */
  now: Date
  /** Undefined: the SDK's default credential chain. */
  credentials?: AwsCredentialIdentity
  /** LookupEvents requests per second per region; default 2, CloudTrail's limit. */
  ratePerSecond?: number
  /** Lookups in flight per region; default 4. One makes the order of requests deterministic. */
  inFlightPerRegion?: number
  /** The clock of each region's token bucket; for tests, which must not depend on real time. */
  bucketClock?: (region: string) => { now: () => number; sleep: (ms: number) => Promise<void> }
  /** Overrides AWS_ENDPOINT_URL (which the SDK honours by itself); for tests. */
  endpoint?: string
  /** Attempts and backoff for throttling and for server errors; see retry-policy.ts. */
  retry?: RetryPolicy
  /** Waits between attempts; for tests. */
  sleep?: (ms: number) => Promise<void>
  /** One line per region when it is done: requests, throttling, problems. */
  log?: (line: string) => void
}

export const DEFAULT_RATE_PER_SECOND = 2
export const MAX_LOOKBACK_HOURS = 90 * 24
/** The most LookupEvents returns per page. */
export const PAGE_SIZE = 50
/** Enough lookups in flight to keep the bucket busy while answers are on their way. */
const IN_FLIGHT_PER_REGION = 4
const TIMEOUTS = { connectionTimeout: 5_000, requestTimeout: 30_000 }
const MAX_MESSAGE_CHARS = 500

/** retry-max-attempts caps the lookups' short, advisory retries; it never lengthens them. */
function cappedRetryPolicy(maxAttempts: number): RetryPolicy {
  const cap = (b: { attempts: number; baseDelayMs: number }) => ({
    ...b,
    attempts: Math.min(b.attempts, maxAttempts)
  })
  return {
    throttling: cap(DEFAULT_RETRY_POLICY.throttling),
    serverError: cap(DEFAULT_RETRY_POLICY.serverError)
  }
}
const HOUR_MS = 3_600_000

/** Codes after which no request to the region can succeed in this run. */
const REGION_WIDE_CODES = [
  'UnrecognizedClient',
  'InvalidClientTokenId',
  'ExpiredToken',
  'InvalidSignature',
  'SignatureDoesNotMatch',
  'MissingAuthenticationToken',
  'OptInRequired'
]
const THROTTLING_CODES = ['Throttling', 'TooManyRequests', 'RequestLimitExceeded']

interface Problem {
  status: RegionProblem
  message: string
}

/** Raised instead of sending once the region has failed for good, so no more requests go out. */
class RegionFailedError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.message)
    this.name = 'RegionFailedError'
  }
}

/** What one key has received so far, shared by the regions that look it up in parallel. */
class KeyRun {
  readonly accumulator: ActivityAccumulator
  readonly lookups: ActivityLookup[]
  readonly regions = new Map<string, RegionActivity>()
  received = 0

  constructor(
    readonly target: ActivityTarget,
    private readonly maxEvents: number
  ) {
    this.accumulator = new ActivityAccumulator(target.accessKeyId)
    this.lookups = lookupsFor(target)
  }

  get full(): boolean {
    return this.received >= this.maxEvents
  }

  summary(window: ActivityWindow, regionOrder: readonly string[]): ActivitySummary {
    return this.accumulator.summary({
      accessKeyId: this.target.accessKeyId,
      userName: this.target.userName,
      lookups: this.lookups,
      window,
      regions: regionOrder.map(
        (region) =>
          this.regions.get(region) ?? {
            region,
            status: 'unavailable',
            events: 0,
            message: 'not looked up'
          }
      )
    })
  }
}

interface Region {
  name: string
  client: CloudTrailClient
  bucket: TokenBucket
  pauseMs: number
  window: { start: Date; end: Date }
  retry: RetryPolicy
  sleep: (ms: number) => Promise<void>
  requests: number
  throttled: number
  /** Set once the region failed for good: later keys are not looked up there. */
  failure?: Problem
}

function lookupsFor(target: ActivityTarget): ActivityLookup[] {
  const lookups: ActivityLookup[] = [{ attribute: 'AccessKeyId', value: target.accessKeyId }]
  if (target.byUsername && target.userName) {
    lookups.push({ attribute: 'Username', value: target.userName })
  }
  return lookups
}

/** One entry per key: a key listed twice is looked up once, with the wider set of lookups. */
function uniqueTargets(targets: readonly ActivityTarget[]): ActivityTarget[] {
  const byId = new Map<string, ActivityTarget>()
  for (const target of targets) {
    const seen = byId.get(target.accessKeyId)
    byId.set(
      target.accessKeyId,
      seen
        ? {
            ...seen,
            userName: seen.userName ?? target.userName,
            byUsername: seen.byUsername || target.byUsername
          }
        : { ...target }
    )
  }
  return [...byId.values()]
}

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

export function activityWindow(now: Date, hours: number): ActivityWindow {
  const start = new Date(now.getTime() - hours * HOUR_MS)
  return { start: start.toISOString(), end: now.toISOString(), hours }
}

const statusOf = (error: unknown): number | undefined =>
  (error as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata?.httpStatusCode

export function isThrottling(error: unknown): boolean {
  return hasAwsCode(error, ...THROTTLING_CODES) || statusOf(error) === 429
}

const NETWORK_ERROR = /^(E[A-Z_]+|TimeoutError|RequestTimeout\w*)$/

/** No answer at all: a reset, a refused connection, a timeout. */
function isNetworkError(error: unknown): boolean {
  const e = error as { code?: unknown; name?: unknown } | null
  return [e?.code, e?.name].some((v) => typeof v === 'string' && NETWORK_ERROR.test(v))
}

/** Throttling, a server error, or a network failure: worth another attempt. */
export function isTransient(error: unknown): boolean {
  return errorKind(error) !== 'final'
}

/** Which of the retry policy's backoffs applies to an error. */
export function errorKind(error: unknown): ErrorKind {
  if (isThrottling(error)) return 'throttling'
  const status = statusOf(error)
  if (status === undefined) return isNetworkError(error) ? 'serverError' : 'final'
  return status >= 500 ? 'serverError' : 'final'
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
    regionWide:
      transient || statusOf(error) === undefined || hasAwsCode(error, ...REGION_WIDE_CODES)
  }
}

function openRegion(name: string, options: LookupOptions): Region {
  const rate = options.ratePerSecond ?? DEFAULT_RATE_PER_SECOND
  const client = new CloudTrailClient({
    region: name,
    credentials: options.credentials,
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
    // One attempt per send: the retry below takes a token for each (retry-max-attempts).
    ...awsClientConfig({ maxAttempts: 1, timeouts: TIMEOUTS })
  })
  return {
    name,
    client,
    bucket: new TokenBucket({ ratePerSecond: rate, ...options.bucketClock?.(name) }),
    pauseMs: 1000 / rate,
    window: {
      start: new Date(options.now.getTime() - options.lookbackHours * HOUR_MS),
      end: options.now
    },
    retry: options.retry ?? cappedRetryPolicy(retryMaxAttempts()),
    sleep: options.sleep ?? sleep,
    requests: 0,
    throttled: 0
  }
}

/** One request, paced by the region's bucket; throttling also pauses the bucket for everyone. */
async function paced(
  region: Region,
  input: LookupEventsRequest
): Promise<LookupEventsCommandOutput> {
  await region.bucket.take()
  // Another lookup may have found the region denied while this one waited for its turn.
  if (region.failure) throw new RegionFailedError(region.failure)
  region.requests++
  try {
    return await region.client.send(new LookupEventsCommand(input))
  } catch (error) {
    if (isThrottling(error)) {
      region.throttled++
      region.bucket.pause(region.pauseMs)
    }
    throw error
  }
}

function send(region: Region, input: LookupEventsRequest): Promise<LookupEventsCommandOutput> {
  return withRetryPolicy(() => paced(region, input), region.retry, errorKind, {
    sleep: region.sleep
  })
}

function request(region: Region, lookup: ActivityLookup, nextToken?: string): LookupEventsRequest {
  return {
    LookupAttributes: [{ AttributeKey: lookup.attribute, AttributeValue: lookup.value }],
    StartTime: region.window.start,
    EndTime: region.window.end,
    MaxResults: PAGE_SIZE,
    ...(nextToken === undefined ? {} : { NextToken: nextToken })
  }
}

/** Counts a page's events until the key is full; false when some were left uncounted. */
function countPage(
  run: KeyRun,
  events: readonly LookupEvent[],
  progress: { events: number }
): boolean {
  for (const event of events) {
    if (run.full) return false
    if (run.accumulator.add(event) !== 'duplicate') {
      run.received++
      progress.events++
    }
  }
  return true
}

/** Pages through one lookup; false when max-events stopped it before the window was covered. */
async function paginate(
  region: Region,
  run: KeyRun,
  lookup: ActivityLookup,
  progress: { events: number }
): Promise<boolean> {
  let nextToken: string | undefined
  do {
    if (run.full) return false
    const page = await send(region, request(region, lookup, nextToken))
    if (!countPage(run, page.Events ?? [], progress)) return false
    nextToken = page.NextToken
  } while (nextToken)
  return true
}

function truncation(maxEvents: number): Problem {
  return {
    status: 'truncated',
    message: `stopped at max-events (${maxEvents}) before the window was covered`
  }
}

/** The problem an error means for this key, and for the whole region if it is one of those. */
function recordFailure(region: Region, error: unknown): Problem {
  const { regionWide, ...problem } = problemOf(error, region.retry)
  if (regionWide) region.failure ??= problem
  return problem
}

/** Every lookup of one key in one region; failures are recorded, never thrown. */
async function lookUpKey(region: Region, run: KeyRun, maxEvents: number): Promise<void> {
  const progress = { events: 0 }
  let problem: Problem | undefined
  try {
    for (const lookup of run.lookups) {
      problem = region.failure
      if (problem) break
      if (!(await paginate(region, run, lookup, progress))) {
        problem = truncation(maxEvents)
        break
      }
    }
  } catch (error) {
    if (error instanceof RegionFailedError) problem = error.problem
    else problem = recordFailure(region, error)
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
  const region = openRegion(name, options)
  const started = Date.now()
  try {
    await forEachLimit(runs, options.inFlightPerRegion ?? IN_FLIGHT_PER_REGION, (run) =>
      lookUpKey(region, run, options.maxEvents)
    )
  } finally {
    region.client.destroy()
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
