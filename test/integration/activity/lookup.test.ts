// lookupActivity through the real CloudTrail SDK client against the loopback fake AWS.
import { afterEach, describe, expect, it } from '@jest/globals'
import {
  lookupActivity,
  type ActivityTarget,
  type LookupOptions
} from '../../../src/activity/lookup.js'
import type { ActivitySummary } from '../../../src/domain/activity.js'
import { makeEvents, tally, topOf } from '../../support/cloudtrail-events.js'
import {
  FakeAws,
  type FakeAwsOptions,
  type FakeCloudTrailEvent,
  type RecordedCall
} from '../../support/fake-aws/index.js'

const ACCOUNT = '123456789012'
const CALLER = { accessKeyId: 'AKIDCALLER0000000000', secretAccessKey: 'secret' }
const HOUR = 3_600_000
// Whole seconds, as CloudTrail stores them; the window ends now, events lie well inside it.
const NOW = new Date(Math.floor(Date.now() / 1000) * 1000)
const START = new Date(NOW.getTime() - 20 * HOUR)
const DENIED_MESSAGE =
  'User: arn:aws:sts::123456789012:assumed-role/iam-key-sentinel/run-1 is not authorized to perform: cloudtrail:LookupEvents because no identity-based policy allows the cloudtrail:LookupEvents action'

const KEY1 = 'AKIAKEY1000000000001'
const KEY2 = 'AKIAKEY2000000000002'
const KEY3 = 'AKIAKEY3000000000003'

let fake: FakeAws | undefined
let endpoint = ''

async function serve(
  events: FakeCloudTrailEvent[],
  options: FakeAwsOptions = {}
): Promise<FakeAws> {
  fake = new FakeAws({ accountId: ACCOUNT, users: [], cloudTrail: events }, options)
  endpoint = await fake.start()
  return fake
}

afterEach(async () => {
  await fake?.stop()
  fake = undefined
})

function options(extra: Partial<LookupOptions> = {}): LookupOptions {
  return {
    regions: ['us-east-1', 'eu-west-1'],
    lookbackHours: 24,
    maxEvents: 1000,
    now: NOW,
    credentials: CALLER,
    endpoint,
    ratePerSecond: 50,
    // More attempts than any test injects faults, so no request can run out of them.
    retry: {
      throttling: { attempts: 8, baseDelayMs: 10 },
      serverError: { attempts: 8, baseDelayMs: 10 }
    },
    ...extra
  }
}

const seed = (accessKeyId: string, region: string, count: number, userName = 'alice') =>
  makeEvents({ accessKeyId, userName, region, count, start: START, intervalMs: 30_000 })

const byKey = (...ids: string[]): ActivityTarget[] =>
  ids.map((accessKeyId) => ({ accessKeyId, userName: 'alice', byUsername: false }))

const lookups = (aws: FakeAws, region?: string): RecordedCall[] =>
  aws.callsTo('LookupEvents').filter((c) => region === undefined || c.region === region)

const attributeOf = (call: RecordedCall): string => {
  const [attribute] = JSON.parse(call.params.LookupAttributes ?? '[]') as {
    AttributeKey: string
    AttributeValue: string
  }[]
  return `${attribute?.AttributeKey}=${attribute?.AttributeValue}`
}

function summaryOf(result: Map<string, ActivitySummary>, key: string): ActivitySummary {
  const summary = result.get(key)
  if (!summary) throw new Error(`no summary for ${key}`)
  return summary
}

/** The summary's figures must equal a direct count of the seeded events. */
function expectExact(summary: ActivitySummary, events: FakeCloudTrailEvent[]): void {
  const t = tally(events)
  expect(summary.totalEvents).toBe(t.total)
  expect(summary.malformed).toBe(t.malformed)
  expect(summary.errorEvents).toBe(t.errorEvents)
  expect(summary.top).toEqual({
    eventNames: topOf(t.eventNames),
    errorCodes: topOf(t.errorCodes),
    sourceIps: topOf(t.sourceIps),
    userAgents: topOf(t.userAgents),
    resourceNames: topOf(t.resourceNames),
    resourceTypes: topOf(t.resourceTypes),
    regions: topOf(t.regions)
  })
}

describe('lookupActivity: pages and regions', () => {
  it('pages through every event of two regions and counts them exactly', async () => {
    const east = seed(KEY1, 'us-east-1', 120)
    const west = seed(KEY1, 'eu-west-1', 30)
    const aws = await serve([...east, ...west, ...seed(KEY3, 'us-east-1', 5)])

    const result = await lookupActivity(byKey(KEY1, KEY2), options())

    const one = summaryOf(result, KEY1)
    expectExact(one, [...east, ...west])
    expect(one.regions).toEqual([
      { region: 'us-east-1', status: 'ok', events: 120 },
      { region: 'eu-west-1', status: 'ok', events: 30 }
    ])
    expect(one.firstEventTime).toBe(east[0]?.eventTime.toISOString())
    expect(one.lastEventTime).toBe(east.at(-1)?.eventTime.toISOString())
    expect(one.truncated).toBe(false)
    expect(one.window).toEqual({
      start: new Date(NOW.getTime() - 24 * HOUR).toISOString(),
      end: NOW.toISOString(),
      hours: 24
    })
    expect(one.lookups).toEqual([{ attribute: 'AccessKeyId', value: KEY1 }])
    // 120 events are three pages of 50; an empty answer is still one request.
    expect(
      lookups(aws, 'us-east-1').filter((c) => attributeOf(c) === `AccessKeyId=${KEY1}`)
    ).toHaveLength(3)
    expect(lookups(aws, 'eu-west-1')).toHaveLength(2)
    expect(summaryOf(result, KEY2)).toMatchObject({
      totalEvents: 0,
      regions: [{ status: 'ok' }, { status: 'ok' }]
    })
  })

  it('asks for the window, 50 a page, and follows NextToken', async () => {
    const aws = await serve(seed(KEY1, 'us-east-1', 60))
    await lookupActivity(byKey(KEY1), options({ regions: ['us-east-1'] }))
    const [first, second] = lookups(aws).map((c) => JSON.parse(c.body) as Record<string, unknown>)
    expect(first).toEqual({
      LookupAttributes: [{ AttributeKey: 'AccessKeyId', AttributeValue: KEY1 }],
      StartTime: (NOW.getTime() - 24 * HOUR) / 1000,
      EndTime: NOW.getTime() / 1000,
      MaxResults: 50
    })
    expect(second).toEqual({ ...first, NextToken: expect.any(String) })
  })

  it('counts malformed events and goes on', async () => {
    const events = makeEvents({
      accessKeyId: KEY1,
      userName: 'alice',
      region: 'us-east-1',
      count: 70,
      start: START,
      malformedEvery: 7
    })
    await serve(events)
    const summary = summaryOf(
      await lookupActivity(byKey(KEY1), options({ regions: ['us-east-1'] })),
      KEY1
    )
    expect(summary.malformed).toBe(10)
    expectExact(summary, events)
    expect(summary.regions).toEqual([{ region: 'us-east-1', status: 'ok', events: 70 }])
  })

  it('honours AWS_ENDPOINT_URL when no endpoint is given', async () => {
    const aws = await serve(seed(KEY1, 'us-east-1', 3))
    const saved = process.env.AWS_ENDPOINT_URL
    process.env.AWS_ENDPOINT_URL = endpoint
    try {
      const result = await lookupActivity(byKey(KEY1), {
        ...options({ regions: ['us-east-1'] }),
        endpoint: undefined
      })
      expect(summaryOf(result, KEY1).totalEvents).toBe(3)
      expect(lookups(aws)).toHaveLength(1)
    } finally {
      if (saved === undefined) delete process.env.AWS_ENDPOINT_URL
      else process.env.AWS_ENDPOINT_URL = saved
    }
  })
})

describe('lookupActivity: throttling', () => {
  it('retries injected ThrottlingException and still counts exactly', async () => {
    const east = seed(KEY1, 'us-east-1', 120)
    const west = seed(KEY1, 'eu-west-1', 80)
    const aws = await serve([...east, ...west])
    aws.addFault({
      service: 'cloudtrail',
      action: 'LookupEvents',
      times: 5,
      fault: { status: 400, code: 'ThrottlingException' }
    })

    const summary = summaryOf(await lookupActivity(byKey(KEY1), options()), KEY1)

    expectExact(summary, [...east, ...west])
    expect(summary.regions.map((r) => r.status)).toEqual(['ok', 'ok'])
    const statuses = lookups(aws).map((c) => c.status)
    expect(statuses.filter((s) => s === 400)).toHaveLength(5)
    expect(statuses.filter((s) => s === 200)).toHaveLength(3 + 2)
  })

  it('paces 2 requests per second per region, regions in parallel', async () => {
    // The fake's own limit runs on real time, so it stays off here: the next test meets it.
    const aws = await serve([...seed(KEY1, 'us-east-1', 120), ...seed(KEY1, 'eu-west-1', 120)])
    // Each region's bucket runs on a virtual clock of its own: a wait moves it on at once, so
    // the times the bucket grants are exact and no real time passes.
    const granted = new Map<string, number[]>()
    const bucketClock = (region: string) => {
      let now = 0
      const times: number[] = []
      granted.set(region, times)
      return {
        now: () => now,
        sleep: async (ms: number) => {
          now += ms
          times.push(now)
        }
      }
    }
    const summary = summaryOf(
      await lookupActivity(byKey(KEY1), options({ ratePerSecond: 2, bucketClock })),
      KEY1
    )

    expect(summary.totalEvents).toBe(240)
    for (const region of ['us-east-1', 'eu-west-1']) {
      expect(lookups(aws, region)).toHaveLength(3)
      // The first request goes at once, each later one 500 ms after the one before.
      expect(granted.get(region)).toEqual([500, 1000])
    }
    // In parallel: both regions' first pages are asked before either region's last one.
    const order = lookups(aws).map((c) => c.region)
    const lastOf = (r: string): number => order.lastIndexOf(r)
    expect(order.indexOf('eu-west-1')).toBeLessThan(lastOf('us-east-1'))
    expect(order.indexOf('us-east-1')).toBeLessThan(lastOf('eu-west-1'))
  })

  it('rides out the real limit when the client is set faster than it', async () => {
    const events = [KEY1, KEY2, KEY3].flatMap((key, i) => seed(key, 'us-east-1', 40 + 50 * i))
    const aws = await serve(events, { cloudTrailRateLimit: { perSecond: 2 } })

    const result = await lookupActivity(
      byKey(KEY1, KEY2, KEY3),
      options({
        regions: ['us-east-1'],
        ratePerSecond: 8,
        retry: {
          throttling: { attempts: 8, baseDelayMs: 100 },
          serverError: { attempts: 8, baseDelayMs: 100 }
        }
      })
    )

    expect(lookups(aws).some((c) => c.status === 400)).toBe(true)
    for (const [i, key] of [KEY1, KEY2, KEY3].entries()) {
      const summary = summaryOf(result, key)
      expect(summary.regions).toEqual([{ region: 'us-east-1', status: 'ok', events: 40 + 50 * i }])
      expectExact(
        summary,
        events.filter((e) => e.accessKeyId === key)
      )
    }
  })
})

describe('lookupActivity: regions that fail', () => {
  it('records a region that answers AccessDenied, asks it no more, and goes on', async () => {
    const east = [KEY1, KEY2, KEY3].map((key) => seed(key, 'us-east-1', 60))
    const aws = await serve([...east.flat(), ...seed(KEY1, 'eu-west-1', 10)])
    aws.addFault({
      service: 'cloudtrail',
      match: (call) => call.region === 'eu-west-1',
      fault: { status: 400, code: 'AccessDeniedException', message: DENIED_MESSAGE }
    })

    // One lookup in flight per region: the next key's request starts only after the denial
    // is in, so exactly one request may reach eu-west-1, however slow the machine.
    const result = await lookupActivity(
      byKey(KEY1, KEY2, KEY3),
      options({ ratePerSecond: 4, inFlightPerRegion: 1 })
    )

    for (const [i, key] of [KEY1, KEY2, KEY3].entries()) {
      const summary = summaryOf(result, key)
      expectExact(summary, east[i] ?? [])
      expect(summary.regions).toEqual([
        { region: 'us-east-1', status: 'ok', events: 60 },
        {
          region: 'eu-west-1',
          status: 'denied',
          events: 0,
          message: `AccessDeniedException: ${DENIED_MESSAGE}`
        }
      ])
    }
    expect(lookups(aws, 'eu-west-1')).toHaveLength(1)
  })

  it('records a region still failing after the retries as unavailable', async () => {
    const aws = await serve(seed(KEY1, 'us-east-1', 10))
    aws.addFault({
      service: 'cloudtrail',
      match: (call) => call.region === 'eu-west-1',
      fault: { status: 503, code: 'ServiceUnavailableException', message: 'Service is unavailable' }
    })

    const result = await lookupActivity(
      byKey(KEY1),
      options({
        retry: {
          throttling: { attempts: 8, baseDelayMs: 5 },
          serverError: { attempts: 3, baseDelayMs: 5 }
        }
      })
    )

    expect(summaryOf(result, KEY1).regions).toEqual([
      { region: 'us-east-1', status: 'ok', events: 10 },
      {
        region: 'eu-west-1',
        status: 'unavailable',
        events: 0,
        message: 'ServiceUnavailableException: Service is unavailable (after 3 attempts)'
      }
    ])
    expect(lookups(aws, 'eu-west-1')).toHaveLength(3)
  })

  it('reports a region answering 500 unavailable after a few quick attempts by default', async () => {
    // moto answers every LookupEvents with a 500; a real region in trouble may too.
    const aws = await serve(seed(KEY1, 'us-east-1', 10))
    aws.addFault({
      service: 'cloudtrail',
      match: (call) => call.region === 'eu-west-1',
      fault: { status: 500, code: 'InternalFailure', message: 'boom' }
    })
    const waits: number[] = []

    const result = await lookupActivity(
      byKey(KEY1, KEY2, KEY3),
      options({ retry: undefined, sleep: async (ms) => void waits.push(ms) })
    )

    for (const key of [KEY1, KEY2, KEY3]) {
      expect(summaryOf(result, key).regions[1]).toMatchObject({
        region: 'eu-west-1',
        status: 'unavailable',
        message: 'InternalFailure: boom (after 3 attempts)'
      })
    }
    // At most the 4 lookups already in flight each spend their 3 attempts; then the region is
    // known to be failing and no more requests go there.
    expect(lookups(aws, 'eu-west-1').length).toBeLessThanOrEqual(12)
    expect(Math.max(...waits)).toBeLessThanOrEqual(200)
  })

  it('keeps what a region returned before it failed', async () => {
    const aws = await serve(seed(KEY1, 'us-east-1', 120))
    let answered = 0
    aws.addFault({
      service: 'cloudtrail',
      match: () => ++answered > 1,
      fault: { status: 400, code: 'AccessDeniedException', message: DENIED_MESSAGE }
    })
    const summary = summaryOf(
      await lookupActivity(byKey(KEY1), options({ regions: ['us-east-1'] })),
      KEY1
    )
    expect(summary.totalEvents).toBe(50)
    expect(summary.regions).toEqual([
      {
        region: 'us-east-1',
        status: 'denied',
        events: 50,
        message: `AccessDeniedException: ${DENIED_MESSAGE}`
      }
    ])
  })
})

describe('lookupActivity: max-events', () => {
  it('stops at max-events, keeps the newest, and says the window was not covered', async () => {
    const events = seed(KEY1, 'us-east-1', 120)
    const aws = await serve(events)
    const summary = summaryOf(
      await lookupActivity(byKey(KEY1), options({ regions: ['us-east-1'], maxEvents: 60 })),
      KEY1
    )
    expect(summary.totalEvents).toBe(60)
    expect(summary.truncated).toBe(true)
    expect(summary.regions).toEqual([
      {
        region: 'us-east-1',
        status: 'truncated',
        events: 60,
        message: 'stopped at max-events (60) before the window was covered'
      }
    ])
    expect(summary.lastEventTime).toBe(events.at(-1)?.eventTime.toISOString())
    expect(summary.firstEventTime).toBe(events.at(-60)?.eventTime.toISOString())
    expectExact(summary, events.slice(-60))
    expect(lookups(aws)).toHaveLength(2)
  })

  it('is not truncation when the cap is reached just as the window ends', async () => {
    await serve(seed(KEY1, 'us-east-1', 100))
    const summary = summaryOf(
      await lookupActivity(byKey(KEY1), options({ regions: ['us-east-1'], maxEvents: 100 })),
      KEY1
    )
    expect(summary).toMatchObject({
      totalEvents: 100,
      truncated: false,
      regions: [{ status: 'ok' }]
    })
  })

  it('counts the cap over all regions of a key, and per key', async () => {
    await serve([
      ...seed(KEY1, 'us-east-1', 40),
      ...seed(KEY1, 'eu-west-1', 40),
      ...seed(KEY2, 'us-east-1', 10)
    ])
    const result = await lookupActivity(byKey(KEY1, KEY2), options({ maxEvents: 50 }))
    const one = summaryOf(result, KEY1)
    expect(one.totalEvents).toBe(50)
    expect(one.truncated).toBe(true)
    expect(one.regions.reduce((sum, r) => sum + r.events, 0)).toBe(50)
    expect(one.regions.some((r) => r.status === 'truncated')).toBe(true)
    expect(summaryOf(result, KEY2)).toMatchObject({ totalEvents: 10, truncated: false })
  })
})

describe('lookupActivity: Username lookups (incident mode)', () => {
  const SESSION = 'ASIASESSION000000001'
  const own = (): FakeCloudTrailEvent[] => seed(KEY1, 'us-east-1', 30)
  const session = (): FakeCloudTrailEvent[] => seed(SESSION, 'us-east-1', 20)
  const otherKey = (): FakeCloudTrailEvent[] => seed(KEY2, 'us-east-1', 10)

  it('adds the temporary credentials of the user, counts overlaps once, leaves other keys out', async () => {
    const aws = await serve([
      ...own(),
      ...session(),
      ...otherKey(),
      ...seed(KEY3, 'us-east-1', 5, 'bob')
    ])
    const result = await lookupActivity(
      [{ accessKeyId: KEY1, userName: 'alice', byUsername: true }],
      options({ regions: ['us-east-1'] })
    )
    const summary = summaryOf(result, KEY1)
    expect(summary.lookups).toEqual([
      { attribute: 'AccessKeyId', value: KEY1 },
      { attribute: 'Username', value: 'alice' }
    ])
    expectExact(summary, [...own(), ...session()])
    expect(summary.otherKeyEvents).toBe(10)
    expect(summary.regions).toEqual([{ region: 'us-east-1', status: 'ok', events: 60 }])
    expect(lookups(aws).map(attributeOf)).toEqual([
      `AccessKeyId=${KEY1}`,
      'Username=alice',
      'Username=alice'
    ])
  })

  it('looks up by key only outside incident mode, or without a user name', async () => {
    const aws = await serve([...own(), ...session()])
    const result = await lookupActivity(
      [
        { accessKeyId: KEY1, userName: 'alice', byUsername: false },
        { accessKeyId: KEY2, byUsername: true }
      ],
      options({ regions: ['us-east-1'] })
    )
    expect(summaryOf(result, KEY1).totalEvents).toBe(30)
    expect(summaryOf(result, KEY2).lookups).toEqual([{ attribute: 'AccessKeyId', value: KEY2 }])
    expect(lookups(aws).map(attributeOf).sort()).toEqual([
      `AccessKeyId=${KEY1}`,
      `AccessKeyId=${KEY2}`
    ])
  })

  it('looks a key listed twice up once, with the wider set of lookups', async () => {
    const aws = await serve(own())
    const result = await lookupActivity(
      [
        { accessKeyId: KEY1, byUsername: false },
        { accessKeyId: KEY1, userName: 'alice', byUsername: true }
      ],
      options({ regions: ['us-east-1'] })
    )
    expect([...result.keys()]).toEqual([KEY1])
    expect(summaryOf(result, KEY1).userName).toBe('alice')
    expect(lookups(aws).map(attributeOf)).toEqual([`AccessKeyId=${KEY1}`, 'Username=alice'])
  })
})

describe('lookupActivity: options', () => {
  it('answers an empty map for no targets, without a request', async () => {
    const aws = await serve([])
    expect((await lookupActivity([], options())).size).toBe(0)
    expect(aws.calls).toHaveLength(0)
  })

  it.each([
    [{ regions: [] }, 'region'],
    [{ lookbackHours: 0 }, 'lookbackHours'],
    [{ lookbackHours: 90 * 24 + 1 }, 'lookbackHours'],
    [{ maxEvents: 0 }, 'maxEvents'],
    [{ maxEvents: 1.5 }, 'maxEvents'],
    [{ ratePerSecond: 0 }, 'ratePerSecond']
  ])('rejects %p', async (bad, what) => {
    await expect(lookupActivity(byKey(KEY1), options(bad))).rejects.toThrow(what)
  })
})
