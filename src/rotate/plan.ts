// The rotation planner: a pure function from the classified keys, the rotations recorded on their
// users and the live last uses to the step each rotation takes this run. Nothing outside these
// steps is touched; a dry run shows them and writes nothing.
import { addDays, DAY_MS, isoDate } from '../domain/dates.js'
import { readDeactivatedAt } from '../domain/lifecycle-tag.js'
import type { RemediationSettings } from '../domain/settings.js'
import {
  destinationFor,
  type RotationDestination,
  type RotationSettings
} from '../domain/rotation.js'
import {
  createdByInterruptedRun,
  decideCutover,
  rotationStates,
  type CutoverDecision,
  type RotationState
} from '../domain/rotation-state.js'
import type { Finding, LastUse } from '../domain/types.js'

interface StepBase {
  userName: string
  /** The key being replaced. */
  accessKeyId: string
  /** The old key as the scan saw it; absent once it is gone. */
  old?: Finding
  destination?: RotationDestination
  state?: RotationState
  reason: string
}

export type RotationStep =
  /** Create the new key (after deleting `clearFirst`), deliver it, verify the delivery. */
  | (StepBase & {
      kind: 'create'
      old: Finding
      destination: RotationDestination
      clearFirst: Finding[]
    })
  /** Nothing to write: the cutover is watched, or the grace period runs. */
  | (StepBase & { kind: 'observe'; decision?: CutoverDecision; graceStart?: true })
  | (StepBase & { kind: 'deactivate'; old: Finding })
  | (StepBase & { kind: 'delete'; old: Finding })
  /** The old key is gone: the record is removed. */
  | (StepBase & { kind: 'finish' })
  | (StepBase & { kind: 'hold' })

export interface RotationPlan {
  dryRun: boolean
  maxActions: number
  steps: RotationStep[]
  /** The IAM key writes of the steps, counted against max-actions (see keyWrites). */
  keyWrites: number
  /** More key writes than max-actions: nothing changes. */
  capExceeded: boolean
}

export interface RotationPlanInput {
  findings: readonly Finding[]
  /** Tags of the mapped users, read live by the rotation stage. */
  tags: ReadonlyMap<string, ReadonlyMap<string, string>>
  rotation: RotationSettings
  remediation: RemediationSettings
  now: Date
  /** Keys never to touch: the action's own key, users whose tags could not be read. */
  blocked: ReadonlyMap<string, string>
  /** Live last use, by key ID, of the keys in delivered rotations. */
  lastUse: ReadonlyMap<string, LastUse>
}

/**
 * The IAM key writes a step makes: a creation is one, plus one per key deleted first to make
 * room (an inactive leftover, an interrupted run's undelivered key); a deactivation or a
 * deletion is one. The rotation record's tag writes are bookkeeping of these, not counted.
 */
function keyWrites(step: RotationStep): number {
  switch (step.kind) {
    case 'create':
      return 1 + step.clearFirst.length
    case 'deactivate':
    case 'delete':
      return 1
    default:
      return 0
  }
}

function due(f: Finding, rotateOn: RotationSettings['rotateOn']): boolean {
  if (f.status !== 'Active') return false
  return f.class === 'overdue' || (rotateOn === 'due-soon' && f.class === 'due-soon')
}

/** Continues a recorded rotation from where the last run left it. */
function continueRotation(
  input: RotationPlanInput,
  keys: readonly Finding[],
  oldId: string,
  state: RotationState,
  destination: RotationDestination | undefined,
  tags: ReadonlyMap<string, string> | undefined
): RotationStep {
  const old = keys.find((k) => k.accessKeyId === oldId)
  const userName = keys[0]?.userName ?? ''
  const base = { userName, accessKeyId: oldId, state, ...(destination ? { destination } : {}) }
  if (!old) return { ...base, kind: 'finish', reason: 'the old key is gone' }
  const blocked = input.blocked.get(oldId)
  if (blocked) return { ...base, old, kind: 'hold', reason: blocked }
  if (!destination) {
    return {
      ...base,
      old,
      kind: 'hold',
      reason: `the user is no longer in ${input.rotation.map.path}: the rotation stops here; finish it by hand`
    }
  }
  if (state.step === 'creating' || state.step === 'created') {
    // The new key's secret lived only in the run that made it: it is deleted and made again.
    const undelivered = keys.filter((k) =>
      state.step === 'created'
        ? k.accessKeyId === state.newAccessKeyId
        : k.accessKeyId !== oldId && createdByInterruptedRun(state.startedAt, k.createDate)
    )
    return newKey(input, keys, old, destination, tags, undelivered, state)
  }
  const fresh = keys.find((k) => k.accessKeyId === state.newAccessKeyId)
  if (!fresh) {
    return {
      ...base,
      old,
      kind: 'hold',
      reason: `the new key ${state.newAccessKeyId} is gone, so the old key stays; check the destination, then remove the tag to start again`
    }
  }
  if (state.step === 'retiring' && old.status === 'Inactive') {
    const since = readDeactivatedAt(tags, oldId)
    const grace = input.remediation.deleteGraceDays
    if (!since)
      return {
        ...base,
        old,
        kind: 'observe',
        graceStart: true,
        reason: `inactive: the ${grace}-day grace period starts now`
      }
    if (input.now.getTime() - since.getTime() >= grace * DAY_MS)
      return {
        ...base,
        old,
        kind: 'delete',
        reason: `inactive since ${isoDate(since)}, grace period of ${grace} days over`
      }
    return {
      ...base,
      old,
      kind: 'observe',
      reason: `inactive since ${isoDate(since)}: deleted from ${isoDate(addDays(since, grace))}`
    }
  }
  // Delivered, or retiring but reactivated by someone: watch the cutover (again).
  const decision = decideCutover({
    newLastUse: input.lastUse.get(state.newAccessKeyId) ?? { kind: 'unknown' },
    oldLastUse: input.lastUse.get(oldId) ?? { kind: 'unknown' },
    deliveredAt: state.deliveredAt,
    now: input.now,
    idleHours: input.rotation.cutoverIdleHours,
    timeoutDays: input.rotation.cutoverTimeoutDays
  })
  if (decision.kind === 'switched')
    return {
      ...base,
      old,
      kind: 'deactivate',
      reason: `the consumer switched: the new key was used, the old one idle for ${input.rotation.cutoverIdleHours} hours`
    }
  return {
    ...base,
    old,
    kind: 'observe',
    decision,
    reason: 'waiting for the consumer to switch to the new key'
  }
}

/** A new key for `old`, if IAM's two-key limit allows it after the leftovers are deleted. */
function newKey(
  input: RotationPlanInput,
  keys: readonly Finding[],
  old: Finding,
  destination: RotationDestination,
  tags: ReadonlyMap<string, string> | undefined,
  undelivered: readonly Finding[],
  state?: RotationState
): RotationStep {
  const base = {
    userName: old.userName,
    accessKeyId: old.accessKeyId,
    old,
    destination,
    ...(state ? { state } : {})
  }
  const others = keys.filter((k) => k !== old && !undelivered.includes(k))
  const leftovers = others.filter(
    (k) => k.status === 'Inactive' && readDeactivatedAt(tags, k.accessKeyId)
  )
  const blocking = others.filter((k) => !leftovers.includes(k))
  const [other] = blocking
  if (other) {
    const why =
      other.status === 'Active'
        ? `the user already has two keys (${other.accessKeyId} is Active) and IAM allows two, so no new key can be made: retire ${other.accessKeyId} first (delete it if nothing uses it), then the next run rotates`
        : `the user already has two keys and ${other.accessKeyId} is inactive but was not deactivated by IAM Key Sentinel: delete it if nothing needs it, then the next run rotates`
    return { ...base, kind: 'hold', reason: why }
  }
  const clearFirst = [...undelivered, ...leftovers]
  const reason =
    clearFirst.length === 0
      ? `${old.class === 'overdue' ? 'overdue' : 'due soon'}: ${old.ageDays} days old`
      : `${old.class === 'overdue' ? 'overdue' : 'due soon'}; first deleting ${clearFirst.map((k) => k.accessKeyId).join(', ')} (${undelivered.length > 0 ? "an interrupted run's undelivered new key" : 'an inactive leftover'})`
  return { ...base, kind: 'create', clearFirst, reason }
}

export function planRotation(input: RotationPlanInput): RotationPlan {
  const byUser = new Map<string, Finding[]>()
  for (const f of input.findings) byUser.set(f.userName, [...(byUser.get(f.userName) ?? []), f])
  const steps: RotationStep[] = []
  for (const [userName, keys] of byUser) {
    const destination = destinationFor(input.rotation.map, userName)
    const tags = input.tags.get(userName)
    const states = rotationStates(tags)
    for (const [oldId, state] of states)
      steps.push(continueRotation(input, keys, oldId, state, destination, tags))
    if (!destination) continue
    const fresh = new Set(
      [...states.values()].flatMap((s) => ('newAccessKeyId' in s ? [s.newAccessKeyId] : []))
    )
    const candidates = keys
      .filter(
        (k) =>
          due(k, input.rotation.rotateOn) && !states.has(k.accessKeyId) && !fresh.has(k.accessKeyId)
      )
      .sort((a, b) => a.createDate.getTime() - b.createDate.getTime())
    for (const [index, old] of candidates.entries()) {
      const base = { userName, accessKeyId: old.accessKeyId, old, destination }
      const blocked = input.blocked.get(old.accessKeyId)
      if (blocked) steps.push({ ...base, kind: 'hold', reason: blocked })
      else if (states.size > 0 || index > 0)
        steps.push({
          ...base,
          kind: 'hold',
          reason: 'one rotation per user at a time: this key is rotated after the one under way'
        })
      else steps.push(newKey(input, keys, old, destination, tags, []))
    }
  }
  const writes = steps.reduce((n, s) => n + keyWrites(s), 0)
  return {
    dryRun: input.remediation.dryRun,
    maxActions: input.remediation.maxActions,
    steps,
    keyWrites: writes,
    capExceeded: writes > input.remediation.maxActions
  }
}
