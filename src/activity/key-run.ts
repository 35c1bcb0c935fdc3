// What one key's lookups have received so far, shared by the regions and lookups that feed it,
// and counted against max-events.
import type { CloudTrailEvent } from '../aws/cloudtrail.js'
import type {
  ActivityLookup,
  ActivitySummary,
  ActivityWindow,
  RegionActivity
} from '../domain/activity.js'
import type { Problem } from './region.js'
import { ActivityAccumulator } from './summarize.js'

export interface ActivityTarget {
  accessKeyId: string
  userName?: string
  /** Also search by Username (incident mode): catches temporary credentials made with the key. */
  byUsername: boolean
}

/**
 * Temporary keys minted with one exposed key that are looked up in turn. Each costs a request per
 * region and page against CloudTrail's 2 per second, so a key that minted more is cut here, and
 * its summary says how many were not followed.
 */
export const MAX_SESSION_KEYS = 10

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

interface RegionState {
  events: number
  problem?: Problem
}

export class KeyRun {
  readonly accumulator: ActivityAccumulator
  readonly lookups: ActivityLookup[]
  private readonly regions = new Map<string, RegionState>()
  private readonly considered = new Set<string>()
  private readonly followed: string[] = []
  private notFollowed = 0
  received = 0

  constructor(
    readonly target: ActivityTarget,
    readonly maxEvents: number,
    /** Incident mode: read the events for evidence, and follow the sessions they mint. */
    readonly evidence = false
  ) {
    this.accumulator = new ActivityAccumulator(target.accessKeyId, evidence)
    this.lookups = [{ attribute: 'AccessKeyId', value: target.accessKeyId }]
    if (target.byUsername && target.userName) {
      this.lookups.push({ attribute: 'Username', value: target.userName })
    }
  }

  get full(): boolean {
    return this.received >= this.maxEvents
  }

  /** The Username lookup of this key, if it has one. */
  get byUser(): ActivityLookup | undefined {
    return this.lookups.find((l) => l.attribute === 'Username')
  }

  /** Whether this key's events minted `accessKeyId`: its events belong here. */
  minted(accessKeyId: string | undefined): boolean {
    return accessKeyId !== undefined && this.considered.has(accessKeyId)
  }

  /** Counts one event unless the key is full; false when it was left uncounted. */
  take(event: CloudTrailEvent, region: string): boolean {
    const state = this.state(region)
    if (this.full) return false
    if (this.accumulator.add(event) !== 'duplicate') {
      this.received++
      state.events++
    }
    return true
  }

  /** The first problem of any of its lookups in a region is the region's status for this key. */
  noteProblem(region: string, problem: Problem): void {
    const state = this.state(region)
    state.problem ??= problem
  }

  state(region: string): RegionState {
    let state = this.regions.get(region)
    if (!state) this.regions.set(region, (state = { events: 0 }))
    return state
  }

  /**
   * The temporary keys minted since the last call that get a lookup of their own: GetSessionToken
   * sessions are the user's and its Username lookup already finds them; the cap cuts the rest.
   */
  nextSessionKeys(): string[] {
    if (!this.evidence) return []
    const next: string[] = []
    for (const minted of this.accumulator.mintedKeys()) {
      if (this.considered.has(minted.accessKeyId)) continue
      this.considered.add(minted.accessKeyId)
      if (minted.via === 'GetSessionToken' && this.byUser) continue
      if (this.followed.length >= MAX_SESSION_KEYS) {
        this.notFollowed++
        continue
      }
      this.followed.push(minted.accessKeyId)
      this.lookups.push({ attribute: 'AccessKeyId', value: minted.accessKeyId })
      next.push(minted.accessKeyId)
    }
    return next
  }

  summary(window: ActivityWindow, regionOrder: readonly string[]): ActivitySummary {
    return this.accumulator.summary({
      accessKeyId: this.target.accessKeyId,
      userName: this.target.userName,
      lookups: this.lookups,
      window,
      regions: regionOrder.map((region): RegionActivity => {
        const state = this.regions.get(region)
        if (!state) return { region, status: 'unavailable', events: 0, message: 'not looked up' }
        return state.problem
          ? {
              region,
              status: state.problem.status,
              events: state.events,
              message: state.problem.message
            }
          : { region, status: 'ok', events: state.events }
      }),
      ...(this.evidence
        ? { sessionKeys: this.followed, sessionKeysNotFollowed: this.notFollowed }
        : {})
    })
  }
}
