// Cuts off the role sessions an exposed key opened: AWS's revoke-older-sessions deny on each role
// its events show it reached with sts:AssumeRole (deleting the key ends none of them). Within
// dry-run and a cap of its own; each role re-checked, written, read back and recorded with its
// undo. The deny is never removed by the action: it must outlive every session the key minted.
import { putRolePolicy, readRolePolicy, type IAMClient } from '../aws/iam-writes.js'
import type { ActivitySummary } from '../domain/activity.js'
import type { RoleSessionRevocation } from '../domain/incident.js'
import type { ConnectionSettings } from '../domain/settings.js'
import {
  revokeOlderSessionsPolicy,
  ROLE_DENY_POLICY_NAME as POLICY,
  shellWord
} from '../domain/session-deny.js'
import { errorMessage } from '../kit/errors.js'
import type { Log } from '../kit/log.js'
import { VERIFY_SETTLE, type SettleOptions } from '../kit/retry.js'
import { denyCutoff, verifyPolicy } from './verify-policy.js'

/** A role the exposed keys reached, from their CloudTrail evidence. */
export interface RoleTarget {
  roleArn: string
  reachedBy: string[]
  sessions: number
}

export interface RoleRevokeOptions {
  /** revoke-role-sessions: without it every role is listed to revoke by hand. */
  enabled: boolean
  dryRun: boolean
  /** max-role-revocations: more roles than this, and none is changed. */
  maxRoles: number
  /** The account this run works in: a role elsewhere cannot be written from here. */
  accountId: string
  /** The roles the run itself works through: a deny on one would end this very run. */
  ownRoleArns: readonly string[]
  now: () => Date
  log: Log
  settle?: SettleOptions
}

/**
 * The roles the exposed keys' events show a successful sts:AssumeRole into, once each, with the
 * keys that reached them. A refused AssumeRole opened no session: it is in the activity only.
 */
export function rolesReached(activity: readonly ActivitySummary[]): RoleTarget[] {
  const byArn = new Map<string, RoleTarget>()
  for (const summary of activity) {
    for (const role of summary.evidence?.assumedRoles ?? []) {
      if (role.succeeded === 0) continue
      const seen = byArn.get(role.roleArn) ?? { roleArn: role.roleArn, reachedBy: [], sessions: 0 }
      if (!seen.reachedBy.includes(summary.accessKeyId)) seen.reachedBy.push(summary.accessKeyId)
      seen.sessions += role.succeeded
      byArn.set(role.roleArn, seen)
    }
  }
  return [...byArn.values()].sort((a, b) =>
    a.roleArn < b.roleArn ? -1 : a.roleArn > b.roleArn ? 1 : 0
  )
}

/** The roles a run works through: role-to-assume and every role of its chain. */
export function runRoleArns(
  settings: Pick<ConnectionSettings, 'roleToAssume' | 'roleChain'>
): string[] {
  return [
    ...(settings.roleToAssume ? [settings.roleToAssume] : []),
    ...(settings.roleChain?.roleArns ?? [])
  ]
}

// IAM's characters for a role's path and name: nothing else reaches a command line or a fence.
const ROLE_ARN = /^arn:aws[\w-]*:iam::(\d{12}):role\/([\w+=,.@/-]+)$/

interface ParsedRole {
  accountId: string
  /** Path and name, e.g. aws-service-role/x.amazonaws.com/AWSServiceRoleForX. */
  pathName: string
  roleName: string
}

function parseRole(arn: string): ParsedRole | undefined {
  const match = ROLE_ARN.exec(arn)
  if (!match) return undefined
  const [, accountId = '', pathName = ''] = match
  return { accountId, pathName, roleName: pathName.split('/').pop() ?? '' }
}

/** IAM names are unique regardless of case, so a role is the same whatever the casing. */
const sameRole = (a: ParsedRole, b: ParsedRole): boolean =>
  a.accountId === b.accountId && a.roleName.toLowerCase() === b.roleName.toLowerCase()

const deleteUndo = (roleName: string): string =>
  `aws iam delete-role-policy --role-name ${roleName} --policy-name ${POLICY}`

const putCommand = (roleName: string, document: string): string =>
  `aws iam put-role-policy --role-name ${roleName} --policy-name ${POLICY} --policy-document ${shellWord(document)}`

function oneLineJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text))
  } catch {
    return text.replace(/\s+/g, ' ')
  }
}

/** Every role, each with its outcome; never throws because of AWS. */
export async function revokeRoleSessions(
  iam: IAMClient,
  targets: readonly RoleTarget[],
  options: RoleRevokeOptions
): Promise<RoleSessionRevocation[]> {
  const before = options.now()
  const document = revokeOlderSessionsPolicy(before)
  const own = options.ownRoleArns.flatMap((arn) => parseRole(arn) ?? [])
  const results: RoleSessionRevocation[] = []
  const eligible: RoleSessionRevocation[] = []
  for (const target of targets) {
    const role = parseRole(target.roleArn)
    const base: RoleSessionRevocation = {
      roleArn: target.roleArn,
      roleName: role?.roleName ?? target.roleArn,
      reachedBy: [...target.reachedBy],
      sessions: target.sessions,
      outcome: 'by-hand',
      policyName: POLICY,
      issuedBefore: before.toISOString()
    }
    results.push(base)
    if (!role) {
      Object.assign(base, { outcome: 'skipped', detail: 'CloudTrail named no role ARN here.' })
    } else if (role.pathName.startsWith('aws-service-role/')) {
      Object.assign(base, {
        outcome: 'skipped',
        detail: 'A service-linked role: AWS does not allow revoking its sessions.'
      })
    } else if (role.accountId !== options.accountId) {
      Object.assign(base, {
        reason: 'other-account',
        detail: `The role is in account ${role.accountId}, not ${options.accountId}: revoke its sessions there.`,
        command: putCommand(role.roleName, document)
      })
    } else if (own.some((o) => sameRole(o, role))) {
      Object.assign(base, {
        reason: 'own-role',
        detail:
          'This run works through the role, so the deny would end the run itself: revoke its sessions by hand once the run is over.',
        command: putCommand(role.roleName, document)
      })
    } else {
      base.command = putCommand(role.roleName, document)
      eligible.push(base)
    }
  }
  const over = eligible.length > options.maxRoles
  for (const r of eligible) {
    if (!options.enabled) {
      Object.assign(r, { reason: 'off', detail: 'revoke-role-sessions is off: revoke by hand.' })
    } else if (over) {
      Object.assign(r, {
        reason: 'over-cap',
        detail: `${eligible.length} roles are more than max-role-revocations (${options.maxRoles}), so none was changed: revoke by hand, or raise max-role-revocations for one run.`
      })
    } else if (options.dryRun) {
      Object.assign(r, { outcome: 'planned', detail: 'Dry run: nothing was changed.' })
    } else {
      Object.assign(r, await revokeRole(iam, r.roleName, document, options))
    }
  }
  return results
}

async function revokeRole(
  iam: IAMClient,
  roleName: string,
  document: string,
  options: RoleRevokeOptions
): Promise<Partial<RoleSessionRevocation>> {
  const ours = denyCutoff(document) ?? ''
  try {
    // Re-check: a deny of that name already there (the console's, another run's) is kept in
    // the record, and one with a later cutoff already denies more than ours would: left alone.
    const stored = await readRolePolicy(iam, roleName, POLICY)
    // On one line, so that it stays one shell word in one line of the undo command.
    const previous = stored === undefined ? undefined : oneLineJson(stored)
    const theirs = previous === undefined ? undefined : denyCutoff(previous)
    if (previous !== undefined && theirs !== undefined && theirs >= ours) {
      return {
        outcome: 'revoked',
        issuedBefore: theirs,
        previousDocument: previous,
        detail: `Already denied to sessions issued before ${theirs}; left as it was.`,
        command: undefined
      }
    }
    await putRolePolicy(iam, roleName, POLICY, document)
    await verifyPolicy(
      () => readRolePolicy(iam, roleName, POLICY),
      document,
      options.settle ?? VERIFY_SETTLE
    )
    const undo = previous === undefined ? deleteUndo(roleName) : putCommand(roleName, previous)
    options.log.info(
      `Changed: role ${roleName}: sessions issued before ${ours} denied by ${POLICY} (verified). Undo: ${undo}`
    )
    return {
      outcome: 'revoked',
      ...(previous === undefined ? {} : { previousDocument: previous }),
      undo,
      command: undefined
    }
  } catch (error) {
    return { outcome: 'failed', detail: errorMessage(error) }
  }
}
