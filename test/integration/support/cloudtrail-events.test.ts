// The CloudTrail seeding helper the activity tests (and the e2e tests after integration) rely on.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { CloudTrailClient, paginateLookupEvents } from '@aws-sdk/client-cloudtrail'
import { eventId, makeEvents, tally, topOf } from '../../support/cloudtrail-events.js'
import { FakeAws } from '../../support/fake-aws/index.js'

const START = new Date('2024-05-01T08:00:00Z')

describe('makeEvents', () => {
  const events = makeEvents({
    accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
    userName: 'alice',
    region: 'eu-west-1',
    count: 40,
    start: START
  })
  const records = events.map((e) => JSON.parse(e.cloudTrailEvent) as Record<string, unknown>)

  it('writes records shaped like CloudTrail’s', () => {
    const first = records[0] ?? {}
    expect(first).toMatchObject({
      eventVersion: '1.09',
      userIdentity: {
        type: 'IAMUser',
        arn: 'arn:aws:iam::123456789012:user/alice',
        accountId: '123456789012',
        accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
        userName: 'alice'
      },
      eventTime: '2024-05-01T08:00:00Z',
      eventSource: 'sts.amazonaws.com',
      eventName: 'GetCallerIdentity',
      awsRegion: 'eu-west-1',
      eventID: events[0]?.eventId,
      eventType: 'AwsApiCall',
      managementEvent: true,
      recipientAccountId: '123456789012'
    })
    expect(first.sourceIPAddress).toMatch(/^\d+\.\d+\.\d+\.\d+$/)
    expect(first.userAgent).toMatch(/aws-cli|Boto3|aws-sdk-js/)
  })

  it('matches the top-level fields to the record', () => {
    for (const [i, e] of events.entries()) {
      const record = records[i] ?? {}
      expect(e.eventName).toBe(record.eventName)
      expect(e.eventSource).toBe(record.eventSource)
      expect(e.eventTime.toISOString().replace('.000Z', 'Z')).toBe(record.eventTime)
      expect(e.username).toBe('alice')
      expect(e.region).toBe('eu-west-1')
    }
  })

  it('varies the content: errors on some, resources on some, several IPs and agents', () => {
    expect(records.filter((r) => r.errorCode === 'AccessDenied')).toHaveLength(8)
    expect(records.filter((r) => typeof r.errorMessage === 'string')).toHaveLength(8)
    expect(events.filter((e) => e.resources === undefined).length).toBeGreaterThan(0)
    expect(events.filter((e) => (e.resources ?? []).length > 0).length).toBeGreaterThan(0)
    expect(new Set(records.map((r) => r.sourceIPAddress)).size).toBe(3)
    expect(new Set(records.map((r) => r.userAgent)).size).toBe(3)
    expect(new Set(events.map((e) => e.eventName)).size).toBe(8)
  })

  it('gives unique UUID-shaped IDs, oldest event first, at the interval', () => {
    expect(new Set(events.map((e) => e.eventId)).size).toBe(40)
    expect(events[0]?.eventId).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
    )
    expect(events[1]?.eventTime.getTime()).toBe(START.getTime() + 60_000)
    expect(eventId('x')).toBe(eventId('x'))
  })

  it('is deterministic', () => {
    const again = makeEvents({
      accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
      userName: 'alice',
      region: 'eu-west-1',
      count: 40,
      start: START
    })
    expect(again).toEqual(events)
  })

  it('marks sessions of temporary credentials like CloudTrail does', () => {
    const [session] = makeEvents({
      accessKeyId: 'ASIAY34FZKBOKMUTVV7A',
      userName: 'alice',
      region: 'us-east-1',
      count: 1,
      start: START
    })
    const record = JSON.parse(session?.cloudTrailEvent ?? '{}') as {
      userIdentity: Record<string, unknown>
    }
    expect(record.userIdentity).toMatchObject({
      type: 'IAMUser',
      accessKeyId: 'ASIAY34FZKBOKMUTVV7A',
      sessionContext: { attributes: { mfaAuthenticated: 'false' } }
    })
  })

  it('writes unreadable records on request, and options turn errors off', () => {
    const mixed = makeEvents({
      accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
      userName: 'alice',
      region: 'us-east-1',
      count: 20,
      start: START,
      malformedEvery: 4,
      errorEvery: 0
    })
    const t = tally(mixed)
    expect(t).toMatchObject({ total: 15, malformed: 5, errorEvents: 0, errorCodes: {} })
  })
})

describe('tally and topOf', () => {
  it('count the seeded events directly', () => {
    const events = makeEvents({
      accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
      userName: 'alice',
      region: 'us-east-1',
      count: 16,
      start: START
    })
    const t = tally(events)
    expect(t.total).toBe(16)
    expect(t.eventNames).toEqual({
      GetCallerIdentity: 2,
      ListBuckets: 2,
      DescribeInstances: 2,
      ListUsers: 2,
      CreateAccessKey: 2,
      RunInstances: 2,
      PutBucketPolicy: 2,
      ListSecrets: 2
    })
    expect(t.errorCodes).toEqual({ AccessDenied: 3 })
    expect(t.regions).toEqual({ 'us-east-1': 16 })
    // RunInstances names two resources, of two types: each counts once per event.
    expect(t.resourceTypes).toEqual({
      'AWS::IAM::User': 2,
      'AWS::EC2::Instance': 2,
      'AWS::EC2::Ami': 2,
      'AWS::S3::Bucket': 2
    })
    expect(topOf({ b: 1, a: 1, c: 3 })).toEqual([
      { value: 'c', count: 3 },
      { value: 'a', count: 1 },
      { value: 'b', count: 1 }
    ])
  })
})

describe('seeded events through the fake CloudTrail', () => {
  const now = Date.now()
  const events = makeEvents({
    accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
    userName: 'alice',
    region: 'us-east-1',
    count: 75,
    start: new Date(now - 2 * 3_600_000)
  })
  const fake = new FakeAws({ accountId: '123456789012', users: [], cloudTrail: events })
  let client: CloudTrailClient

  beforeAll(async () => {
    const endpoint = await fake.start()
    client = new CloudTrailClient({
      endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIDCALLER0000000000', secretAccessKey: 'secret' }
    })
  })
  afterAll(async () => {
    client.destroy()
    await fake.stop()
  })

  it('come back newest first, in pages, with the record JSON intact', async () => {
    const seen: string[] = []
    const filter = {
      LookupAttributes: [{ AttributeKey: 'Username' as const, AttributeValue: 'alice' }],
      StartTime: new Date(now - 3 * 3_600_000)
    }
    for await (const page of paginateLookupEvents({ client, pageSize: 50 }, filter)) {
      for (const e of page.Events ?? []) {
        seen.push(e.EventId ?? '')
        expect(JSON.parse(e.CloudTrailEvent ?? '')).toMatchObject({ eventID: e.EventId })
      }
    }
    expect(seen).toEqual(events.map((e) => e.eventId).reverse())
    expect(fake.callsTo('LookupEvents')).toHaveLength(2)
  })
})
