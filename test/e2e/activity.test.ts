// CloudTrail activity end to end: dist/index.js summarizes what flagged keys did, across
// pages and regions, through throttling, and reports a region that refuses.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import type { ActivitySummary } from '../../src/domain/activity.js'
import { lookupDeniedIn, makeEvents, tally, topOf } from '../support/cloudtrail-events.js'
import { startFakes, type Fakes } from '../support/harness.js'
import type { RunResult } from '../support/run-action.js'
import { sampleAccount } from '../support/sample-account.js'

const HOUR = 3_600_000

describe('CloudTrail activity of flagged keys', () => {
  const account = sampleAccount()
  const start = new Date(Date.now() - 20 * HOUR)
  const aliceEast = makeEvents({
    accessKeyId: 'AKIASAMPLEALICE00001',
    userName: 'alice',
    region: 'us-east-1',
    count: 130,
    start,
    malformedEvery: 40
  })
  const aliceWest = makeEvents({
    accessKeyId: 'AKIASAMPLEALICE00001',
    userName: 'alice',
    region: 'eu-west-1',
    count: 60,
    start,
    idPrefix: 'w'
  })
  const judyEast = makeEvents({
    accessKeyId: 'AKIASAMPLEJUDY000001',
    userName: 'judy',
    region: 'us-east-1',
    count: 7,
    start
  })
  // Older than the 24-hour window: must not be counted.
  const old = makeEvents({
    accessKeyId: 'AKIASAMPLEALICE00001',
    userName: 'alice',
    region: 'us-east-1',
    count: 5,
    start: new Date(Date.now() - 40 * HOUR),
    idPrefix: 'old'
  })
  account.cloudTrail = [...aliceEast, ...aliceWest, ...judyEast, ...old]

  let fakes: Fakes
  let result: RunResult
  let activity: ActivitySummary[]

  beforeAll(async () => {
    fakes = await startFakes(account, { cloudTrailRateLimit: { perSecond: 2 } })
    // Throttling on top of the enforced rate, and a region that refuses.
    fakes.aws.addFault({
      action: 'LookupEvents',
      times: 3,
      match: (c) => c.region === 'us-east-1',
      fault: { status: 400, code: 'ThrottlingException', message: 'Rate exceeded' }
    })
    fakes.aws.addFault(lookupDeniedIn('ap-south-1'))
    result = await fakes.run({
      'activity-for': 'flagged',
      'cloudtrail-regions': 'us-east-1, eu-west-1, ap-south-1',
      'fail-on': 'never'
    })
    activity = JSON.parse(result.outputs.activity ?? '[]') as ActivitySummary[]
  }, 180_000)
  afterAll(() => fakes.stop())

  it('completes and looks up every flagged key', () => {
    expect(result.code).toBe(0)
    const flagged = [
      'AKIASAMPLEBOBOLD0001',
      'AKIASAMPLEALICE00001',
      'AKIASAMPLEJUDY000001',
      'AKIASAMPLEDAVE000001',
      'AKIASAMPLEERIN000001',
      'AKIASAMPLECAROL00001'
    ]
    expect(activity.map((a) => a.accessKeyId).sort()).toEqual(flagged.sort())
  })

  it('counts exactly, over several pages and two regions, through throttling', () => {
    const alice = activity.find((a) => a.accessKeyId === 'AKIASAMPLEALICE00001')
    const expected = tally([...aliceEast, ...aliceWest])
    expect(alice?.totalEvents).toBe(expected.total)
    expect(alice?.malformed).toBe(expected.malformed)
    expect(alice?.top.eventNames).toEqual(topOf(expected.eventNames))
    expect(alice?.top.sourceIps).toEqual(topOf(expected.sourceIps))
    expect(alice?.top.errorCodes).toEqual(topOf(expected.errorCodes))
    expect(alice?.top.regions).toEqual(topOf(expected.regions))
    expect(activity.find((a) => a.accessKeyId === 'AKIASAMPLEJUDY000001')?.totalEvents).toBe(
      tally(judyEast).total
    )
    // Alice's 130 events in us-east-1 took three pages of 50.
    const alicePages = fakes.aws
      .callsTo('LookupEvents')
      .filter(
        (c) =>
          c.region === 'us-east-1' &&
          c.status === 200 &&
          c.params.LookupAttributes?.includes('AKIASAMPLEALICE00001')
      )
    expect(alicePages).toHaveLength(3)
    expect(
      fakes.aws.callsTo('LookupEvents').filter((c) => c.status === 400 && c.region === 'us-east-1')
        .length
    ).toBeGreaterThanOrEqual(3)
  })

  it('reports the region that refused, for every key, without failing the scan', () => {
    for (const a of activity) {
      expect(a.regions.find((r) => r.region === 'ap-south-1')).toMatchObject({ status: 'denied' })
    }
    expect(result.summary).toContain('### Key activity (CloudTrail)')
    expect(result.summary).toMatch(/ap-south-1/)
    expect(result.summary).toContain('cloudtrail:LookupEvents')
  })

  it('shows a collapsible section per key in the job summary', () => {
    expect((result.summary.match(/<details>/g) ?? []).length).toBeGreaterThanOrEqual(6)
    expect(result.summary).toMatch(/<summary>.*AKIASAMPLEALICE00001/)
  })
})

describe('activity-for: changed (the default)', () => {
  it('looks up only the keys this run changed, and nothing in report mode', async () => {
    const fakes = await startFakes()
    try {
      await fakes.run({ 'fail-on': 'never' })
      expect(fakes.aws.callsTo('LookupEvents')).toEqual([])
      const result = await fakes.run({ action: 'deactivate', 'max-actions': '10' })
      const looked = JSON.parse(result.outputs.activity ?? '[]') as ActivitySummary[]
      expect(looked.map((a) => a.accessKeyId).sort()).toEqual(
        [
          'AKIASAMPLEBOBOLD0001',
          'AKIASAMPLEALICE00001',
          'AKIASAMPLEJUDY000001',
          'AKIASAMPLEDAVE000001',
          'AKIASAMPLEERIN000001'
        ].sort()
      )
    } finally {
      await fakes.stop()
    }
  })
})
