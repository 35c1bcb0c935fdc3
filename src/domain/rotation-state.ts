// The rotation's state machine, recorded per old key as an IAM user tag on its owner (like the
// staged delete's date): `iam-key-sentinel:rotation:<old key ID>` holds the step and what the
// next run needs. Intent is written before a key is created, so a run killed at any point leaves
// enough for the next one to finish without a second new key. Pure: parse, format, decide.
import { DAY_MS } from './dates.js'
import type { LastUse } from './types.js'

const ROTATION_TAG_PREFIX = 'iam-key-sentinel:rotation:'

export function rotationTagKey(oldAccessKeyId: string): string {
  return `${ROTATION_TAG_PREFIX}${oldAccessKeyId}`
}

/**
 * `creating`: about to call CreateAccessKey (the new key's ID is not known yet).
 * `created`: the new key exists; its secret lived only in the run that made it.
 * `delivered`: the new key is at its destination, verified; the cutover is being watched.
 * `retiring`: the old key is deactivated; the staged delete removes it after delete-grace-days.
 */
export type RotationState =
  | { step: 'creating'; startedAt: Date }
  | { step: 'created'; newAccessKeyId: string; createdAt: Date }
  | { step: 'delivered'; newAccessKeyId: string; createdAt: Date; deliveredAt: Date }
  | { step: 'retiring'; newAccessKeyId: string; createdAt: Date; deliveredAt: Date }

// IAM tag values allow letters, digits, spaces and _.:/=+-@: an ISO date and a key ID fit.
export function formatRotationState(state: RotationState): string {
  switch (state.step) {
    case 'creating':
      return `creating ${state.startedAt.toISOString()}`
    case 'created':
      return `created ${state.newAccessKeyId} ${state.createdAt.toISOString()}`
    case 'delivered':
    case 'retiring':
      return `${state.step} ${state.newAccessKeyId} ${state.createdAt.toISOString()} ${state.deliveredAt.toISOString()}`
  }
}

const KEY_ID = /^[A-Z0-9]{16,128}$/

function date(value: string | undefined): Date | undefined {
  const d = new Date(value ?? '')
  return value && !Number.isNaN(d.getTime()) ? d : undefined
}

/** The recorded state, or undefined when absent or not one the action wrote. */
export function parseRotationState(value: string | undefined): RotationState | undefined {
  const [step, a, b, c, extra] = (value ?? '').split(' ')
  if (extra !== undefined) return undefined
  if (step === 'creating') {
    const startedAt = date(a)
    return startedAt && b === undefined ? { step, startedAt } : undefined
  }
  if (!a || !KEY_ID.test(a)) return undefined
  const createdAt = date(b)
  if (!createdAt) return undefined
  if (step === 'created')
    return c === undefined ? { step, newAccessKeyId: a, createdAt } : undefined
  const deliveredAt = date(c)
  if ((step === 'delivered' || step === 'retiring') && deliveredAt)
    return { step, newAccessKeyId: a, createdAt, deliveredAt }
  return undefined
}

/** Every recorded rotation of a user's tags, by old key ID. */
export function rotationStates(
  tags: ReadonlyMap<string, string> | undefined
): Map<string, RotationState> {
  const states = new Map<string, RotationState>()
  for (const [key, value] of tags ?? []) {
    if (!key.startsWith(ROTATION_TAG_PREFIX)) continue
    const state = parseRotationState(value)
    if (state) states.set(key.slice(ROTATION_TAG_PREFIX.length), state)
  }
  return states
}

/**
 * A key created this long around a `creating` record's time is the one that run made. IAM's
 * CreateDate is AWS's clock, the record the runner's, so some skew is allowed; a key made by a
 * person days later is not mistaken for it.
 */
const CREATING_WINDOW_MS = 15 * 60_000

export function createdByInterruptedRun(startedAt: Date, keyCreateDate: Date): boolean {
  const delta = keyCreateDate.getTime() - startedAt.getTime()
  return delta >= -CREATING_WINDOW_MS && delta <= CREATING_WINDOW_MS
}

export interface CutoverInput {
  newLastUse: LastUse
  oldLastUse: LastUse
  deliveredAt: Date
  now: Date
  idleHours: number
  timeoutDays: number
}

export type CutoverDecision =
  /** The consumer switched: the new key was used, the old one idle long enough. */
  | { kind: 'switched'; newUsedAt: Date }
  /** The new key was used, the old one not idle yet (or its last use is unknown). */
  | { kind: 'old-in-use'; oldUsedAt?: Date; timedOut: boolean }
  /** The new key has not been used yet. */
  | { kind: 'waiting'; timedOut: boolean }

const HOUR_MS = 3_600_000

/**
 * The old key is retired only when the new one has been used (a new key cannot be used before
 * it exists, so any use counts) and the old one has been idle for idle-hours. Anything unknown
 * waits: a key is never deactivated on a guess.
 */
export function decideCutover(input: CutoverInput): CutoverDecision {
  const timedOut = input.now.getTime() - input.deliveredAt.getTime() >= input.timeoutDays * DAY_MS
  if (input.newLastUse.kind !== 'used') return { kind: 'waiting', timedOut }
  const old = input.oldLastUse
  if (old.kind === 'unknown') return { kind: 'old-in-use', timedOut }
  const idleSince = old.kind === 'used' ? old.date.getTime() : 0
  if (input.now.getTime() - idleSince >= input.idleHours * HOUR_MS)
    return { kind: 'switched', newUsedAt: input.newLastUse.date }
  return { kind: 'old-in-use', ...(old.kind === 'used' ? { oldUsedAt: old.date } : {}), timedOut }
}
