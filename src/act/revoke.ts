// Takes one exposed key away: find its owner, confirm the key, deactivate or delete it with
// the same re-read and verification as remediation, then cut off sessions minted with it.
import {
  keyOwner,
  putUserPolicy,
  readLiveKey,
  readUserPolicy,
  type IAMClient,
  type LiveKey
} from '../aws/iam-writes.js'
import { errorMessage } from '../kit/errors.js'
import type { Log } from '../kit/log.js'
import { VERIFY_SETTLE, type SettleOptions } from '../kit/retry.js'
import { verifyPolicy } from './verify-policy.js'
import type { PlannedChange } from '../domain/changes.js'
import type { IncidentKeyResult, SessionRevocation } from '../domain/incident.js'
import type { ExposedKey } from '../domain/exposure.js'
import type { RevokeRequest } from '../domain/settings.js'
import { applyOne } from './apply.js'
import {
  revokeOlderSessionsPolicy,
  USER_DENY_POLICY_NAME as REVOKE_POLICY_NAME
} from '../domain/session-deny.js'

export interface RevokeOptions {
  action: 'deactivate' | 'delete'
  dryRun: boolean
  revokeSessions: boolean
  /** The key the action runs with, which it must never touch. */
  ownKeyId?: string
  /** This run's name in claims, so that two runs at once do not both write a key. */
  claimant?: string
  /** Where warnings go, and one line per verified change. */
  log: Log
  now: () => Date
  /** How long verification waits for IAM to settle. */
  settle?: SettleOptions
}

/** The owner as IAM knows it: GetAccessKeyLastUsed answers with the user name of any key. */
async function ownerOf(iam: IAMClient, accessKeyId: string): Promise<string> {
  const userName = await keyOwner(iam, accessKeyId)
  if (!userName) throw new Error('IAM did not name the key’s user')
  return userName
}

export async function revokeSessions(
  iam: IAMClient,
  userName: string,
  before: Date,
  settle: SettleOptions
): Promise<SessionRevocation> {
  const base = {
    policyName: REVOKE_POLICY_NAME,
    issuedBefore: before.toISOString(),
    undo: `aws iam delete-user-policy --user-name ${userName} --policy-name ${REVOKE_POLICY_NAME}`
  }
  try {
    const document = revokeOlderSessionsPolicy(before)
    await putUserPolicy(iam, userName, REVOKE_POLICY_NAME, document)
    // Verify like every other write.
    await verifyPolicy(() => readUserPolicy(iam, userName, REVOKE_POLICY_NAME), document, settle)
    return { ...base, ok: true }
  } catch (error) {
    return { ...base, ok: false, error: errorMessage(error) }
  }
}

export async function revokeKey(
  iam: IAMClient,
  exposed: ExposedKey,
  options: RevokeOptions
): Promise<IncidentKeyResult> {
  const result: IncidentKeyResult = {
    accessKeyId: exposed.accessKeyId,
    ...(exposed.location ? { location: exposed.location } : {}),
    outcome: 'failed'
  }
  try {
    result.userName = await ownerOf(iam, exposed.accessKeyId)
  } catch (error) {
    result.error = `The key could not be found in this account: ${errorMessage(error)}`
    result.missing = 'owner'
    return result
  }
  const userName = result.userName
  if (exposed.accessKeyId === options.ownKeyId) {
    result.error = 'The action is running with this key; it will not revoke its own credentials.'
    return result
  }
  let live: LiveKey | undefined
  try {
    live = await readLiveKey(iam, userName, exposed.accessKeyId)
  } catch (error) {
    result.error = `Listing the keys of ${userName} failed: ${errorMessage(error)}`
    return result
  }
  const createDate = live?.createDate
  if (!live || !createDate) {
    result.error = `${userName} has no key ${exposed.accessKeyId} any more (already deleted?).`
    result.missing = 'key'
    return result
  }

  const alreadyInactive = live.status === 'Inactive' && options.action === 'deactivate'
  if (!alreadyInactive) {
    const change: PlannedChange = {
      kind: options.action,
      userName,
      accessKeyId: exposed.accessKeyId,
      createDate,
      fromStatus: live.status,
      reason: `exposed${exposed.location ? ` at ${exposed.location}` : ''}`
    }
    result.change = options.dryRun
      ? {
          kind: change.kind,
          userName,
          accessKeyId: change.accessKeyId,
          reason: change.reason,
          result: 'planned',
          detail: 'Dry run: nothing was changed.',
          before: { status: live.status, createDate: createDate.toISOString() },
          at: options.now().toISOString()
        }
      : await applyOne(iam, change, {
          now: options.now,
          log: options.log,
          ...(options.claimant ? { claimant: options.claimant } : {}),
          ...(options.settle ? { settle: options.settle } : {})
        })
  }
  if (options.dryRun) {
    result.outcome = 'planned'
    return result
  }
  if (options.revokeSessions) {
    const settle = options.settle ?? VERIFY_SETTLE
    result.sessions = await revokeSessions(iam, userName, options.now(), settle)
  }

  const changeOk =
    alreadyInactive ||
    result.change?.result === 'applied' ||
    result.change?.result === 'already-done'
  if (!changeOk) {
    result.error = `The key could not be ${options.action === 'delete' ? 'deleted' : 'deactivated'}: ${result.change?.detail ?? 'unknown error'}`
  } else if (result.sessions && !result.sessions.ok) {
    result.error = `The key is ${options.action === 'delete' ? 'deleted' : 'inactive'}, but older sessions could not be revoked: ${result.sessions.error}`
  }
  const wasInactive = alreadyInactive || result.change?.result === 'already-done'
  result.outcome = result.error ? 'failed' : wasInactive ? 'already-inactive' : 'revoked'
  return result
}

/**
 * Every key of the request, one at a time and each isolated: a failure on one never stops the
 * others. Yields each result as it is made; after a cancel, the keys not yet started are failed
 * with what to do, and entities of the event that name no key are failed for a person to find.
 */
export async function* revokeAll(
  iam: IAMClient,
  request: Pick<RevokeRequest, 'keys' | 'event'>,
  options: RevokeOptions & { cancelled: () => string | undefined }
): AsyncGenerator<IncidentKeyResult> {
  for (const key of request.keys) {
    const signal = options.cancelled()
    yield signal
      ? {
          accessKeyId: key.accessKeyId,
          outcome: 'failed',
          error: `Not attempted: the job was cancelled (${signal}) before this key. Revoke it by hand or run again.`
        }
      : await revokeKey(iam, key, options)
  }
  for (const entity of request.event?.unusable ?? []) {
    yield {
      accessKeyId: entity.value,
      unusableEntity: entity.where,
      outcome: 'failed',
      error: `The event names '${entity.value}' (${entity.where}), which is not an access key ID, so nothing was revoked for it. Find out which key it means and deactivate it by hand.`
    }
  }
}
