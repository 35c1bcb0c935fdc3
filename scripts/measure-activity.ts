// `node --import tsx scripts/measure-activity.ts`: how close lookupActivity gets to CloudTrail's
// LookupEvents limit. Starts the loopback fake AWS enforcing 2 requests per second per region,
// seeds 50 keys x 2 regions (some keys need 2 to 4 pages), looks them all up at 2/s, and compares
// the wall time with the theoretical minimum: requests / 2 per second, regions in parallel.
import { lookupActivity, PAGE_SIZE } from '../src/activity/lookup.js'
import { makeEvents, tally } from '../test/support/cloudtrail-events.js'
import { FakeAws, type FakeCloudTrailEvent } from '../test/support/fake-aws/index.js'

const KEYS = 50
const REGIONS = ['us-east-1', 'eu-west-1']
const RATE = 2
/** Events per key and region, cycled: 1, 1, 1, 2, 3 and 4 pages of 50. */
const COUNTS = [0, 15, 45, 60, 110, 160]
const HOUR = 3_600_000

const now = new Date(Math.floor(Date.now() / 1000) * 1000)
const keyId = (i: number): string => `AKIA${String(i).padStart(16, '0')}`
const countFor = (key: number, region: number): number =>
  COUNTS[(key + 3 * region) % COUNTS.length] ?? 0

function seed(): FakeCloudTrailEvent[] {
  return Array.from({ length: KEYS }, (_, k) =>
    REGIONS.flatMap((region, r) =>
      makeEvents({
        accessKeyId: keyId(k),
        userName: `user-${k}`,
        region,
        count: countFor(k, r),
        start: new Date(now.getTime() - 20 * HOUR),
        intervalMs: 5_000
      })
    )
  ).flat()
}

const pages = (events: number): number => Math.max(1, Math.ceil(events / PAGE_SIZE))

const events = seed()
const fake = new FakeAws(
  { accountId: '123456789012', users: [], cloudTrail: events },
  { cloudTrailRateLimit: { perSecond: RATE } }
)
const endpoint = await fake.start()
try {
  const started = performance.now()
  const result = await lookupActivity(
    Array.from({ length: KEYS }, (_, k) => ({ accessKeyId: keyId(k), byUsername: false })),
    {
      regions: REGIONS,
      lookbackHours: 24,
      maxEvents: 1000,
      now,
      credentials: { accessKeyId: 'AKIDMEASURE000000000', secretAccessKey: 'secret' },
      endpoint,
      ratePerSecond: RATE,
      log: (line) => console.log(`  ${line}`)
    }
  )
  const wallSeconds = (performance.now() - started) / 1000

  const rows = REGIONS.map((region, r) => {
    const calls = fake.callsTo('LookupEvents').filter((c) => c.region === region)
    const expected = Array.from({ length: KEYS }, (_, k) => pages(countFor(k, r))).reduce(
      (a, b) => a + b,
      0
    )
    return {
      region,
      requests: calls.length,
      expected,
      // No faults are injected, so every non-200 answer is the fake's ThrottlingException.
      throttled: calls.filter((c) => c.status !== 200).length,
      minimumSeconds: calls.length / RATE
    }
  })
  const minimum = Math.max(...rows.map((r) => r.minimumSeconds))

  const wrong = [...result.values()].filter((summary) => {
    const seeded = events.filter((e) => e.accessKeyId === summary.accessKeyId)
    const ok = summary.regions.every((r) => r.status === 'ok')
    return !ok || summary.totalEvents !== tally(seeded).total
  })

  console.log(`\n${KEYS} keys x ${REGIONS.length} regions, ${events.length} events seeded`)
  console.log(`CloudTrail limit enforced by the fake: ${RATE} requests/second per region\n`)
  console.log('region      requests  expected  throttled  minimum (requests / 2 per s)')
  for (const r of rows) {
    console.log(
      `${r.region.padEnd(11)} ${String(r.requests).padStart(8)}  ${String(r.expected).padStart(8)}  ` +
        `${String(r.throttled).padStart(9)}  ${r.minimumSeconds.toFixed(1)} s`
    )
  }
  console.log(`\nwall time:          ${wallSeconds.toFixed(2)} s`)
  console.log(`theoretical minimum: ${minimum.toFixed(2)} s (slowest region; regions in parallel)`)
  console.log(`ratio:              ${(wallSeconds / minimum).toFixed(3)}`)
  // The first request of a region goes at once, so the pacing itself cannot beat (n - 1) / rate.
  const floor = (Math.max(...rows.map((r) => r.requests)) - 1) / RATE
  console.log(
    `pacing floor:       ${floor.toFixed(2)} s ((requests - 1) / 2: the first request goes at once); ` +
      `overhead ${(wallSeconds - floor).toFixed(2)} s`
  )
  console.log(`summaries with wrong counts or a region not ok: ${wrong.length}`)
  if (wrong.length > 0 || rows.some((r) => r.throttled > 0)) process.exitCode = 1
} finally {
  await fake.stop()
}
