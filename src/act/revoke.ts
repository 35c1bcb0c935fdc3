// Takes one exposed key away: find its owner, confirm the key, deactivate or delete it with
// the same re-read and verification as remediation, then cut off sessions minted with it.
import {
  GetAccessKeyLastUsedCommand,
  GetUserPolicyCommand,
  paginateListAccessKeys,
  PutUserPolicyCommand,
  type IAMClient
} from '@aws-sdk/client-iam'
import { errorMessage, hasAwsCode } from '../kit/errors.js'
import { readUntilSettled, VERIFY_SETTLE } from '../kit/retry.js'
import { applyOne, type ChangeRecord } from './apply.js'
import type { PlannedChange } from '../plan/remediation.js'
import type { KeyStatus } from '../domain/types.js'
import type { ExposedKey } from '../domain/exposure.js'

export const REVOKE_POLICY_NAME = 'iam-key-sentinel-revoke-older-sessions'

export type IncidentOutcome = 'revoked' | 'already-inactive' | 'planned' | 'failed'

export interface SessionRevocation {
  policyName: string
  /** Sessions issued before this instant are denied everything. */
  issuedBefore: string
  ok: boolean
  error?: string
  /** How to lift it once the incident is closed. */
  undo?: string
}

export interface IncidentKeyResult {
  /** The key ID; for an event entity that names no key, the entity's value as given. */
  accessKeyId: string
  /** Set when the event named something that is not an access key ID: where in the event. */
  unusableEntity?: string
  userName?: string
  location?: string
  outcome: IncidentOutcome
  change?: ChangeRecord
  sessions?: SessionRevocation
  /** What went wrong: set whenever a person must step in. */
  error?: string
}

export interface RevokeOptions {
  action: 'deactivate' | 'delete'
  dryRun: boolean
  revokeSessions: boolean
  /** The key the action runs with, which it must never touch. */
  ownKeyId?: string
  /** This run's name in claims, so that two runs at once do not both write a key. */
  claimant?: string
  /** Logs a change the moment it is verified. */
  onApplied?: (record: ChangeRecord) => void
  now: () => Date
}

/** Deny everything to sessions issued before `before`: temporary credentials outlive a deleted key. */
export function revocationPolicy(before: Date): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'IamKeySentinelRevokeOlderSessions',
        Effect: 'Deny',
        Action: '*',
        Resource: '*',
        Condition: { DateLessThan: { 'aws:TokenIssueTime': before.toISOString() } }
      }
    ]
  })
}

/** The owner as IAM knows it: GetAccessKeyLastUsed answers with the user name of any key. */
async function ownerOf(iam: IAMClient, accessKeyId: string): Promise<string> {
  const answer = await iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: accessKeyId }))
  if (!answer.UserName) throw new Error('IAM did not name the key’s user')
  return answer.UserName
}

async function liveKey(
  iam: IAMClient,
  userName: string,
  accessKeyId: string
): Promise<{ status: KeyStatus; createDate: Date } | undefined> {
  for await (const page of paginateListAccessKeys({ client: iam }, { UserName: userName })) {
    const key = page.AccessKeyMetadata?.find((k) => k.AccessKeyId === accessKeyId)
    if (key?.CreateDate)
      return { status: key.Status === 'Active' ? 'Active' : 'Inactive', createDate: key.CreateDate }
  }
  return undefined
}

async function revokeSessions(
  iam: IAMClient,
  userName: string,
  before: Date
): Promise<SessionRevocation> {
  const base = {
    policyName: REVOKE_POLICY_NAME,
    issuedBefore: before.toISOString(),
    undo: `aws iam delete-user-policy --user-name ${userName} --policy-name ${REVOKE_POLICY_NAME}`
  }
  try {
    const document = revocationPolicy(before)
    await iam.send(
      new PutUserPolicyCommand({
        UserName: userName,
        PolicyName: REVOKE_POLICY_NAME,
        PolicyDocument: document
      })
    )
    // Verify like every other write: read it back (IAM returns the document URL-encoded),
    // waiting for IAM to settle; a policy not yet visible (NoSuchEntity) is read again.
    const read = await readUntilSettled(
      async () => {
        try {
          const back = await iam.send(
            new GetUserPolicyCommand({ UserName: userName, PolicyName: REVOKE_POLICY_NAME })
          )
          return JSON.stringify(JSON.parse(decodeURIComponent(back.PolicyDocument ?? '')))
        } catch (error) {
          if (hasAwsCode(error, 'NoSuchEntity')) return undefined
          throw error
        }
      },
      (stored) => stored === document,
      VERIFY_SETTLE
    )
    if (!read.settled) throw new Error('the stored policy differs from the one written')
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
    return result
  }
  const userName = result.userName
  if (exposed.accessKeyId === options.ownKeyId) {
    result.error = 'The action is running with this key; it will not revoke its own credentials.'
    return result
  }
  let live: Awaited<ReturnType<typeof liveKey>>
  try {
    live = await liveKey(iam, userName, exposed.accessKeyId)
  } catch (error) {
    result.error = `Listing the keys of ${userName} failed: ${errorMessage(error)}`
    return result
  }
  if (!live) {
    result.error = `${userName} has no key ${exposed.accessKeyId} any more (already deleted?).`
    return result
  }

  const alreadyInactive = live.status === 'Inactive' && options.action === 'deactivate'
  if (!alreadyInactive) {
    const change: PlannedChange = {
      kind: options.action,
      userName,
      accessKeyId: exposed.accessKeyId,
      createDate: live.createDate,
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
          before: { status: live.status, createDate: live.createDate.toISOString() },
          at: options.now().toISOString()
        }
      : await applyOne(iam, change, {
          now: options.now,
          ...(options.claimant ? { claimant: options.claimant } : {}),
          ...(options.onApplied ? { onApplied: options.onApplied } : {})
        })
  }
  if (options.dryRun) {
    result.outcome = 'planned'
    return result
  }
  if (options.revokeSessions) result.sessions = await revokeSessions(iam, userName, options.now())

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
