// The remediation planner: a pure function from classified keys to the exact list of
// changes a run may make. Nothing outside this list is ever touched.
import { classifyRaw } from '../domain/classify.js'
import { addDays, DAY_MS, isoDate } from '../domain/dates.js'
import { plural } from '../render/wording.js'
import type { RemediationSettings } from '../domain/settings.js'
import type { ChangeKind, Plan, PlannedChange } from '../domain/changes.js'
import type { Finding, Thresholds } from '../domain/types.js'

export interface PlanInput {
  findings: readonly Finding[]
  settings: RemediationSettings
  thresholds: Thresholds
  now: Date
  /** Deactivation dates recorded by earlier runs, by key ID. */
  deactivatedAt: ReadonlyMap<string, Date>
  /** Keys never to touch whatever their class: the action's own key, users whose exemptions could not be read. */
  blocked: ReadonlyMap<string, string>
}

function offenceReason(f: Finding, t: Thresholds): string {
  return f.rawClass === 'overdue'
    ? `overdue: ${plural(f.ageDays, 'day')} old (max ${t.maxAgeDays})`
    : `unused: not used for ${f.idleDays === undefined ? '?' : plural(f.idleDays, 'day')} (limit ${t.unusedDays})`
}

/** Would this inactive key be overdue or unused if it were active? Only those are deleted. */
function offendingIfActive(f: Finding, t: Thresholds, now: Date): boolean {
  const asActive = classifyRaw({ ...f, status: 'Active' }, now, t)
  return asActive === 'overdue' || asActive === 'unused'
}

function change(f: Finding, kind: ChangeKind, reason: string): PlannedChange {
  return {
    kind,
    userName: f.userName,
    accessKeyId: f.accessKeyId,
    createDate: f.createDate,
    fromStatus: f.status,
    reason
  }
}

function emptyPlan(settings: RemediationSettings): Plan {
  return {
    action: settings.action,
    dryRun: settings.dryRun,
    maxActions: settings.maxActions,
    changes: [],
    graceStarts: [],
    holds: [],
    capExceeded: false
  }
}

export function planRemediation(input: PlanInput): Plan {
  const { settings: s, thresholds: t, now } = input
  const plan = emptyPlan(s)
  // Rotation plans its own steps (src/rotate); it deactivates and deletes only what it replaced.
  if (s.action === 'report' || s.action === 'rotate') return plan
  const grace = s.deleteGraceDays

  for (const f of input.findings) {
    const activeOffender = f.class === 'overdue' || f.class === 'unused'
    const inactiveOffender =
      s.action === 'delete' && f.class === 'inactive' && offendingIfActive(f, t, now)
    if (!activeOffender && !inactiveOffender) continue

    const blocked = input.blocked.get(f.accessKeyId)
    if (blocked !== undefined) {
      plan.holds.push({ userName: f.userName, accessKeyId: f.accessKeyId, reason: blocked })
      continue
    }

    if (activeOffender) {
      const reason = offenceReason(f, t)
      if (s.action === 'deactivate') plan.changes.push(change(f, 'deactivate', reason))
      else if (grace === 0)
        plan.changes.push(change(f, 'delete', `${reason}; delete-grace-days is 0`))
      else
        plan.changes.push(
          change(f, 'deactivate', `${reason}; deleted once inactive for ${grace} days`)
        )
      continue
    }

    // An inactive offender under action: delete.
    const since = input.deactivatedAt.get(f.accessKeyId)
    if (grace === 0) {
      plan.changes.push(change(f, 'delete', 'inactive and past the limits; delete-grace-days is 0'))
    } else if (since === undefined) {
      plan.graceStarts.push({ userName: f.userName, accessKeyId: f.accessKeyId })
      plan.holds.push({
        userName: f.userName,
        accessKeyId: f.accessKeyId,
        // A dry run writes no tag, so its grace period does not start.
        reason: s.dryRun
          ? `already inactive when first seen: a real run starts the ${grace}-day grace period (dry run: not started)`
          : `already inactive when first seen: grace period starts now, deletion from ${isoDate(addDays(now, grace))}`
      })
    } else if (now.getTime() - since.getTime() >= grace * DAY_MS) {
      plan.changes.push(
        change(f, 'delete', `inactive since ${isoDate(since)}, grace period of ${grace} days over`)
      )
    } else {
      plan.holds.push({
        userName: f.userName,
        accessKeyId: f.accessKeyId,
        reason: `inactive since ${isoDate(since)}: deletion from ${isoDate(addDays(since, grace))}`
      })
    }
  }

  plan.capExceeded = plan.changes.length > s.maxActions
  return plan
}
