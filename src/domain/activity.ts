// The CloudTrail activity of one access key, as the job summary, the JSON report, the `activity`
// output and the issue and SNS renderers all see it. Plain data only: it goes through
// JSON.stringify unchanged (dates are ISO strings, lists are arrays).
import type { KeyEvidence } from './evidence.js'

/** The LookupEvents attributes the action searches by. */
export type LookupAttributeKey = 'AccessKeyId' | 'Username'

/** One LookupEvents search made for a key, in every region. */
export interface ActivityLookup {
  attribute: LookupAttributeKey
  value: string
}

/** The time range searched: `hours` before `end`, both ISO 8601. */
export interface ActivityWindow {
  start: string
  end: string
  hours: number
}

/**
 * How one region answered for one key. `events` counts the distinct events that region returned
 * before it stopped (malformed and other-key events included), so a region that failed half-way
 * still says how much it did return. Only a problem carries a message.
 */
export type RegionActivity =
  | { region: string; status: 'ok'; events: number }
  | { region: string; status: RegionProblem; events: number; message: string }

/**
 * truncated: max-events was reached before this region's window was covered;
 * denied: CloudTrail refused (AccessDenied); unavailable: any other failure, after retries.
 */
export type RegionProblem = 'truncated' | 'denied' | 'unavailable'

export interface TopValue {
  value: string
  count: number
}

/** The lists every summary ranks, in the order the renderers show them. */
export const TOP_FIELDS = [
  'eventNames',
  'errorCodes',
  'sourceIps',
  'userAgents',
  'resourceNames',
  'resourceTypes',
  'regions'
] as const

export type TopField = (typeof TOP_FIELDS)[number]

/** Each list: at most TOP_LIMIT values, most frequent first, ties by value (code unit order). */
export type TopLists = Record<TopField, TopValue[]>

export const TOP_LIMIT = 10

/** First and last event times exist together, and only when there is an event to have them. */
export type EventSpan =
  | { totalEvents: 0; firstEventTime?: undefined; lastEventTime?: undefined }
  | { totalEvents: number; firstEventTime: string; lastEventTime: string }

interface ActivitySummaryBase {
  accessKeyId: string
  userName?: string
  lookups: ActivityLookup[]
  window: ActivityWindow
  /** One entry per region queried, in the order the regions were given. */
  regions: RegionActivity[]
  /**
   * Distinct events whose CloudTrailEvent JSON could not be read (or that had no id or time):
   * counted here, left out of everything else.
   */
  malformed: number
  /**
   * Events found by the Username lookup but made with another long-term key of the same user
   * (AKIA…): they say nothing about this key, so they are counted here and left out of the rest.
   * Temporary credentials (ASIA…) are kept: they may have been obtained with this key.
   */
  otherKeyEvents: number
  /** Counted events that carry an errorCode (AccessDenied bursts are a sign of abuse). */
  errorEvents: number
  /** max-events was reached before every region's window was covered (see `regions`). */
  truncated: boolean
  top: TopLists
  /** Incident mode only: persistence calls, roles reached, sessions minted, users named. */
  evidence?: KeyEvidence
}

/**
 * `totalEvents` counts the distinct, well-formed events of this key; the sum of the regions'
 * `events` is totalEvents + malformed + otherKeyEvents.
 */
export type ActivitySummary = ActivitySummaryBase & EventSpan
