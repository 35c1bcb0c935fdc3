// What one key's lookups have received so far, shared by the regions that look it up in
// parallel, and counted against max-events.
import type { CloudTrailEvent } from '../aws/cloudtrail.js'
import type {
  ActivityLookup,
  ActivitySummary,
  ActivityWindow,
  RegionActivity
} from '../domain/activity.js'
import { ActivityAccumulator } from './summarize.js'

export interface ActivityTarget {
  accessKeyId: string
  userName?: string
  /** Also search by Username (incident mode): catches temporary credentials made with the key. */
  byUsername: boolean
}

function lookupsFor(target: ActivityTarget): ActivityLookup[] {
  const lookups: ActivityLookup[] = [{ attribute: 'AccessKeyId', value: target.accessKeyId }]
  if (target.byUsername && target.userName) {
    lookups.push({ attribute: 'Username', value: target.userName })
  }
  return lookups
}

/** One entry per key: a key listed twice is looked up once, with the wider set of lookups. */
export function uniqueTargets(targets: readonly ActivityTarget[]): ActivityTarget[] {
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

export class KeyRun {
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

  /** Counts a page's events until the key is full; false when some were left uncounted. */
  countPage(events: readonly CloudTrailEvent[], progress: { events: number }): boolean {
    for (const event of events) {
      if (this.full) return false
      if (this.accumulator.add(event) !== 'duplicate') {
        this.received++
        progress.events++
      }
    }
    return true
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
