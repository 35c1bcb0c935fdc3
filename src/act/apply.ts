// Applies a plan to IAM, one key at a time: re-read the key live and act only if it still
// is what the plan saw, then read it again to verify, then record the change durably.
import {
  deleteKey,
  readLiveKey,
  setKeyStatus,
  tagUser,
  untagUser,
  type IAMClient,
  type LiveKey
} from '../aws/iam-writes.js'
import { errorMessage } from '../kit/errors.js'
import type { Log } from '../kit/log.js'
import { readUntilSettled, VERIFY_SETTLE, type SettleOptions } from '../kit/retry.js'
import {
  undoCommand,
  type ChangeRecord,
  type ChangeResult,
  type Plan,
  type PlannedChange
} from '../domain/changes.js'
import type { KeyStatus } from '../domain/types.js'
import type { Sleep } from '../kit/sleep.js'
import {
  heldBy,
  releaseClaim,
  releaseUnused,
  takeClaim,
  takeClaims,
  type ClaimOptions,
  type ClaimResult
} from './claim.js'
import { deactivatedTagKey } from '../domain/lifecycle-tag.js'

function record(
  change: PlannedChange,
  result: ChangeResult,
  at: Date,
  extra: Partial<ChangeRecord> = {}
): ChangeRecord {
  const undo = result === 'applied' ? undoCommand(change) : undefined
  return {
    kind: change.kind,
    userName: change.userName,
    accessKeyId: change.accessKeyId,
    reason: change.reason,
    result,
    before: { status: change.fromStatus, createDate: change.createDate.toISOString() },
    at: at.toISOString(),
    ...(undo ? { undo } : {}),
    ...extra
  }
}

/** What the re-read shows when the key is already in the state the change aims at. */
function alreadyDone(change: PlannedChange, live: LiveKey | undefined): string | undefined {
  if (!live) return 'the key was already deleted'
  if (change.kind === 'deactivate' && live.status === 'Inactive')
    return 'the key was already Inactive'
  return undefined
}

/** Why the live key no longer matches the plan, or undefined when it does. */
function mismatch(change: PlannedChange, live: LiveKey | undefined): string | undefined {
  if (!live) return 'the key no longer exists'
  if (live.status !== change.fromStatus) {
    return `its status changed since the plan (${change.fromStatus} → ${live.status})`
  }
  if (live.createDate?.getTime() !== change.createDate.getTime()) {
    return 'its creation date differs from the plan'
  }
  return undefined
}

async function perform(iam: IAMClient, change: PlannedChange): Promise<void> {
  if (change.kind === 'deactivate') await setKeyStatus(iam, change, 'Inactive')
  else await deleteKey(iam, change)
}

/** The deactivation date lets a later run delete after the grace period; removed on delete. */
async function recordLifecycle(iam: IAMClient, change: PlannedChange, at: Date): Promise<void> {
  const tagKey = deactivatedTagKey(change.accessKeyId)
  if (change.kind === 'deactivate') await tagUser(iam, change.userName, tagKey, at.toISOString())
  else await untagUser(iam, change.userName, tagKey)
}

export interface ApplyOptions {
  now: () => Date
  /** Where warnings go, and one line per verified change. */
  log: Log
  /** This run's name in claims (claim.ts); without it no claim is taken. */
  claimant?: string
  /** Claims taken beforehand for the whole plan (takeClaims), by key ID; a key without one takes its own. */
  claims?: ReadonlyMap<string, ClaimResult>
  /** The claim's settle wait (claim.ts CLAIM_SETTLE_MS) and its sleep, for tests. */
  claimSettleMs?: number
  sleep?: Sleep
  /** How long verification waits for IAM to settle. */
  settle?: SettleOptions
  /** Once it answers a signal name (the job was cancelled), no new change starts. */
  cancelled?: () => string | undefined
}

/** One log line per verified change, written at once: the job log keeps it even if the job is killed. */
function changeLine(change: ChangeRecord): string {
  const what = change.kind === 'deactivate' ? 'deactivated' : 'deleted'
  return (
    `Changed: ${change.userName} ${change.accessKeyId} ${what} at ${change.at} (verified).` +
    (change.undo ? ` Undo: ${change.undo}` : '')
  )
}

/** The claim's options from the apply options. */
export function claimOptions(
  o: Pick<ApplyOptions, 'now' | 'claimSettleMs' | 'sleep' | 'settle' | 'cancelled'>
): ClaimOptions {
  // A test's settle sleep (one that returns at once) serves the claim's wait too.
  const sleep = o.sleep ?? o.settle?.sleep
  return {
    now: o.now,
    ...(o.claimSettleMs === undefined ? {} : { settleMs: o.claimSettleMs }),
    ...(sleep ? { sleep } : {}),
    ...(o.cancelled ? { cancelled: o.cancelled } : {})
  }
}

/** One change under this run's claim: the claim is released whatever happens. */
export async function applyOne(
  iam: IAMClient,
  change: PlannedChange,
  options: ApplyOptions
): Promise<ChangeRecord> {
  const { now, claimant, log } = options
  let held: Extract<ClaimResult, { ok: true }> | undefined
  if (claimant) {
    const claim =
      options.claims?.get(change.accessKeyId) ??
      (await takeClaim(iam, change, claimant, claimOptions(options)))
    if ('error' in claim) return record(change, 'failed', now(), { detail: claim.error })
    if (!claim.ok) {
      return record(change, 'claimed', now(), { detail: `Not changed: ${heldBy(claim.holder)}.` })
    }
    held = claim
  }
  try {
    const done = await applyClaimed(iam, change, options)
    if (done.result === 'applied') log.info(changeLine(done))
    return done
  } finally {
    if (held) {
      await releaseClaim(iam, change, held).catch((error: unknown) =>
        log.warning(
          `${change.userName} ${change.accessKeyId}: the claim tag could not be removed (it expires by itself): ${errorMessage(error)}`
        )
      )
    }
  }
}

/** The live status for verification: a key that is gone reads as Deleted. */
async function liveStatus(iam: IAMClient, change: PlannedChange): Promise<KeyStatus | 'Deleted'> {
  const live = await readLiveKey(iam, change.userName, change.accessKeyId)
  return live ? live.status : 'Deleted'
}

async function applyClaimed(
  iam: IAMClient,
  change: PlannedChange,
  { now, log, settle = VERIFY_SETTLE }: ApplyOptions
): Promise<ChangeRecord> {
  try {
    const live = await readLiveKey(iam, change.userName, change.accessKeyId)
    const done = alreadyDone(change, live)
    if (done) {
      return record(change, 'already-done', now(), {
        detail: `Nothing written: at the re-read ${done} (another run or a person changed it).`,
        after: { status: live ? live.status : 'Deleted' }
      })
    }
    const why = mismatch(change, live)
    if (why) return record(change, 'skipped', now(), { detail: `Not changed: ${why}.` })
  } catch (error) {
    return record(change, 'failed', now(), {
      detail: `Could not re-read the key before the change: ${errorMessage(error)}`
    })
  }

  const at = now()
  try {
    await perform(iam, change)
  } catch (error) {
    return record(change, 'failed', at, { detail: errorMessage(error) })
  }

  const expected = change.kind === 'deactivate' ? 'Inactive' : 'Deleted'
  let after: KeyStatus | 'Deleted'
  try {
    const read = await readUntilSettled(
      () => liveStatus(iam, change),
      (status) => status === expected,
      settle
    )
    after = read.value
    if (!read.settled) {
      return record(change, 'failed', at, {
        after: { status: after },
        detail: `Verification failed: the key is still ${after} after ${read.reads} reads, expected ${expected}. The change was sent once and not repeated; check the key.`
      })
    }
  } catch (error) {
    return record(change, 'failed', at, {
      detail: `The change was sent but could not be verified: ${errorMessage(error)}`
    })
  }

  let detail: string | undefined
  try {
    await recordLifecycle(iam, change, at)
  } catch (error) {
    // The key change itself is done and verified; a missing record only restarts the grace period.
    detail = `Applied, but the lifecycle tag could not be written: ${errorMessage(error)}`
    log.warning(`${change.userName} ${change.accessKeyId}: ${detail}`)
  }
  return record(change, 'applied', at, { after: { status: after }, ...(detail ? { detail } : {}) })
}

/**
 * Applies the plan, yielding each record the moment it is made, so that a job cancelled half
 * way still holds what was done. A dry run or a plan over max-actions writes nothing.
 */
export async function* applyPlan(
  iam: IAMClient,
  plan: Plan,
  options: ApplyOptions
): AsyncGenerator<ChangeRecord, void, undefined> {
  const { now, log } = options
  if (plan.dryRun || plan.capExceeded) {
    const detail = plan.dryRun
      ? 'Dry run: nothing was changed.'
      : `Not applied: the plan holds ${plan.changes.length} changes, more than max-actions (${plan.maxActions}).`
    for (const change of plan.changes) yield record(change, 'planned', now(), { detail })
    return
  }
  // Every key's claim at once, so that the run waits for IAM to show other runs' claims once.
  const claims =
    options.claimant && !options.cancelled?.()
      ? await takeClaims(iam, plan.changes, options.claimant, claimOptions(options))
      : undefined
  const started = new Set<string>()
  try {
    // One at a time: a handful of changes per run, each verified before the next.
    for (const change of plan.changes) {
      const signal = options.cancelled?.()
      if (!signal) started.add(change.accessKeyId)
      yield signal
        ? record(change, 'cancelled', now(), {
            detail: `Not started: the job was cancelled (${signal}).`
          })
        : await applyOne(iam, change, { ...options, ...(claims ? { claims } : {}) })
    }
  } finally {
    // The claims of changes never started (a cancel) are not left to expire.
    await releaseUnused(iam, plan.changes, claims, started, log)
  }

  for (const start of options.cancelled?.() ? [] : plan.graceStarts) {
    try {
      await tagUser(iam, start.userName, deactivatedTagKey(start.accessKeyId), now().toISOString())
    } catch (error) {
      log.warning(
        `${start.userName} ${start.accessKeyId}: could not record the start of the grace period: ${errorMessage(error)}`
      )
    }
  }
}
