// Turns LookupEvents results into an ActivitySummary. Incremental (ActivityAccumulator) so the
// lookup can drop each page once it is counted; summarizeActivity is the same thing over a list.
import type { CloudTrailEvent } from '../aws/cloudtrail.js'
import {
  TOP_FIELDS,
  TOP_LIMIT,
  type ActivityLookup,
  type ActivitySummary,
  type ActivityWindow,
  type EventSpan,
  type RegionActivity,
  type TopField,
  type TopLists,
  type TopValue
} from '../domain/activity.js'
import { EvidenceCollector, type MintedKey } from './evidence.js'

/** The parts of a LookupEvents result the summary reads. */
export type LookupEvent = CloudTrailEvent

/** What the summary says besides the events: who, how it was searched, how each region did. */
export interface SummaryMeta {
  accessKeyId: string
  userName?: string
  lookups: ActivityLookup[]
  window: ActivityWindow
  regions: RegionActivity[]
  /** With evidence: the minted keys looked up in turn, and how many were not. */
  sessionKeys?: readonly string[]
  sessionKeysNotFollowed?: number
}

/** What became of one event: only 'duplicate' was not seen before. */
export type AddOutcome = 'counted' | 'duplicate' | 'malformed' | 'other-key'

/** Longer values (user agents can run to kilobytes) are cut, which bounds the counters' memory. */
export const MAX_VALUE_CHARS = 512

type JsonRecord = Record<string, unknown>

const isRecord = (value: unknown): value is JsonRecord =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** The CloudTrailEvent JSON as an object, or undefined when it is missing or not an object. */
function parseRecord(json: string | undefined): JsonRecord | undefined {
  if (json === undefined) return undefined
  try {
    const parsed: unknown = JSON.parse(json)
    return isRecord(parsed) ? parsed : undefined
  } catch {
    return undefined
  }
}

function clip(value: string): string {
  const chars = Array.from(value)
  return chars.length > MAX_VALUE_CHARS ? `${chars.slice(0, MAX_VALUE_CHARS - 1).join('')}…` : value
}

/** A non-empty string field, cut to MAX_VALUE_CHARS; anything else counts as absent. */
function text(value: unknown): string | undefined {
  if (typeof value !== 'string' || value === '') return undefined
  return value.length > MAX_VALUE_CHARS ? clip(value) : value
}

function eventTimeMs(event: LookupEvent, record: JsonRecord): number | undefined {
  const top = event.EventTime?.getTime()
  if (top !== undefined && Number.isFinite(top)) return top
  const parsed = typeof record.eventTime === 'string' ? Date.parse(record.eventTime) : NaN
  return Number.isFinite(parsed) ? parsed : undefined
}

function keyIdOf(event: LookupEvent, record: JsonRecord): string | undefined {
  const identity = isRecord(record.userIdentity) ? record.userIdentity : {}
  return text(event.AccessKeyId) ?? text(identity.accessKeyId)
}

/** The access key that made the call, as the event says it. */
export function eventKeyId(event: LookupEvent): string | undefined {
  return keyIdOf(event, parseRecord(event.CloudTrailEvent) ?? {})
}

/** Each resource name and type once per event: the counts are "events that touched it". */
function resourceValues(event: LookupEvent, field: 'ResourceName' | 'ResourceType'): string[] {
  // A null entry would be a broken answer, not a reason to fail the whole key.
  const values = (event.Resources ?? []).map((r) => text(r?.[field]))
  return [...new Set(values.filter((v): v is string => v !== undefined))]
}

/** Most frequent first; equal counts by value in code unit order, so output never depends on input order. */
export function topValues(counts: ReadonlyMap<string, number>, limit = TOP_LIMIT): TopValue[] {
  return [...counts]
    .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0))
    .slice(0, limit)
    .map(([value, count]) => ({ value, count }))
}

export class ActivityAccumulator {
  private readonly seen = new Set<string>()
  private readonly counters = Object.fromEntries(
    TOP_FIELDS.map((field) => [field, new Map<string, number>()])
  ) as Record<TopField, Map<string, number>>
  private total = 0
  private malformed = 0
  private otherKey = 0
  private errors = 0
  private first = Infinity
  private last = -Infinity
  private readonly evidence?: EvidenceCollector

  /** With `evidence` (incident mode), it also reads each event for the incident's evidence. */
  constructor(
    readonly accessKeyId: string,
    evidence = false
  ) {
    if (evidence) this.evidence = new EvidenceCollector()
  }

  /** The temporary keys the counted events minted (with evidence only). */
  mintedKeys(): MintedKey[] {
    return this.evidence?.mintedKeys() ?? []
  }

  /** Counts one event unless it was seen already (the AccessKeyId and Username lookups overlap). */
  add(event: LookupEvent): AddOutcome {
    const record = parseRecord(event.CloudTrailEvent)
    const id = text(event.EventId) ?? text(record?.eventID)
    if (id !== undefined) {
      if (this.seen.has(id)) return 'duplicate'
      this.seen.add(id)
    }
    const time = record && eventTimeMs(event, record)
    if (!record || id === undefined || time === undefined) {
      this.malformed++
      return 'malformed'
    }
    const keyId = keyIdOf(event, record)
    if (this.isOtherKey(keyId)) {
      this.otherKey++
      return 'other-key'
    }
    this.count(event, record, time)
    this.evidence?.add(record, id, time, keyId)
    return 'counted'
  }

  summary(meta: SummaryMeta): ActivitySummary {
    return {
      accessKeyId: meta.accessKeyId,
      ...(meta.userName === undefined ? {} : { userName: meta.userName }),
      lookups: meta.lookups.map((l) => ({ ...l })),
      window: { ...meta.window },
      regions: meta.regions.map((r) => ({ ...r })),
      ...this.span(),
      malformed: this.malformed,
      otherKeyEvents: this.otherKey,
      errorEvents: this.errors,
      truncated: meta.regions.some((r) => r.status === 'truncated'),
      top: this.topLists(),
      ...(this.evidence
        ? {
            evidence: this.evidence.result(meta.sessionKeys ?? [], meta.sessionKeysNotFollowed ?? 0)
          }
        : {})
    }
  }

  /** A long-term key other than this one: its events belong to that key's summary, not this one. */
  private isOtherKey(keyId: string | undefined): boolean {
    return keyId !== undefined && keyId.startsWith('AKIA') && keyId !== this.accessKeyId
  }

  private count(event: LookupEvent, record: JsonRecord, time: number): void {
    this.total++
    this.first = Math.min(this.first, time)
    this.last = Math.max(this.last, time)
    this.bump('eventNames', text(event.EventName) ?? text(record.eventName))
    const errorCode = text(record.errorCode)
    if (errorCode !== undefined) this.errors++
    this.bump('errorCodes', errorCode)
    this.bump('sourceIps', text(record.sourceIPAddress))
    this.bump('userAgents', text(record.userAgent))
    this.bump('regions', text(record.awsRegion))
    for (const name of resourceValues(event, 'ResourceName')) this.bump('resourceNames', name)
    for (const type of resourceValues(event, 'ResourceType')) this.bump('resourceTypes', type)
  }

  private bump(field: TopField, value: string | undefined): void {
    if (value === undefined) return
    const counter = this.counters[field]
    counter.set(value, (counter.get(value) ?? 0) + 1)
  }

  private span(): EventSpan {
    if (this.total === 0) return { totalEvents: 0 }
    return {
      totalEvents: this.total,
      firstEventTime: new Date(this.first).toISOString(),
      lastEventTime: new Date(this.last).toISOString()
    }
  }

  private topLists(): TopLists {
    return Object.fromEntries(
      TOP_FIELDS.map((field) => [field, topValues(this.counters[field])])
    ) as TopLists
  }
}

/** The summary of a list of events: pure, and what the lookup builds page by page. */
export function summarizeActivity(
  events: Iterable<LookupEvent>,
  meta: SummaryMeta
): ActivitySummary {
  const accumulator = new ActivityAccumulator(meta.accessKeyId)
  for (const event of events) accumulator.add(event)
  return accumulator.summary(meta)
}
