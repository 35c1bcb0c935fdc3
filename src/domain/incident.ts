// What incident mode did with each exposed key, as the incident report, summary and SNS carry it.
import type { ChangeRecord } from './changes.js'

type IncidentOutcome = 'revoked' | 'already-inactive' | 'planned' | 'failed'

export interface SessionRevocation {
  policyName: string
  /** Sessions issued before this instant are denied everything. */
  issuedBefore: string
  ok: boolean
  error?: string
  /** How to lift it once the incident is closed. */
  undo?: string
}

/** The AWSCompromisedKeyQuarantine* policies AWS attached to the key's user, as read after revoking. */
export interface QuarantineCheck {
  /** Their ARNs; empty when there is none. */
  policies: string[]
  /** Set when the user's attached policies could not be read. */
  error?: string
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
  quarantine?: QuarantineCheck
  /** What went wrong: set whenever a person must step in. */
  error?: string
  /**
   * Set when IAM could not say whose key it is (owner) or the user has no such key any more
   * (key): the run then asks STS and CloudTrail before giving up on the session deny.
   */
  missing?: 'owner' | 'key'
  /** What STS and CloudTrail said about a missing key (see `missing`). */
  trace?: OwnerTrace
}

export interface OwnerTrace {
  /** sts:GetAccessKeyInfo's answer: the account the key belongs to. */
  accountId?: string
  /** Why STS did not answer. */
  accountError?: string
  /** The user the key's CloudTrail events name, when IAM could not. */
  userFromCloudTrail?: string
  /** The AWS CLI command that attaches the session deny once a person has found the user. */
  byHand?: string
}

/**
 * What became of one role the exposed key reached with sts:AssumeRole. revoked: the deny is on
 * the role and verified; planned: dry run; by-hand: left to a person (see `reason`); skipped: AWS
 * allows no such deny (a service-linked role); failed: the write or its check failed.
 */
type RoleSessionOutcome = 'revoked' | 'planned' | 'by-hand' | 'skipped' | 'failed'

/**
 * Why a role is left to a person. off: revoke-role-sessions is false; over-cap: more roles than
 * max-role-revocations; other-account: the role is in another account; own-role: the action runs
 * with it, and the deny would end this very run.
 */
type ByHandReason = 'off' | 'over-cap' | 'other-account' | 'own-role'

export interface RoleSessionRevocation {
  roleArn: string
  roleName: string
  /** The exposed keys whose events (or sessions') reached the role. */
  reachedBy: string[]
  /** Successful AssumeRole calls seen. */
  sessions: number
  outcome: RoleSessionOutcome
  reason?: ByHandReason
  detail?: string
  policyName: string
  /** Sessions of the role issued before this instant are denied (revoked, planned, by hand). */
  issuedBefore: string
  /** The policy of that name the re-check found on the role before this run wrote its own. */
  previousDocument?: string
  /** How to lift the deny (revoked only). */
  undo?: string
  /** The AWS CLI command that attaches the deny by hand (by-hand). */
  command?: string
}

/**
 * A role left open that a person must see to: the step fails for it. Only when the run was asked
 * to revoke role sessions (revoke-role-sessions): off, every role is a list to act on by hand,
 * the run's own roles and other accounts' roles included, and the step does not fail for them.
 */
export function roleNeedsPerson(r: RoleSessionRevocation, revokeRoleSessions: boolean): boolean {
  return revokeRoleSessions && (r.outcome === 'failed' || r.outcome === 'by-hand')
}
