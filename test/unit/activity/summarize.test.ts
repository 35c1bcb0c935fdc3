import { describe, expect, it } from '@jest/globals'
import {
  ActivityAccumulator,
  MAX_VALUE_CHARS,
  summarizeActivity,
  topValues,
  type LookupEvent,
  type SummaryMeta
} from '../../../src/activity/summarize.js'

const ACCOUNT = '123456789012'
const KEY = 'AKIAIOSFODNN7EXAMPLE'

const META: SummaryMeta = {
  accessKeyId: KEY,
  userName: 'alice',
  lookups: [{ attribute: 'AccessKeyId', value: KEY }],
  window: { start: '2024-05-01T00:00:00.000Z', end: '2024-05-02T00:00:00.000Z', hours: 24 },
  regions: [{ region: 'us-east-1', status: 'ok', events: 0 }]
}

interface Spec {
  id: string
  name: string
  time: string
  source?: string
  region?: string
  ip?: string
  agent?: string
  error?: string
  keyId?: string
  resources?: { ResourceType?: string; ResourceName?: string }[]
}

/** A LookupEvents result as the SDK returns it, with the record JSON CloudTrail writes. */
function event(spec: Spec): LookupEvent & { Username: string; EventSource: string } {
  const keyId = spec.keyId ?? KEY
  const source = spec.source ?? 's3.amazonaws.com'
  const record = {
    eventVersion: '1.09',
    userIdentity: {
      type: 'IAMUser',
      principalId: 'AIDAJQABLZS4A3QDU576Q',
      arn: `arn:aws:iam::${ACCOUNT}:user/alice`,
      accountId: ACCOUNT,
      accessKeyId: keyId,
      userName: 'alice'
    },
    eventTime: spec.time,
    eventSource: source,
    eventName: spec.name,
    awsRegion: spec.region ?? 'us-east-1',
    sourceIPAddress: spec.ip ?? '203.0.113.7',
    userAgent: spec.agent ?? 'aws-cli/2.15.30 Python/3.11.8 Linux/6.5.0 exe/x86_64.ubuntu.22',
    ...(spec.error
      ? {
          errorCode: spec.error,
          errorMessage: `User: arn:aws:iam::${ACCOUNT}:user/alice is not authorized to perform: ${spec.name}`
        }
      : {}),
    requestParameters: spec.name === 'ListBuckets' ? null : { bucketName: 'logs' },
    responseElements: null,
    requestID: `req-${spec.id}`,
    eventID: spec.id,
    readOnly: spec.name.startsWith('List') || spec.name.startsWith('Get'),
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: ACCOUNT,
    eventCategory: 'Management'
  }
  return {
    EventId: spec.id,
    EventName: spec.name,
    ReadOnly: String(record.readOnly),
    AccessKeyId: keyId,
    EventTime: new Date(spec.time),
    EventSource: source,
    Username: 'alice',
    Resources: spec.resources ?? [],
    CloudTrailEvent: JSON.stringify(record)
  } as LookupEvent & { Username: string; EventSource: string }
}

const bucket = (name: string) => ({ ResourceType: 'AWS::S3::Bucket', ResourceName: name })

const REALISTIC: LookupEvent[] = [
  event({ id: 'e1', name: 'ListBuckets', time: '2024-05-01T08:00:00Z' }),
  event({
    id: 'e2',
    name: 'GetBucketAcl',
    time: '2024-05-01T08:01:00Z',
    resources: [bucket('logs')]
  }),
  event({
    id: 'e3',
    name: 'PutBucketPolicy',
    time: '2024-05-01T08:02:00Z',
    ip: '198.51.100.23',
    error: 'AccessDenied',
    resources: [bucket('logs')]
  }),
  event({
    id: 'e4',
    name: 'PutBucketPolicy',
    time: '2024-05-01T08:02:30Z',
    ip: '198.51.100.23',
    error: 'AccessDenied',
    resources: [bucket('backups')]
  }),
  event({
    id: 'e5',
    name: 'RunInstances',
    time: '2024-05-01T09:15:00Z',
    source: 'ec2.amazonaws.com',
    region: 'eu-west-1',
    ip: '198.51.100.23',
    agent: 'Boto3/1.34.69 Botocore/1.34.69',
    error: 'Client.UnauthorizedOperation',
    resources: [
      { ResourceType: 'AWS::EC2::Instance', ResourceName: 'i-0abc' },
      { ResourceType: 'AWS::EC2::Instance', ResourceName: 'i-0def' }
    ]
  }),
  event({
    id: 'e6',
    name: 'GetCallerIdentity',
    time: '2024-05-01T07:59:00Z',
    source: 'sts.amazonaws.com'
  })
]

describe('summarizeActivity', () => {
  const summary = summarizeActivity(REALISTIC, META)

  it('counts the events and their time span', () => {
    expect(summary.totalEvents).toBe(6)
    expect(summary.firstEventTime).toBe('2024-05-01T07:59:00.000Z')
    expect(summary.lastEventTime).toBe('2024-05-01T09:15:00.000Z')
    expect(summary.malformed).toBe(0)
    expect(summary.otherKeyEvents).toBe(0)
    expect(summary.truncated).toBe(false)
  })

  it('ranks event names, most frequent first and ties by name', () => {
    expect(summary.top.eventNames).toEqual([
      { value: 'PutBucketPolicy', count: 2 },
      { value: 'GetBucketAcl', count: 1 },
      { value: 'GetCallerIdentity', count: 1 },
      { value: 'ListBuckets', count: 1 },
      { value: 'RunInstances', count: 1 }
    ])
  })

  it('reads source IP, user agent, region and error code from the CloudTrailEvent JSON', () => {
    expect(summary.top.sourceIps).toEqual([
      { value: '198.51.100.23', count: 3 },
      { value: '203.0.113.7', count: 3 }
    ])
    expect(summary.top.userAgents).toEqual([
      { value: 'aws-cli/2.15.30 Python/3.11.8 Linux/6.5.0 exe/x86_64.ubuntu.22', count: 5 },
      { value: 'Boto3/1.34.69 Botocore/1.34.69', count: 1 }
    ])
    expect(summary.top.regions).toEqual([
      { value: 'us-east-1', count: 5 },
      { value: 'eu-west-1', count: 1 }
    ])
    expect(summary.top.errorCodes).toEqual([
      { value: 'AccessDenied', count: 2 },
      { value: 'Client.UnauthorizedOperation', count: 1 }
    ])
    expect(summary.errorEvents).toBe(3)
  })

  it('counts resources per event, and events without resources add none', () => {
    expect(summary.top.resourceNames).toEqual([
      { value: 'logs', count: 2 },
      { value: 'backups', count: 1 },
      { value: 'i-0abc', count: 1 },
      { value: 'i-0def', count: 1 }
    ])
    // RunInstances touched two instances: one event of that type.
    expect(summary.top.resourceTypes).toEqual([
      { value: 'AWS::S3::Bucket', count: 3 },
      { value: 'AWS::EC2::Instance', count: 1 }
    ])
  })

  it('carries the meta through and is plain JSON', () => {
    expect(summary).toMatchObject({
      accessKeyId: KEY,
      userName: 'alice',
      lookups: META.lookups,
      window: META.window,
      regions: META.regions
    })
    expect(JSON.parse(JSON.stringify(summary))).toEqual(summary)
  })

  it('does not depend on the order of the events', () => {
    const reversed = summarizeActivity([...REALISTIC].reverse(), META)
    expect(reversed).toEqual(summary)
  })

  it('has no times and empty lists without events', () => {
    const empty = summarizeActivity([], META)
    expect(empty.totalEvents).toBe(0)
    expect('firstEventTime' in empty).toBe(false)
    expect('lastEventTime' in empty).toBe(false)
    expect(Object.values(empty.top).every((list) => list.length === 0)).toBe(true)
  })

  it('leaves userName out when there is none', () => {
    const withoutUser = summarizeActivity([], { ...META, userName: undefined })
    expect('userName' in withoutUser).toBe(false)
  })

  it('is truncated when a region says so', () => {
    const regions = [
      { region: 'us-east-1', status: 'truncated' as const, events: 1000, message: 'cap' },
      { region: 'eu-west-1', status: 'ok' as const, events: 0 }
    ]
    expect(summarizeActivity([], { ...META, regions }).truncated).toBe(true)
  })
})

describe('malformed events', () => {
  const good = event({ id: 'ok-1', name: 'ListBuckets', time: '2024-05-01T10:00:00Z' })
  const broken: LookupEvent[] = [
    {
      ...event({ id: 'bad-json', name: 'ListBuckets', time: '2024-05-01T10:01:00Z' }),
      CloudTrailEvent: '{"eventVersion":"1.09",'
    },
    {
      ...event({ id: 'bad-array', name: 'ListBuckets', time: '2024-05-01T10:02:00Z' }),
      CloudTrailEvent: '[]'
    },
    {
      ...event({ id: 'bad-null', name: 'ListBuckets', time: '2024-05-01T10:03:00Z' }),
      CloudTrailEvent: 'null'
    },
    {
      ...event({ id: 'bad-missing', name: 'ListBuckets', time: '2024-05-01T10:04:00Z' }),
      CloudTrailEvent: undefined
    },
    // Neither an ID nor a time anywhere: nothing to dedupe on or to place in the window.
    { CloudTrailEvent: JSON.stringify({ eventName: 'ListBuckets' }) },
    { EventId: 'no-time', CloudTrailEvent: JSON.stringify({ eventName: 'ListBuckets' }) }
  ]

  it('are counted and skipped, never fatal', () => {
    const summary = summarizeActivity([good, ...broken], META)
    expect(summary.malformed).toBe(6)
    expect(summary.totalEvents).toBe(1)
    expect(summary.top.eventNames).toEqual([{ value: 'ListBuckets', count: 1 }])
    expect(summary.firstEventTime).toBe('2024-05-01T10:00:00.000Z')
    expect(summary.lastEventTime).toBe('2024-05-01T10:00:00.000Z')
  })

  it('are counted once when both lookups return them', () => {
    const twice = [broken[0], broken[0]].filter((e): e is LookupEvent => e !== undefined)
    expect(summarizeActivity(twice, META).malformed).toBe(1)
  })

  it('fall back on the JSON for the top-level fields LookupEvents left out', () => {
    const full = event({ id: 'json-only', name: 'DescribeInstances', time: '2024-05-01T11:00:00Z' })
    const summary = summarizeActivity([{ CloudTrailEvent: full.CloudTrailEvent }], META)
    expect(summary.malformed).toBe(0)
    expect(summary.totalEvents).toBe(1)
    expect(summary.top.eventNames).toEqual([{ value: 'DescribeInstances', count: 1 }])
    expect(summary.firstEventTime).toBe('2024-05-01T11:00:00.000Z')
  })

  it('survive a broken resource list', () => {
    const odd = { ...good, EventId: 'null-resource', Resources: [null, { ResourceName: 7 }] }
    const summary = summarizeActivity([odd as unknown as LookupEvent], META)
    expect(summary.totalEvents).toBe(1)
    expect(summary.top.resourceNames).toEqual([])
  })

  it('ignore fields of the wrong type instead of counting them', () => {
    const record = JSON.parse(good.CloudTrailEvent ?? '{}') as Record<string, unknown>
    const odd = {
      ...good,
      EventId: 'odd',
      CloudTrailEvent: JSON.stringify({
        ...record,
        sourceIPAddress: 42,
        userAgent: null,
        errorCode: ''
      })
    }
    const summary = summarizeActivity([odd], META)
    expect(summary.totalEvents).toBe(1)
    expect(summary.top.sourceIps).toEqual([])
    expect(summary.top.userAgents).toEqual([])
    expect(summary.top.errorCodes).toEqual([])
    expect(summary.errorEvents).toBe(0)
  })
})

describe('deduplication and other keys', () => {
  it('counts an event once when the AccessKeyId and Username lookups both return it', () => {
    const e = event({ id: 'same', name: 'ListBuckets', time: '2024-05-01T10:00:00Z' })
    const accumulator = new ActivityAccumulator(KEY)
    expect(accumulator.add(e)).toBe('counted')
    expect(accumulator.add({ ...e })).toBe('duplicate')
    expect(accumulator.summary(META).totalEvents).toBe(1)
  })

  it('keeps temporary credentials and leaves out the user’s other long-term keys', () => {
    const events = [
      event({ id: 'own', name: 'ListBuckets', time: '2024-05-01T10:00:00Z' }),
      event({
        id: 'session',
        name: 'GetCallerIdentity',
        time: '2024-05-01T10:05:00Z',
        keyId: 'ASIAY34FZKBOKMUTVV7A'
      }),
      event({
        id: 'other',
        name: 'ListBuckets',
        time: '2024-05-01T10:06:00Z',
        keyId: 'AKIAOTHERKEY00000000'
      })
    ]
    const accumulator = new ActivityAccumulator(KEY)
    expect(events.map((e) => accumulator.add(e))).toEqual(['counted', 'counted', 'other-key'])
    const summary = accumulator.summary(META)
    expect(summary.totalEvents).toBe(2)
    expect(summary.otherKeyEvents).toBe(1)
    expect(summary.lastEventTime).toBe('2024-05-01T10:05:00.000Z')
  })

  it('keeps events that name no key, such as a console sign-in', () => {
    const signIn = event({ id: 'console', name: 'ConsoleLogin', time: '2024-05-01T10:00:00Z' })
    const record = JSON.parse(signIn.CloudTrailEvent ?? '{}') as {
      userIdentity: Record<string, unknown>
    }
    delete record.userIdentity.accessKeyId
    const summary = summarizeActivity(
      [{ ...signIn, AccessKeyId: undefined, CloudTrailEvent: JSON.stringify(record) }],
      META
    )
    expect(summary.totalEvents).toBe(1)
  })
})

describe('top lists', () => {
  it('keeps the ten most frequent, ties broken by value', () => {
    const counts = new Map<string, number>([
      ...Array.from(
        { length: 12 },
        (_, i) => [`Name${String.fromCharCode(76 - i)}`, 1] as [string, number]
      ),
      ['Zeta', 5],
      ['Alpha', 5]
    ])
    const top = topValues(counts)
    expect(top).toHaveLength(10)
    expect(top.slice(0, 3)).toEqual([
      { value: 'Alpha', count: 5 },
      { value: 'Zeta', count: 5 },
      { value: 'NameA', count: 1 }
    ])
    expect(top.at(-1)).toEqual({ value: 'NameH', count: 1 })
  })

  it('orders ties by code unit, not by locale', () => {
    const top = topValues(
      new Map([
        ['b', 1],
        ['B', 1],
        ['a', 1],
        ['É', 1]
      ])
    )
    expect(top.map((t) => t.value)).toEqual(['B', 'a', 'b', 'É'])
  })

  it('cuts very long values so the counters stay small', () => {
    const agent = 'x'.repeat(5000)
    const summary = summarizeActivity(
      [event({ id: 'long', name: 'ListBuckets', time: '2024-05-01T10:00:00Z', agent })],
      META
    )
    const value = summary.top.userAgents[0]?.value ?? ''
    expect(Array.from(value)).toHaveLength(MAX_VALUE_CHARS)
    expect(value.endsWith('…')).toBe(true)
  })
})
