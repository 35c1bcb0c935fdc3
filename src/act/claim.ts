// A short-lived claim on a key, so that two runs at once (a re-run, a second workflow, a matrix
// overlap) do not both write it. IAM has no conditional write, so the claim is an IAM user tag
// `iam-key-sentinel:claim:<key ID>` = `<claimant> <ISO time>` on the key's user: read it, write
// ours unless another run's unexpired claim is there, read it back, and act only if it is ours.
// Two runs that both read "free" before either writes still race; the one whose tag lands last
// wins the read back. The workflow's `concurrency:` group stays the first defence.
import { randomBytes } from 'node:crypto'
import { tagUser, untagUser, type IAMClient } from '../aws/iam-writes.js'
import { readUntilSettled, VERIFY_SETTLE, type SettleOptions } from '../kit/retry.js'
import type { RunContext } from '../inputs/run-context.js'
import { readTagsOf } from '../aws/iam-read.js'

const CLAIM_TAG_PREFIX = 'iam-key-sentinel:claim:'
/** A claim older than this is a leftover (a killed run) and is ignored: a change takes seconds. */
export const CLAIM_TTL_MS = 10 * 60_000

export interface Claim {
  claimant: string
  at: Date
}

export function claimTagKey(accessKeyId: string): string {
  return `${CLAIM_TAG_PREFIX}${accessKeyId}`
}

/**
 * This run's name in a claim: run ID and attempt, plus a random part, because two jobs of one
 * run (a matrix) share both. Only characters IAM tag values allow.
 */
export function claimantId(run: Pick<RunContext, 'runId' | 'runAttempt'>): string {
  return `run-${run.runId}.${run.runAttempt}.${randomBytes(4).toString('hex')}`
}

export function parseClaim(value: string | undefined): Claim | undefined {
  const match = /^(\S+) (\S+)$/.exec(value ?? '')
  const at = new Date(match?.[2] ?? '')
  return match?.[1] && !Number.isNaN(at.getTime()) ? { claimant: match[1], at } : undefined
}

async function readClaim(
  iam: IAMClient,
  userName: string,
  accessKeyId: string
): Promise<Claim | undefined> {
  return parseClaim((await readTagsOf(iam, userName)).get(claimTagKey(accessKeyId)))
}

export type ClaimResult = { ok: true } | { ok: false; holder: Claim }

/** Takes the claim on a key for `claimant`, or names the other run that holds it. */
export async function takeClaim(
  iam: IAMClient,
  target: { userName: string; accessKeyId: string },
  claimant: string,
  now: () => Date,
  settle: SettleOptions = VERIFY_SETTLE
): Promise<ClaimResult> {
  const live = (c: Claim | undefined): c is Claim =>
    c !== undefined && c.claimant !== claimant && now().getTime() - c.at.getTime() < CLAIM_TTL_MS
  const held = await readClaim(iam, target.userName, target.accessKeyId)
  if (live(held)) return { ok: false, holder: held }
  await tagUser(
    iam,
    target.userName,
    claimTagKey(target.accessKeyId),
    `${claimant} ${now().toISOString()}`
  )
  // Read back (waiting out IAM's consistency): a run whose tag landed after ours holds it.
  const back = await readUntilSettled(
    () => readClaim(iam, target.userName, target.accessKeyId),
    (c) => c?.claimant === claimant || live(c),
    settle
  )
  return live(back.value) ? { ok: false, holder: back.value } : { ok: true }
}

/** Removes the claim after the change; a failure only leaves a tag that expires. */
export async function releaseClaim(
  iam: IAMClient,
  target: { userName: string; accessKeyId: string }
): Promise<void> {
  await untagUser(iam, target.userName, claimTagKey(target.accessKeyId))
}
