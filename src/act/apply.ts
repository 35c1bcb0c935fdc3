// Applies a plan to IAM, one key at a time: re-read the key live and act only if it still
// is what the plan saw, then read it again to verify, then record the change durably.
import {
  DeleteAccessKeyCommand,
  paginateListAccessKeys,
  TagUserCommand,
  UntagUserCommand,
  UpdateAccessKeyCommand,
  type AccessKeyMetadata,
  type IAMClient
} from '@aws-sdk/client-iam'
import * as core from '@actions/core'
import { errorMessage } from '../kit/errors.js'
import { readUntilSettled, VERIFY_SETTLE, type SettleOptions } from '../kit/retry.js'
import type { KeyStatus } from '../domain/types.js'
import { releaseClaim, takeClaim, type ClaimResult } from './claim.js'
import { deactivatedTagKey } from './lifecycle-tag.js'
import type { ChangeKind, Plan, PlannedChange } from '../plan/remediation.js'

/**
 * `already-done`: at the re-read the key was already what the change would make it (another run
 * or a person got there first), so nothing was written. `claimed`: another run holds the claim on
 * the key and is changing it. Neither gets an undo command, and neither counts against fail-on.
 */
export type ChangeResult =
  | 'planned'
  | 'applied'
  | 'already-done'
  | 'claimed'
  | 'skipped'
  | 'failed'
  /** Not started: the job was cancelled first. */
  | 'cancelled'

/** Results after which the key needs nothing more from this run. */
export const HANDLED_RESULTS: ReadonlySet<ChangeResult> = new Set([
  'applied',
  'already-done',
  'claimed'
])

/** One change as it goes into the report: enough to audit it and to undo it. */
export interface ChangeRecord {
  kind: ChangeKind
  userName: string
  accessKeyId: string
  reason: string
  result: ChangeResult
  detail?: string
  before: { status: KeyStatus; createDate: string }
  after?: { status: KeyStatus | 'Deleted' }
  at: string
  /** The AWS CLI command that reverses the change; deletions cannot be undone. */
  undo?: string
}

const IAM_NAME = /^[\w+=,.@-]+$/

export function undoCommand(change: PlannedChange): string | undefined {
  // Names come from IAM, which only allows these characters; anything else is not quoted safely.
  if (change.kind !== 'deactivate') return undefined
  if (!IAM_NAME.test(change.userName) || !IAM_NAME.test(change.accessKeyId)) return undefined
  return `aws iam update-access-key --user-name ${change.userName} --access-key-id ${change.accessKeyId} --status Active`
}

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

async function readLiveKey(
  iam: IAMClient,
  userName: string,
  accessKeyId: string
): Promise<AccessKeyMetadata | undefined> {
  for await (const page of paginateListAccessKeys({ client: iam }, { UserName: userName })) {
    const key = page.AccessKeyMetadata?.find((k) => k.AccessKeyId === accessKeyId)
    if (key) return key
  }
  return undefined
}

/** What the re-read shows when the key is already in the state the change aims at. */
function alreadyDone(
  change: PlannedChange,
  live: AccessKeyMetadata | undefined
): string | undefined {
  if (!live) return 'the key was already deleted'
  if (change.kind === 'deactivate' && live.Status === 'Inactive')
    return 'the key was already Inactive'
  return undefined
}

/** Why the live key no longer matches the plan, or undefined when it does. */
function mismatch(change: PlannedChange, live: AccessKeyMetadata | undefined): string | undefined {
  if (!live) return 'the key no longer exists'
  if (live.Status !== change.fromStatus) {
    return `its status changed since the plan (${change.fromStatus} → ${live.Status})`
  }
  if (live.CreateDate?.getTime() !== change.createDate.getTime()) {
    return 'its creation date differs from the plan'
  }
  return undefined
}

async function perform(iam: IAMClient, change: PlannedChange): Promise<void> {
  const target = { UserName: change.userName, AccessKeyId: change.accessKeyId }
  if (change.kind === 'deactivate') {
    await iam.send(new UpdateAccessKeyCommand({ ...target, Status: 'Inactive' }))
  } else {
    await iam.send(new DeleteAccessKeyCommand(target))
  }
}

/** The deactivation date lets a later run delete after the grace period; removed on delete. */
async function recordLifecycle(iam: IAMClient, change: PlannedChange, at: Date): Promise<void> {
  const tagKey = deactivatedTagKey(change.accessKeyId)
  if (change.kind === 'deactivate') {
    await iam.send(
      new TagUserCommand({
        UserName: change.userName,
        Tags: [{ Key: tagKey, Value: at.toISOString() }]
      })
    )
  } else {
    await iam.send(new UntagUserCommand({ UserName: change.userName, TagKeys: [tagKey] }))
  }
}

export interface ApplyOptions {
  now: () => Date
  /** This run's name in claims (claim.ts); without it no claim is taken. */
  claimant?: string
  /** How long verification waits for IAM to settle. */
  settle?: SettleOptions
  /** Called the moment a change is verified, so even a killed job leaves it in the log. */
  onApplied?: (record: ChangeRecord) => void
  /** Once it answers a signal name (the job was cancelled), no new change starts. */
  cancelled?: () => string | undefined
}

/** One change under this run's claim: the claim is released whatever happens. */
export async function applyOne(
  iam: IAMClient,
  change: PlannedChange,
  options: ApplyOptions
): Promise<ChangeRecord> {
  const { now, claimant } = options
  if (claimant) {
    let claim: ClaimResult
    try {
      claim = await takeClaim(iam, change, claimant, now, options.settle)
    } catch (error) {
      return record(change, 'failed', now(), {
        detail: `Could not claim the key before the change: ${errorMessage(error)}`
      })
    }
    if (!claim.ok) {
      return record(change, 'claimed', now(), {
        detail: `Not changed: another run (${claim.holder.claimant}) claimed this key at ${claim.holder.at.toISOString()} and is changing it.`
      })
    }
  }
  try {
    const done = await applyClaimed(iam, change, options)
    if (done.result === 'applied') options.onApplied?.(done)
    return done
  } finally {
    if (claimant) {
      await releaseClaim(iam, change).catch((error: unknown) =>
        core.warning(
          `${change.userName} ${change.accessKeyId}: the claim tag could not be removed (it expires by itself): ${errorMessage(error)}`
        )
      )
    }
  }
}

async function applyClaimed(
  iam: IAMClient,
  change: PlannedChange,
  { now, settle = VERIFY_SETTLE }: ApplyOptions
): Promise<ChangeRecord> {
  try {
    const live = await readLiveKey(iam, change.userName, change.accessKeyId)
    const done = alreadyDone(change, live)
    if (done) {
      return record(change, 'already-done', now(), {
        detail: `Nothing written: at the re-read ${done} (another run or a person changed it).`,
        after: { status: live ? (live.Status as KeyStatus) : 'Deleted' }
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
      async () => {
        const live = await readLiveKey(iam, change.userName, change.accessKeyId)
        return live ? (live.Status as KeyStatus) : 'Deleted'
      },
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
    core.warning(`${change.userName} ${change.accessKeyId}: ${detail}`)
  }
  return record(change, 'applied', at, { after: { status: after }, ...(detail ? { detail } : {}) })
}

/** One log line per verified change, written at once: the job log keeps it even if the job is killed. */
export function logChange(change: ChangeRecord): void {
  const what = change.kind === 'deactivate' ? 'deactivated' : 'deleted'
  core.info(
    `Changed: ${change.userName} ${change.accessKeyId} ${what} at ${change.at} (verified).` +
      (change.undo ? ` Undo: ${change.undo}` : '')
  )
}

/** Applies the plan, adding each record to `records` as it is made (read while it runs, on cancel). */
export async function applyPlan(
  iam: IAMClient,
  plan: Plan,
  options: ApplyOptions = { now: () => new Date() },
  records: ChangeRecord[] = []
): Promise<ChangeRecord[]> {
  const { now } = options
  if (plan.dryRun || plan.capExceeded) {
    const detail = plan.dryRun
      ? 'Dry run: nothing was changed.'
      : `Not applied: the plan holds ${plan.changes.length} changes, more than max-actions (${plan.maxActions}).`
    records.push(...plan.changes.map((c) => record(c, 'planned', now(), { detail })))
    return records
  }
  // One at a time: a handful of changes per run, each verified before the next.
  for (const change of plan.changes) {
    const signal = options.cancelled?.()
    records.push(
      signal
        ? record(change, 'cancelled', now(), {
            detail: `Not started: the job was cancelled (${signal}).`
          })
        : await applyOne(iam, change, options)
    )
  }

  for (const start of options.cancelled?.() ? [] : plan.graceStarts) {
    try {
      await iam.send(
        new TagUserCommand({
          UserName: start.userName,
          Tags: [{ Key: deactivatedTagKey(start.accessKeyId), Value: now().toISOString() }]
        })
      )
    } catch (error) {
      core.warning(
        `${start.userName} ${start.accessKeyId}: could not record the start of the grace period: ${errorMessage(error)}`
      )
    }
  }
  return records
}
