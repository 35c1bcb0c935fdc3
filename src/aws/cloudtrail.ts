// cloudtrail:LookupEvents, one page at a time: the caller paces and retries each page.
import { LookupEventsCommand } from '@aws-sdk/client-cloudtrail'
import type { LookupAttributeKey } from '../domain/activity.js'
import type { CloudTrailApi } from './clients.js'

/** The parts of a LookupEvents event the summary reads. */
export interface CloudTrailEvent {
  EventId?: string
  EventName?: string
  EventTime?: Date
  AccessKeyId?: string
  Resources?: { ResourceType?: string; ResourceName?: string }[]
  CloudTrailEvent?: string
}

export interface EventsPageRequest {
  attribute: LookupAttributeKey
  value: string
  start: Date
  end: Date
  pageSize: number
  nextToken?: string
}

export interface EventsPage {
  events: CloudTrailEvent[]
  /** Undefined on the last page. */
  nextToken?: string
}

export async function lookupEventsPage(
  client: CloudTrailApi,
  request: EventsPageRequest
): Promise<EventsPage> {
  const page = await client.send(
    new LookupEventsCommand({
      LookupAttributes: [{ AttributeKey: request.attribute, AttributeValue: request.value }],
      StartTime: request.start,
      EndTime: request.end,
      MaxResults: request.pageSize,
      ...(request.nextToken === undefined ? {} : { NextToken: request.nextToken })
    })
  )
  return { events: page.Events ?? [], nextToken: page.NextToken }
}
