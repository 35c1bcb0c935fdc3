// A claim on a key, so that two runs at once (a re-run, a second workflow, a matrix overlap) do
// not both change it. IAM has no conditional write, so a tag one run writes and another
// overwrites cannot exclude anyone: each run writes a tag of its own on the key's user,
// `iam-key-sentinel:claim:<key ID>:<claimant>` = the ISO time of the claim, which no other run
// writes, waits for IAM to show every claim written before it (CLAIM_SETTLE_MS), then reads them
// all: the earliest claim wins (a tie goes to the lower run ID, then attempt, then the claimant's
// text), and every other run leaves the key, naming the winner. The claims of one run are taken
// together (one wait per run, not per key) and each is removed after its change; a claim older
// than CLAIM_TTL_MS is a killed run's leftover: ignored, and removed by the run that wins.
// The workflow's `concurrency:` group stays the first defence.
import { randomBytes } from 'node:crypto'
import { tagUser, untagUser, type IAMClient } from '../aws/iam-writes.js'
import { readTagsOf } from '../aws/iam-read.js'
import { errorMessage } from '../kit/errors.js'
import type { Log } from '../kit/log.js'
import { sleep as realSleep, type Sleep } from '../kit/sleep.js'
import type { RunContext } from '../inputs/run-context.js'

const CLAIM_TAG_PREFIX = 'iam-key-sentinel:claim:'

/**
 * A claim older than this is a leftover of a killed run and is ignored. A run's claims are
 * taken before its first change and each removed after its change: an hour covers the changes
 * of one run (seconds each, at most max-actions of them) with a wide margin.
 */
export const CLAIM_TTL_MS = 60 * 60_000

/**
 * How long a run waits after writing its claims before reading every run's. IAM is eventually
 * consistent and documents no bound (IAM User Guide, "Changes that I make are not always
 * immediately visible"); TagUser and ListUserTags are both answered by its control plane, where
 * the action's own writes show within VERIFY_SETTLE's 3.75 s of reads. A claim written before
 * ours must be visible when we read: 5 s covers that lag, plus the disagreement of two runners'
 * clocks (NTP-synchronized, well under a second), since each claim's time is its runner's.
 */
export const CLAIM_SETTLE_MS = 5_000

export interface Claim {
  claimant: string
  at: Date
  /** The tag that holds it. */
  tagKey: string
}

interface ClaimTarget {
  userName: string
  accessKeyId: string
}

/** This run's tag on one key: one key per run and key, so no run overwrites another's. */
export function claimTagKey(accessKeyId: string, claimant: string): string {
  return `${CLAIM_TAG_PREFIX}${accessKeyId}:${claimant}`
}

/**
 * This run's name in a claim: run ID and attempt, plus a random part, because two jobs of one
 * run (a matrix) share both. Only characters IAM tag keys allow.
 */
export function claimantId(run: Pick<RunContext, 'runId' | 'runAttempt'>): string {
  return `run-${run.runId}.${run.runAttempt}.${randomBytes(4).toString('hex')}`
}

const validDate = (text: string | undefined): Date | undefined => {
  const at = new Date(text ?? '')
  return Number.isNaN(at.getTime()) ? undefined : at
}

/**
 * Every claim on the key among a user's tags. The single tag `iam-key-sentinel:claim:<key ID>`
 * = `<claimant> <time>` of earlier versions counts too, so that its leftovers are cleaned.
 */
export function claimsOn(tags: ReadonlyMap<string, string>, accessKeyId: string): Claim[] {
  const own = `${CLAIM_TAG_PREFIX}${accessKeyId}`
  const claims: Claim[] = []
  for (const [tagKey, value] of tags) {
    if (tagKey.startsWith(`${own}:`)) {
      const at = validDate(value)
      const claimant = tagKey.slice(own.length + 1)
      if (at && claimant) claims.push({ claimant, at, tagKey })
    } else if (tagKey === own) {
      const match = /^(\S+) (\S+)$/.exec(value)
      const at = validDate(match?.[2])
      if (match?.[1] && at) claims.push({ claimant: match[1], at, tagKey })
    }
  }
  return claims
}

/** run-<run ID>.<attempt>.<random>: the numbers, for the tie-break; NaN for anything else. */
function runNumbers(claimant: string): [number, number] {
  const match = /^run-(\d+)\.(\d+)\./.exec(claimant)
  return match ? [Number(match[1]), Number(match[2])] : [Number.NaN, Number.NaN]
}

const byNumber = (a: number, b: number): number => (Number.isNaN(a) || Number.isNaN(b) ? 0 : a - b)

/** Earliest first; a tie goes to the lower run ID, then attempt, then the claimant's text. */
export function compareClaims(a: Claim, b: Claim): number {
  const [runA, attemptA] = runNumbers(a.claimant)
  const [runB, attemptB] = runNumbers(b.claimant)
  return (
    a.at.getTime() - b.at.getTime() ||
    byNumber(runA, runB) ||
    byNumber(attemptA, attemptB) ||
    (a.claimant < b.claimant ? -1 : a.claimant > b.claimant ? 1 : 0)
  )
}

/** Which claim holds the key (undefined when none is live), and the stale ones. */
export function judgeClaims(
  claims: readonly Claim[],
  now: Date
): { holder?: Claim; stale: Claim[] } {
  const isStale = (c: Claim): boolean => now.getTime() - c.at.getTime() >= CLAIM_TTL_MS
  const [holder] = claims.filter((c) => !isStale(c)).sort(compareClaims)
  return { ...(holder ? { holder } : {}), stale: claims.filter(isStale) }
}

/** ok: this run holds the key; `stale`: leftover claims to remove with ours after the change. */
export type ClaimResult =
  | { ok: true; tagKey: string; stale: string[] }
  | { ok: false; holder: Claim }
  | { ok: false; error: string }

export interface ClaimOptions {
  now: () => Date
  /** CLAIM_SETTLE_MS unless a test says otherwise. */
  settleMs?: number
  sleep?: Sleep
  /** Once it answers (the job was cancelled), the wait ends and this run's claims are removed. */
  cancelled?: () => string | undefined
}

/** The wait is cut in slices this long, so that a cancel is seen within one. */
const SETTLE_SLICE_MS = 250

/**
 * Takes this run's claims on the keys, all at once: a key another live claim already holds is
 * left at once; on the others ours is written, then, after the settle wait, every claim is read
 * again and the earliest wins. A run that loses removes its claim. Never throws: a key whose
 * claim could not be written or read has an error.
 */
export async function takeClaims(
  iam: IAMClient,
  targets: readonly ClaimTarget[],
  claimant: string,
  options: ClaimOptions
): Promise<Map<string, ClaimResult>> {
  const results = new Map<string, ClaimResult>()
  const users = new Map<string, ClaimTarget[]>()
  for (const t of targets) users.set(t.userName, [...(users.get(t.userName) ?? []), t])
  const others = (tags: ReadonlyMap<string, string>, t: ClaimTarget): Claim[] =>
    claimsOn(tags, t.accessKeyId).filter((c) => c.claimant !== claimant)

  // One time for all of this run's claims, so that of two runs the same one is earlier on every
  // key they share (a rotation's old key and the leftover it deletes first).
  const at = options.now()
  // Another run's live claim already there: no need to write or wait.
  const written: { target: ClaimTarget; claim: Claim }[] = []
  for (const [userName, keys] of users) {
    let tags: Map<string, string>
    try {
      tags = await readTagsOf(iam, userName)
    } catch (error) {
      for (const t of keys) results.set(t.accessKeyId, failure(error))
      continue
    }
    for (const t of keys) {
      const { holder } = judgeClaims(others(tags, t), at)
      if (holder) {
        results.set(t.accessKeyId, { ok: false, holder })
        continue
      }
      const tagKey = claimTagKey(t.accessKeyId, claimant)
      try {
        await tagUser(iam, userName, tagKey, at.toISOString())
        written.push({ target: t, claim: { claimant, at, tagKey } })
      } catch (error) {
        results.set(t.accessKeyId, failure(error))
      }
    }
  }
  if (written.length === 0) return results

  const sleep = options.sleep ?? realSleep
  const settleMs = options.settleMs ?? CLAIM_SETTLE_MS
  for (let waited = 0; waited < settleMs && !options.cancelled?.(); waited += SETTLE_SLICE_MS)
    await sleep(Math.min(SETTLE_SLICE_MS, settleMs - waited))
  // Cancelled while waiting: no change starts, so no claim may stay behind to block other runs.
  const signal = options.cancelled?.()
  if (signal) {
    for (const { target, claim } of written) {
      await untagUser(iam, target.userName, [claim.tagKey]).catch(() => undefined)
      results.set(target.accessKeyId, {
        ok: false,
        error: `Not claimed: the job was cancelled (${signal}).`
      })
    }
    return results
  }

  const reread = new Map<string, Promise<Map<string, string>>>()
  for (const { target, claim } of written) {
    const tags = reread.get(target.userName) ?? readTagsOf(iam, target.userName)
    reread.set(target.userName, tags)
    let result: ClaimResult
    try {
      // Ours as written, whether or not IAM shows it yet: only the others' can be missing.
      const { holder, stale } = judgeClaims([claim, ...others(await tags, target)], options.now())
      result =
        holder && holder.claimant !== claimant
          ? { ok: false, holder }
          : { ok: true, tagKey: claim.tagKey, stale: stale.map((c) => c.tagKey) }
    } catch (error) {
      result = failure(error)
    }
    results.set(target.accessKeyId, result)
    // A run that does not hold the key takes its claim away at once.
    if (!result.ok) await untagUser(iam, target.userName, [claim.tagKey]).catch(() => undefined)
  }
  return results
}

function failure(error: unknown): ClaimResult {
  return { ok: false, error: `Could not claim the key before the change: ${errorMessage(error)}` }
}

/** Takes the claim on one key (with its own settle wait). */
export async function takeClaim(
  iam: IAMClient,
  target: ClaimTarget,
  claimant: string,
  options: ClaimOptions
): Promise<ClaimResult> {
  const results = await takeClaims(iam, [target], claimant, options)
  return results.get(target.accessKeyId) ?? failure(new Error('no claim was taken'))
}

/** Removes a claim this run holds and the leftovers it found; a failure leaves tags that expire. */
export async function releaseClaim(
  iam: IAMClient,
  target: ClaimTarget,
  claim: Extract<ClaimResult, { ok: true }>
): Promise<void> {
  await untagUser(iam, target.userName, [claim.tagKey, ...claim.stale])
}

/** The sentence a run records for a key another run holds. */
export function heldBy(holder: Claim): string {
  return `another run (${holder.claimant}) claimed this key at ${holder.at.toISOString()} and is changing it`
}

/** Releases the claims this run took but did not use (changes never started). */
export async function releaseUnused(
  iam: IAMClient,
  targets: readonly ClaimTarget[],
  claims: ReadonlyMap<string, ClaimResult> | undefined,
  used: ReadonlySet<string>,
  log: Pick<Log, 'warning'>
): Promise<void> {
  for (const t of targets) {
    const claim = claims?.get(t.accessKeyId)
    if (!claim?.ok || used.has(t.accessKeyId)) continue
    await releaseClaim(iam, t, claim).catch((error: unknown) =>
      log.warning(
        `${t.userName} ${t.accessKeyId}: the claim tag could not be removed (it expires by itself): ${errorMessage(error)}`
      )
    )
  }
}
