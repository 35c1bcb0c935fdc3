// A key IAM could not take away because it could not say whose it is, or the user has no such key
// any more (deleted): its sessions may still work. Before giving up on the session deny, ask STS
// which account the key belongs to (sts:GetAccessKeyInfo answers for deleted keys too) and
// CloudTrail which user its events name, then attach the deny to that user; say exactly what
// could not be done.
import type { IAMClient } from '../aws/iam-writes.js'
import type { StsClient } from '../aws/clients.js'
import { accessKeyAccount } from '../aws/sts.js'
import type { ActivitySummary } from '../domain/activity.js'
import type { IncidentKeyResult, OwnerTrace } from '../domain/incident.js'
import {
  revokeOlderSessionsPolicy,
  shellWord,
  USER_DENY_POLICY_NAME
} from '../domain/session-deny.js'
import { errorMessage } from '../kit/errors.js'
import { VERIFY_SETTLE, type SettleOptions } from '../kit/retry.js'
import { revokeSessions } from './revoke.js'

export interface TraceOptions {
  /** The account this run works in. */
  accountId: string
  dryRun: boolean
  revokeSessions: boolean
  lookbackHours: number
  now: () => Date
  settle?: SettleOptions
}

/** The deny by hand, for a user the run could not name. */
const byHand = (user: string, now: Date): string =>
  `aws iam put-user-policy --user-name ${user} --policy-name ${USER_DENY_POLICY_NAME} --policy-document ${shellWord(revokeOlderSessionsPolicy(now))}`

async function accountOf(sts: StsClient, accessKeyId: string): Promise<OwnerTrace> {
  try {
    const accountId = await accessKeyAccount(sts, accessKeyId)
    return accountId ? { accountId } : { accountError: 'STS named no account' }
  } catch (error) {
    return { accountError: errorMessage(error) }
  }
}

/** The one IAM user the key's own events name as the caller, if exactly one. */
function userInEvents(activity: readonly ActivitySummary[], accessKeyId: string): string[] {
  return activity.find((a) => a.accessKeyId === accessKeyId)?.evidence?.userNames ?? []
}

/** Traces each missing key in place: its `trace`, `sessions`, `userName` and `error`. */
export async function traceMissingOwners(
  iam: IAMClient,
  sts: StsClient,
  results: IncidentKeyResult[],
  activity: readonly ActivitySummary[],
  options: TraceOptions
): Promise<void> {
  for (const result of results) {
    if (!result.missing) continue
    const trace = await accountOf(sts, result.accessKeyId)
    result.trace = trace
    const said: string[] = [result.error ?? '']
    if (trace.accountId && trace.accountId !== options.accountId) {
      said.push(
        `STS says the key belongs to account ${trace.accountId}, not ${options.accountId}: revoke it and its sessions from that account.`
      )
      result.error = said.join(' ')
      continue
    }
    if (trace.accountError) {
      said.push(`STS could not say which account the key belongs to (${trace.accountError}).`)
    }
    let userName = result.userName
    if (!userName) {
      const named = userInEvents(activity, result.accessKeyId)
      const [only] = named
      if (named.length === 1 && only) {
        userName = only
        trace.userFromCloudTrail = userName
        result.userName = userName
        said.push(`Its CloudTrail events name its user: ${userName}.`)
      } else {
        said.push(
          named.length === 0
            ? `Neither IAM nor its CloudTrail events of the last ${options.lookbackHours} hours name its user, so no session deny could be attached: find the user and attach it by hand (command given).`
            : `Its CloudTrail events name several users (${named.join(', ')}), so no session deny was attached: find the key's user and attach it by hand (command given).`
        )
        trace.byHand = byHand('USER', options.now())
        result.error = said.join(' ')
        continue
      }
    }
    if (!options.revokeSessions) {
      said.push(`revoke-sessions is off: older sessions of ${userName} are not denied.`)
    } else if (options.dryRun) {
      said.push(`Dry run: older sessions of ${userName} would be denied.`)
    } else {
      result.sessions = await revokeSessions(
        iam,
        userName,
        options.now(),
        options.settle ?? VERIFY_SETTLE
      )
      said.push(
        result.sessions.ok
          ? `Older sessions of ${userName} are denied (${USER_DENY_POLICY_NAME}), so what was minted with the key stops working.`
          : `The session deny could not be attached to ${userName} (${result.sessions.error}); if the user is gone, so are the policies its sessions worked with, but check its sessions' use in CloudTrail.`
      )
    }
    result.error = said.join(' ')
  }
}
