// action: rotate in the audit job: read the mapped users live, plan each rotation's step, apply
// it. The records land in the arrays handed in as each step is made, so a cancelled job still
// reports what was done.
import * as core from '@actions/core'
import type { Audit } from '../classify/findings.js'
import type { ChangeRecord } from '../domain/changes.js'
import type { RotationRecord, RotationReport, RotationSettings } from '../domain/rotation.js'
import type { AuditSettings } from '../domain/settings.js'
import { claimantId } from '../act/claim.js'
import { maskSecret, runnerLog } from '../deliver/runner.js'
import { cancelledBy } from '../kit/cancellation.js'
import { blockedKeys } from '../plan/guards.js'
import { applyRotation } from '../rotate/act.js'
import { keyDelivery } from '../rotate/deliver.js'
import { observeRotations } from '../rotate/observe.js'
import { planRotation, type RotationPlan } from '../rotate/plan.js'
import { ownAccessKeyId, type JobContext } from './context.js'

export async function rotate(
  audit: Audit,
  job: JobContext<AuditSettings> & { settings: { rotation: RotationSettings } },
  into: { changes: ChangeRecord[]; rotations: RotationRecord[] }
): Promise<RotationPlan> {
  const { settings } = job
  const rotation = settings.rotation
  if (rotation.deliveryToken) core.setSecret(rotation.deliveryToken)
  const view = await observeRotations(job.clients.iam, {
    map: rotation.map,
    scanned: audit.report.keys,
    thresholds: settings.thresholds,
    now: audit.now
  })
  for (const e of view.errors) core.warning(`Rotation: ${e.scope} could not be read: ${e.message}`)
  const unreadable = new Set([...audit.unreadable, ...view.errors.map((e) => e.scope)])
  const plan = planRotation({
    findings: view.findings,
    tags: view.tags,
    rotation,
    remediation: settings.remediation,
    now: audit.now,
    blocked: blockedKeys(view.findings, await ownAccessKeyId(job.clients), unreadable),
    lastUse: view.lastUse
  })
  const delivery = keyDelivery({
    deliveryToken: rotation.deliveryToken,
    region: settings.awsRegion,
    credentials: job.credentials,
    log: runnerLog
  })
  const steps = applyRotation(job.clients.iam, plan, {
    now: () => new Date(),
    log: runnerLog,
    claimant: claimantId(job.run),
    cancelled: cancelledBy,
    mask: maskSecret,
    deliver: delivery.deliver,
    deleteGraceDays: settings.remediation.deleteGraceDays,
    cutoverIdleHours: rotation.cutoverIdleHours
  })
  try {
    for await (const step of steps) {
      into.rotations.push(step.rotation)
      into.changes.push(...step.changes)
    }
  } finally {
    delivery.close()
  }
  return plan
}

export function rotationReport(
  plan: RotationPlan | undefined,
  rotations: readonly RotationRecord[],
  mapPath: string
): RotationReport | undefined {
  if (!plan) return undefined
  return {
    dryRun: plan.dryRun,
    maxActions: plan.maxActions,
    capExceeded: plan.capExceeded,
    keyWrites: plan.keyWrites,
    mapPath,
    rotations: [...rotations]
  }
}
