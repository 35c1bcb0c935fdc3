// CloudTrail: LookupEvents over the account's event history in the signing region.
import type { Ctx, JsonHandler } from './context.js'
import { AwsError } from './errors.js'
import type { FakeCloudTrailEvent } from './types.js'
import { isRecord, sha256Hex } from './util.js'

const LOOKUP_KEYS = [
  'EventId',
  'EventName',
  'ReadOnly',
  'Username',
  'ResourceType',
  'ResourceName',
  'EventSource',
  'AccessKeyId'
] as const
type LookupKey = (typeof LOOKUP_KEYS)[number]

interface LookupAttribute {
  key: LookupKey
  value: string
}

const trailError = (code: string, message: string): AwsError => new AwsError(400, code, message)

/** CloudTrail accepts at most one lookup attribute per request. */
function lookupAttribute(value: unknown): LookupAttribute | undefined {
  if (value === undefined) return undefined
  if (!Array.isArray(value)) {
    throw trailError('SerializationException', 'LookupAttributes must be a list')
  }
  if (value.length > 1) {
    throw trailError(
      'InvalidLookupAttributesException',
      'You can only specify one lookup attribute.'
    )
  }
  const first: unknown = value[0]
  if (first === undefined) return undefined
  const key = isRecord(first) ? first.AttributeKey : undefined
  const attributeValue = isRecord(first) ? first.AttributeValue : undefined
  if (
    !LOOKUP_KEYS.includes(key as LookupKey) ||
    typeof attributeValue !== 'string' ||
    !attributeValue
  ) {
    throw trailError(
      'InvalidLookupAttributesException',
      `Invalid lookup attribute: ${JSON.stringify(first)}`
    )
  }
  return { key: key as LookupKey, value: attributeValue }
}

function readOnlyOf(event: FakeCloudTrailEvent): boolean {
  try {
    const record: unknown = JSON.parse(event.cloudTrailEvent)
    if (isRecord(record) && typeof record.readOnly === 'boolean') return record.readOnly
  } catch {
    // Fall back to the name, which is how AWS classifies most calls anyway.
  }
  return /^(Get|List|Describe|Lookup|Head)/.test(event.eventName)
}

function attributeMatches(
  event: FakeCloudTrailEvent,
  attribute: LookupAttribute | undefined
): boolean {
  if (!attribute) return true
  const resources = event.resources ?? []
  const values: Record<LookupKey, (string | undefined)[]> = {
    EventId: [event.eventId],
    EventName: [event.eventName],
    ReadOnly: [String(readOnlyOf(event))],
    Username: [event.username],
    ResourceType: resources.map((r) => r.resourceType),
    ResourceName: resources.map((r) => r.resourceName),
    EventSource: [event.eventSource],
    AccessKeyId: [event.accessKeyId]
  }
  return values[attribute.key].includes(attribute.value)
}

function epochInput(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined
  if (typeof value !== 'number') {
    throw trailError('SerializationException', `${name} must be epoch seconds`)
  }
  return value * 1000
}

interface LookupQuery {
  attribute?: LookupAttribute
  fromMs: number
  toMs: number
  maxResults: number
  /** Identifies the query so a NextToken cannot be replayed against a different one. */
  fingerprint: string
}

function lookupQuery(ctx: Ctx): LookupQuery {
  const { json } = ctx
  const attribute = lookupAttribute(json.LookupAttributes)
  const start = epochInput(json.StartTime, 'StartTime')
  const end = epochInput(json.EndTime, 'EndTime')
  if (start !== undefined && end !== undefined && start > end) {
    throw trailError('InvalidTimeRangeException', 'Start time must be before end time.')
  }
  const maxResults = json.MaxResults ?? 50
  if (
    typeof maxResults !== 'number' ||
    !Number.isInteger(maxResults) ||
    maxResults < 1 ||
    maxResults > 50
  ) {
    throw trailError('InvalidMaxResultsException', 'MaxResults must be between 1 and 50.')
  }
  const retentionStart = Date.now() - ctx.state.options.cloudTrailRetentionDays * 86_400_000
  const fingerprint = sha256Hex(
    JSON.stringify([ctx.region, attribute, start, end, json.EventCategory])
  )
  return {
    attribute,
    fromMs: Math.max(start ?? 0, retentionStart),
    toMs: end ?? Date.now(),
    maxResults,
    fingerprint
  }
}

function matchingEvents(ctx: Ctx, query: LookupQuery): FakeCloudTrailEvent[] {
  return (ctx.caller.account.cloudTrail ?? [])
    .filter((e) => e.region === ctx.region)
    .filter((e) => e.eventTime.getTime() >= query.fromMs && e.eventTime.getTime() <= query.toMs)
    .filter((e) => attributeMatches(e, query.attribute))
    .sort(
      (a, b) => b.eventTime.getTime() - a.eventTime.getTime() || a.eventId.localeCompare(b.eventId)
    )
}

function decodeNextToken(token: unknown, fingerprint: string): number {
  if (token === undefined) return 0
  const invalid = trailError('InvalidNextTokenException', 'Invalid NextToken.')
  if (typeof token !== 'string') throw invalid
  const [offset, print] = Buffer.from(token, 'base64').toString('utf8').split(':')
  if (print !== fingerprint || !/^\d+$/.test(offset ?? '')) throw invalid
  return Number(offset)
}

function eventJson(event: FakeCloudTrailEvent): Record<string, unknown> {
  return {
    EventId: event.eventId,
    EventName: event.eventName,
    ReadOnly: String(readOnlyOf(event)),
    AccessKeyId: event.accessKeyId,
    EventTime: event.eventTime.getTime() / 1000,
    EventSource: event.eventSource,
    Username: event.username,
    Resources: (event.resources ?? []).map((r) => ({
      ResourceType: r.resourceType,
      ResourceName: r.resourceName
    })),
    CloudTrailEvent: event.cloudTrailEvent
  }
}

function lookupEvents(ctx: Ctx): Record<string, unknown> {
  const query = lookupQuery(ctx)
  const offset = decodeNextToken(ctx.json.NextToken, query.fingerprint)
  if (ctx.json.EventCategory === 'insight') return { Events: [] }
  const events = matchingEvents(ctx, query)
  const page = events.slice(offset, offset + query.maxResults)
  const next = offset + query.maxResults
  const nextToken =
    next < events.length
      ? Buffer.from(`${next}:${query.fingerprint}`).toString('base64')
      : undefined
  return { Events: page.map(eventJson), NextToken: nextToken }
}

export const CLOUDTRAIL_HANDLERS: Record<string, JsonHandler> = {
  LookupEvents: lookupEvents
}
