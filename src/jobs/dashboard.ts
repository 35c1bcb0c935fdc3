// The dashboard of a run: the domain's delta and state over the history the issue holds, the
// renderer's body, the write, and the same delta for the job summary. Shared by the audit (one
// account) and the aggregate (the fleet).
import {
  computeDelta,
  dashboardState,
  nextHistory,
  rememberKeys,
  trendPoint,
  type DashboardDelta,
  type ScopedFinding,
  type StateInput
} from '../domain/dashboard.js'
import type { DashboardScope } from '../domain/issue-marker.js'
import type { DashboardSettings } from '../domain/settings.js'
import type { Counts, Thresholds } from '../domain/types.js'
import type { Repo } from '../github/client.js'
import type { RunContext } from '../inputs/run-context.js'
import { writeDashboard } from '../deliver/dashboard.js'
import type { Delivery } from '../deliver/deliveries.js'
import {
  renderDashboardBody,
  renderDashboardSection,
  renderDashboardTitle,
  type DashboardView
} from '../render/dashboard.js'
import { issueUrl, type Partition } from '../render/links.js'

/** Oldest active keys the dashboard lists. */
const OLDEST_KEYS = 10

export interface DashboardRun {
  settings: DashboardSettings
  repo: Repo
  run: RunContext
  scope: DashboardScope
  now: Date
  keys: readonly ScopedFinding[]
  counts: Counts
  /** Accounts whose keys were all read: only their missing keys count as rotated or deleted. */
  completeAccounts: ReadonlySet<string>
  unusedDays: number
  owners?: StateInput['owners']
  thresholds?: Thresholds
  accountAlias?: string
  fleet?: DashboardView['fleet']
  partition?: Partition
}

export interface DashboardResult {
  delivery: Delivery
  /** The job summary's section: the same delta as the issue's. */
  section: string
}

export async function keepDashboard(d: DashboardRun): Promise<DashboardResult> {
  let delta: DashboardDelta | undefined
  const outcome = await writeDashboard({
    token: d.settings.token,
    labels: d.settings.labels,
    repo: d.repo,
    scope: d.scope,
    dryRun: d.settings.dryRun,
    now: d.now,
    build: (parsed) => {
      const previous = parsed.kind === 'found' ? parsed.history : undefined
      delta = computeDelta({ previous, keys: d.keys, completeAccounts: d.completeAccounts })
      const state = dashboardState({
        keys: d.keys,
        counts: d.counts,
        now: d.now,
        oldestLimit: OLDEST_KEYS,
        unusedDays: d.unusedDays,
        ...(d.owners ? { owners: d.owners } : {})
      })
      const history = nextHistory(
        previous,
        trendPoint(d.now, d.run.runId, d.counts),
        rememberKeys(d.keys)
      )
      return {
        title: renderDashboardTitle(d.scope, d.accountAlias),
        body: renderDashboardBody({
          scope: d.scope,
          state,
          delta,
          history,
          generatedAt: d.now,
          runUrl: d.run.runUrl,
          runId: d.run.runId,
          ...(parsed.kind === 'unreadable' ? { rebuilt: parsed.problem } : {}),
          ...(d.accountAlias ? { accountAlias: d.accountAlias } : {}),
          ...(d.fleet ? { fleet: d.fleet } : {}),
          ...(d.thresholds ? { thresholds: d.thresholds } : {}),
          ...(d.partition ? { partition: d.partition } : {})
        })
      }
    }
  })
  const url =
    outcome.issueNumber !== undefined ? issueUrl(d.run.runUrl, outcome.issueNumber) : undefined
  const section = delta
    ? renderDashboardSection({
        delta,
        scope: d.scope,
        dryRun: d.settings.dryRun,
        ...(url ? { issueUrl: url } : {}),
        ...(d.partition ? { partition: d.partition } : {})
      })
    : ''
  return { delivery: outcome.delivery, section }
}
