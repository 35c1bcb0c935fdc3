// A rotation step's record for the reports: where the rotation stands after the run, what this
// run did, and what the next run will do. The destination is named, never its value.
import type { ChangeResult } from '../domain/changes.js'
import { isoDate } from '../domain/dates.js'
import {
  describeDestination,
  rotationUndo,
  type RotationRecord,
  type RotationStage
} from '../domain/rotation.js'
import type { CutoverDecision, RotationState } from '../domain/rotation-state.js'
import type { RotationStep } from './plan.js'

export interface Outcome {
  result: ChangeResult
  /** Where the rotation stands after the step; by default where the plan found it. */
  stage?: RotationStage
  detail: string
  newAccessKeyId?: string
  createdAt?: Date
  deliveredAt?: Date
}

export interface RecordContext {
  cutoverIdleHours?: number
  deleteGraceDays: number
}

function stageOf(state: RotationState | undefined): RotationStage {
  if (!state) return 'none'
  return state.step === 'creating' ? 'created' : state.step
}

/** What the cutover watch saw, in words; the timeout says what was delivered where and when. */
function cutoverText(
  step: RotationStep,
  d: CutoverDecision,
  state: RotationState | undefined
): string {
  const fresh = state && 'newAccessKeyId' in state ? state.newAccessKeyId : 'the new key'
  const when = state && 'deliveredAt' in state ? isoDate(state.deliveredAt) : '?'
  const where = step.destination ? describeDestination(step.destination) : 'its destination'
  if (d.kind === 'waiting') {
    return d.timedOut
      ? `The consumer has not picked up the new key: ${fresh} was delivered to ${where} on ${when} and has not been used since. The old key stays active; check that the consumer reads its key from there.`
      : `Waiting for the consumer: ${fresh} (delivered to ${where} on ${when}) has not been used yet.`
  }
  if (d.kind === 'old-in-use') {
    const last = d.oldUsedAt ? `last used ${d.oldUsedAt.toISOString()}` : 'its last use unknown'
    return `${fresh} is in use, but the old key is too (${last}): something still holds the old key${d.timedOut ? ` ${'since'} the new one was delivered on ${when}` : ''}.`
  }
  return `The consumer switched: ${fresh} was used at ${d.newUsedAt.toISOString()}.`
}

function nextText(
  step: RotationStep,
  stage: RotationStage,
  newId: string | undefined,
  c: RecordContext
): string {
  const where = step.destination ? describeDestination(step.destination) : 'its destination'
  const old = step.accessKeyId
  switch (stage) {
    case 'none':
      return step.kind === 'hold'
        ? `Checks again; ${step.reason}.`
        : `Creates a new key and delivers it to ${where}.`
    case 'created':
      return `Deletes the undelivered new key${newId ? ` ${newId}` : ''} and makes another, delivered to ${where}.`
    case 'delivered':
      return `Deactivates ${old} once ${newId ?? 'the new key'} has been used and ${old} has been idle for ${c.cutoverIdleHours ?? 24} hours.`
    case 'retiring':
      return `Deletes ${old} once it has been inactive for ${c.deleteGraceDays} days (the staged delete).`
    case 'done':
      return 'Nothing: the rotation is complete.'
  }
}

/** The rotation from this step on, for a dry run (or a plan over the cap). */
function wholePlan(step: RotationStep, c: RecordContext): string {
  const where = step.destination ? describeDestination(step.destination) : 'its destination'
  const hours = c.cutoverIdleHours ?? 24
  const retire = `deactivate ${step.accessKeyId} once the new key has been used and ${step.accessKeyId} has been idle for ${hours} hours, then delete it after ${c.deleteGraceDays} days`
  switch (step.kind) {
    case 'create':
      return `Would ${step.clearFirst.length > 0 ? `delete ${step.clearFirst.map((k) => k.accessKeyId).join(', ')}, then ` : ''}create a new key, deliver it to ${where} and verify it; later runs ${retire}.`
    case 'deactivate':
      return `Would deactivate ${step.accessKeyId} (the consumer switched); a later run deletes it after ${c.deleteGraceDays} days.`
    case 'delete':
      return `Would delete ${step.accessKeyId}, completing the rotation.`
    default:
      return `Would remove the rotation record of ${step.accessKeyId}: the old key is gone.`
  }
}

export function outcomeRecord(
  step: RotationStep,
  outcome: Outcome,
  at: Date,
  c: RecordContext
): RotationRecord {
  const state = step.state
  const newAccessKeyId =
    outcome.newAccessKeyId ??
    (state && 'newAccessKeyId' in state ? state.newAccessKeyId : undefined)
  const createdAt =
    outcome.createdAt ?? (state && 'createdAt' in state ? state.createdAt : undefined)
  const deliveredAt =
    outcome.deliveredAt ?? (state && 'deliveredAt' in state ? state.deliveredAt : undefined)
  const stage = outcome.stage ?? stageOf(state)
  const detail =
    step.kind === 'observe' && step.decision && outcome.result === 'skipped'
      ? cutoverText(step, step.decision, state)
      : outcome.detail
  const undo =
    outcome.result === 'planned'
      ? undefined
      : rotationUndo(stage, step.userName, step.accessKeyId, newAccessKeyId)
  return {
    userName: step.userName,
    accessKeyId: step.accessKeyId,
    ...(newAccessKeyId ? { newAccessKeyId } : {}),
    destination: step.destination
      ? describeDestination(step.destination)
      : 'not in the rotation map',
    action: step.kind,
    result: outcome.result,
    stage,
    detail,
    next:
      outcome.result === 'planned' ? wholePlan(step, c) : nextText(step, stage, newAccessKeyId, c),
    ...(createdAt ? { createdAt: createdAt.toISOString() } : {}),
    ...(deliveredAt ? { deliveredAt: deliveredAt.toISOString() } : {}),
    ...(undo ? { undo } : {}),
    at: at.toISOString()
  }
}
