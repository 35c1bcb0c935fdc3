// Applies a rotation plan one step at a time. Each step re-reads the key live first and verifies
// after; the record on the user's tags is written before each irreversible call, so a run killed
// at any point leaves the next run enough to finish without a second new key. The new key's
// secret is masked the moment CreateAccessKey answers and goes nowhere but its destination.
import {
  createAccessKey,
  deleteKey,
  readLiveKey,
  readLiveKeys,
  tagUser,
  untagUser,
  type IAMClient
} from '../aws/iam-writes.js'
import { applyOne, claimOptions, type ApplyOptions } from '../act/apply.js'
import { heldBy, releaseClaim, releaseUnused, takeClaim, takeClaims } from '../act/claim.js'
import { HANDLED_RESULTS, type ChangeRecord, type PlannedChange } from '../domain/changes.js'
import { deactivatedTagKey } from '../domain/lifecycle-tag.js'
import {
  DeliveryFailed,
  describeDestination,
  type RotationDestination
} from '../domain/rotation.js'
import {
  formatRotationState,
  rotationTagKey,
  type RotationState
} from '../domain/rotation-state.js'
import type { Finding } from '../domain/types.js'
import { errorMessage } from '../kit/errors.js'
import type { MaskSecret } from '../kit/log.js'
import { readUntilSettled, VERIFY_SETTLE } from '../kit/retry.js'
import type { RotationPlan, RotationStep } from './plan.js'
import { outcomeRecord, type Outcome } from './records.js'

interface NewKey {
  accessKeyId: string
  secretAccessKey: string
}

/**
 * Writes the key to its destination as one unit and verifies it there; throws when either
 * fails, a DeliveryFailed (with what the destination holds) once something was written.
 * `oldAccessKeyId` is the key being replaced: what the destination is put back to.
 */
export type DeliverKey = (
  destination: RotationDestination,
  key: NewKey,
  oldAccessKeyId: string
) => Promise<string>

export interface RotateOptions extends ApplyOptions {
  mask: MaskSecret
  deliver: DeliverKey
  deleteGraceDays: number
  cutoverIdleHours: number
}

/** One step's outcome: its record and the key changes (deactivate, delete) it made. */
export interface RotationResult {
  rotation: ReturnType<typeof outcomeRecord>
  changes: ChangeRecord[]
}

function planned(
  step: RotationStep,
  kind: 'deactivate' | 'delete',
  k: Finding,
  reason: string
): PlannedChange {
  return {
    kind,
    userName: step.userName,
    accessKeyId: k.accessKeyId,
    createDate: k.createDate,
    fromStatus: k.status,
    reason
  }
}

async function setState(iam: IAMClient, step: RotationStep, state: RotationState): Promise<void> {
  await tagUser(iam, step.userName, rotationTagKey(step.accessKeyId), formatRotationState(state))
}

/** Why the live keys no longer match the plan's create step, or undefined. */
async function recheck(
  iam: IAMClient,
  step: RotationStep & { kind: 'create' }
): Promise<string | undefined> {
  const live = await readLiveKeys(iam, step.userName)
  const old = live.find((k) => k.accessKeyId === step.accessKeyId)
  if (
    !old ||
    old.status !== 'Active' ||
    old.createDate?.getTime() !== step.old.createDate.getTime()
  )
    return 'the old key changed since the plan'
  const known = new Set([step.accessKeyId, ...step.clearFirst.map((k) => k.accessKeyId)])
  const extra = live.find((k) => !known.has(k.accessKeyId))
  return extra ? `a key appeared since the plan (${extra.accessKeyId})` : undefined
}

/** Deletes the new key of a failed delivery again and verifies it is gone. */
async function discard(iam: IAMClient, userName: string, accessKeyId: string): Promise<void> {
  await deleteKey(iam, { userName, accessKeyId })
  const gone = await readUntilSettled(
    () => readLiveKey(iam, userName, accessKeyId),
    (k) => k === undefined,
    VERIFY_SETTLE
  )
  if (!gone.settled) throw new Error(`the key ${accessKeyId} still exists after DeleteAccessKey`)
}

async function create(
  iam: IAMClient,
  step: RotationStep & { kind: 'create' },
  o: RotateOptions
): Promise<RotationResult> {
  const changes: ChangeRecord[] = []
  const done = (outcome: Outcome): RotationResult => ({
    rotation: outcomeRecord(step, outcome, o.now(), o),
    changes
  })
  const where = describeDestination(step.destination)
  const why = await recheck(iam, step).catch(
    (e: unknown) => `the keys could not be re-read: ${errorMessage(e)}`
  )
  if (why)
    return done({
      result: 'skipped',
      stage: step.state ? 'created' : 'none',
      detail: `Not rotated: ${why}.`
    })
  for (const k of step.clearFirst) {
    const record = await applyOne(
      iam,
      planned(step, 'delete', k, `deleted first: ${step.reason}`),
      o
    )
    changes.push(record)
    if (!HANDLED_RESULTS.has(record.result))
      return done({
        result: 'failed',
        stage: step.state ? 'created' : 'none',
        detail: `No new key: ${k.accessKeyId} could not be deleted first (${record.detail ?? record.result}).`
      })
  }
  // Intent first: a run killed inside CreateAccessKey leaves a record the next run finds the key by.
  await setState(iam, step, { step: 'creating', startedAt: o.now() })
  let key: NewKey & { createDate: Date }
  try {
    key = await createAccessKey(iam, step.userName, o.mask)
  } catch (error) {
    await untagUser(iam, step.userName, rotationTagKey(step.accessKeyId)).catch(() => undefined)
    return done({
      result: 'failed',
      stage: 'none',
      detail: `CreateAccessKey failed: ${errorMessage(error)}`
    })
  }
  const created = { newAccessKeyId: key.accessKeyId, createdAt: key.createDate }
  try {
    await setState(iam, step, { step: 'created', ...created })
    const seen = await readUntilSettled(
      () => readLiveKey(iam, step.userName, key.accessKeyId),
      (k) => k !== undefined,
      o.settle ?? VERIFY_SETTLE
    )
    if (!seen.settled)
      throw new Error(`the new key ${key.accessKeyId} is not listed after CreateAccessKey`)
    o.log.info(
      `Rotation: ${step.userName} ${step.accessKeyId}: created ${key.accessKeyId}; delivering it to ${where}.`
    )
    const detail = await o.deliver(step.destination, key, step.accessKeyId)
    const deliveredAt = o.now()
    try {
      await setState(iam, step, { step: 'delivered', ...created, deliveredAt })
    } catch (error) {
      o.log.warning(
        `${step.userName} ${step.accessKeyId}: delivered, but the rotation record could not be written: ${errorMessage(error)}`
      )
    }
    o.log.info(
      `Rotation: ${step.userName} ${step.accessKeyId}: ${key.accessKeyId} delivered and verified (${detail}).`
    )
    return done({
      result: 'applied',
      stage: 'delivered',
      ...created,
      deliveredAt,
      detail: `New key ${key.accessKeyId} created and delivered to ${where}; verified: ${detail}.`
    })
  } catch (error) {
    // No orphan: a key its consumer never got is deleted again. The destination was put back
    // by the delivery itself; the record says what it holds now.
    const holds =
      error instanceof DeliveryFailed
        ? `The destination now holds ${error.holds}`
        : 'The destination is unchanged (nothing was written to it)'
    const failure = `Delivery to ${where} failed: ${errorMessage(error)}. ${holds}`
    try {
      await discard(iam, step.userName, key.accessKeyId)
      await untagUser(iam, step.userName, rotationTagKey(step.accessKeyId))
      return done({
        result: 'failed',
        stage: 'none',
        detail: `${failure}. The new key ${key.accessKeyId} was deleted again; the old key is unchanged.`
      })
    } catch (cleanup) {
      return done({
        result: 'failed',
        stage: 'created',
        ...created,
        detail: `${failure}. Deleting the new key ${key.accessKeyId} failed too (${errorMessage(cleanup)}); the next run deletes it.`
      })
    }
  }
}

async function retire(
  iam: IAMClient,
  step: RotationStep & { kind: 'deactivate' | 'delete' },
  o: RotateOptions
): Promise<RotationResult> {
  const record = await applyOne(iam, planned(step, step.kind, step.old, step.reason), o)
  const state = step.state
  const ok = HANDLED_RESULTS.has(record.result) && record.result !== 'claimed'
  const dates =
    state && 'newAccessKeyId' in state
      ? {
          newAccessKeyId: state.newAccessKeyId,
          createdAt: state.createdAt,
          deliveredAt: 'deliveredAt' in state ? state.deliveredAt : o.now()
        }
      : undefined
  let stage: Outcome['stage'] = step.kind === 'delete' ? 'retiring' : 'delivered'
  if (ok && step.kind === 'deactivate' && dates) {
    await setState(iam, step, { step: 'retiring', ...dates })
    // Found already inactive: the staged delete's date is recorded here instead.
    if (record.result === 'already-done')
      await tagUser(iam, step.userName, deactivatedTagKey(step.accessKeyId), o.now().toISOString())
    stage = 'retiring'
  } else if (ok && step.kind === 'delete') {
    await untagUser(iam, step.userName, rotationTagKey(step.accessKeyId))
    stage = 'done'
  }
  return {
    rotation: outcomeRecord(
      step,
      {
        result: record.result,
        stage,
        ...(dates ?? {}),
        detail:
          record.detail ??
          (step.kind === 'delete'
            ? 'Old key deleted (verified).'
            : 'Old key deactivated (verified).')
      },
      o.now(),
      o
    ),
    changes: [record]
  }
}

async function runStep(
  iam: IAMClient,
  step: RotationStep,
  o: RotateOptions
): Promise<RotationResult> {
  const now = o.now()
  const record = (outcome: Outcome): RotationResult => ({
    rotation: outcomeRecord(step, outcome, now, o),
    changes: []
  })
  switch (step.kind) {
    case 'create': {
      const claimant = o.claimant
      if (!claimant) return create(iam, step, o)
      const claim =
        o.claims?.get(step.accessKeyId) ?? (await takeClaim(iam, step, claimant, claimOptions(o)))
      if ('error' in claim) return record({ result: 'failed', stage: 'none', detail: claim.error })
      if (!claim.ok)
        return record({
          result: 'claimed',
          stage: 'none',
          detail: `Left to another run: ${heldBy(claim.holder)}.`
        })
      try {
        return await create(iam, step, o)
      } finally {
        await releaseClaim(iam, step, claim).catch(() => undefined)
      }
    }
    case 'deactivate':
    case 'delete':
      return retire(iam, step, o)
    case 'finish':
      await untagUser(iam, step.userName, rotationTagKey(step.accessKeyId))
      return record({
        result: 'applied',
        stage: 'done',
        detail: 'The old key is gone: the rotation is complete.'
      })
    case 'observe':
      if (step.graceStart)
        await tagUser(iam, step.userName, deactivatedTagKey(step.accessKeyId), now.toISOString())
      return record({ result: 'skipped', detail: step.reason })
    case 'hold':
      return record({ result: 'skipped', detail: `Not rotated: ${step.reason}.` })
  }
}

/**
 * Applies the plan, yielding each step's record the moment it is made. A dry run or a plan over
 * max-actions writes nothing and shows every step as planned.
 */
export async function* applyRotation(
  iam: IAMClient,
  plan: RotationPlan,
  o: RotateOptions
): AsyncGenerator<RotationResult, void, undefined> {
  // Every key the plan writes is claimed at once: one settle wait for the run (claim.ts).
  const targets = plan.steps.flatMap((step) =>
    step.kind === 'create'
      ? [
          step,
          ...step.clearFirst.map((k) => ({ userName: step.userName, accessKeyId: k.accessKeyId }))
        ]
      : step.kind === 'deactivate' || step.kind === 'delete'
        ? [step]
        : []
  )
  const claims =
    o.claimant && !plan.dryRun && !plan.capExceeded && !o.cancelled?.() && targets.length > 0
      ? await takeClaims(iam, targets, o.claimant, claimOptions(o))
      : undefined
  const started = new Set<string>()
  try {
    yield* applySteps(iam, plan, { ...o, ...(claims ? { claims } : {}) }, started)
  } finally {
    await releaseUnused(iam, targets, claims, started, o.log)
  }
}

async function* applySteps(
  iam: IAMClient,
  plan: RotationPlan,
  o: RotateOptions,
  started: Set<string>
): AsyncGenerator<RotationResult, void, undefined> {
  for (const step of plan.steps) {
    const writes =
      step.kind === 'create' ||
      step.kind === 'deactivate' ||
      step.kind === 'delete' ||
      step.kind === 'finish'
    if (plan.dryRun || plan.capExceeded) {
      const detail = plan.dryRun
        ? 'Dry run: nothing was changed.'
        : `Not applied: the plan holds more writing steps than max-actions (${plan.maxActions}).`
      yield {
        rotation: outcomeRecord(
          step,
          { result: writes ? 'planned' : 'skipped', detail: writes ? detail : step.reason },
          o.now(),
          o
        ),
        changes: []
      }
      continue
    }
    const signal = o.cancelled?.()
    if (signal && writes) {
      yield {
        rotation: outcomeRecord(
          step,
          { result: 'cancelled', detail: `Not started: the job was cancelled (${signal}).` },
          o.now(),
          o
        ),
        changes: []
      }
      continue
    }
    started.add(step.accessKeyId)
    if (step.kind === 'create') for (const k of step.clearFirst) started.add(k.accessKeyId)
    try {
      yield await runStep(iam, step, o)
    } catch (error) {
      yield {
        rotation: outcomeRecord(
          step,
          { result: 'failed', detail: errorMessage(error) },
          o.now(),
          o
        ),
        changes: []
      }
    }
  }
}
