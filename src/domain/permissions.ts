// The IAM actions a run calls, by the features it uses: the preflight (mode: check) asks IAM's
// policy simulator about exactly these. examples/aws/permissions.json is the source of truth;
// test/contract/permissions-table.test.ts proves the two agree, list by list.

/** What a permission is simulated on: the account ("*"), a user, a role, the topic, a secret. */
export type PermissionResource = 'account' | 'user' | 'role' | 'topic' | 'secret'

export interface RequiredPermission {
  action: string
  resource: PermissionResource
  /** The feature that needs it, for the checklist ("the scan", "action: delete"…). */
  for: string
  /** Only an incident or secret scanning calls it: missing, it is a warning, not a failure. */
  incidentOnly?: true
}

/** The options that decide which permissions a run needs. */
export interface PermissionOptions {
  action: 'report' | 'deactivate' | 'delete' | 'rotate'
  scanMethod: 'auto' | 'credential-report' | 'api'
  activity: boolean
  sns: boolean
  /** action: rotate with a Secrets Manager destination. */
  secretsManager: boolean
  revokeSessions: boolean
  revokeRoleSessions: boolean
}

const p = (
  action: string,
  resource: PermissionResource,
  why: string,
  incidentOnly = false
): RequiredPermission => ({ action, resource, for: why, ...(incidentOnly ? { incidentOnly } : {}) })

const SCAN = 'the scan'
const SCAN_READS: RequiredPermission[] = [
  p('iam:ListUsers', 'account', SCAN),
  p('iam:ListAccountAliases', 'account', SCAN),
  p('iam:GetAccountSummary', 'account', 'root access keys'),
  p('iam:GetAccountAuthorizationDetails', 'account', 'tags and groups of many users'),
  p('iam:ListAccessKeys', 'user', SCAN),
  p('iam:GetAccessKeyLastUsed', 'user', SCAN),
  p('iam:ListUserTags', 'user', 'tags (owner, exemptions)')
]

const REPORT = 'scan-method credential-report or auto'
const CREDENTIAL_REPORT: RequiredPermission[] = [
  p('iam:GenerateCredentialReport', 'account', REPORT),
  p('iam:GetCredentialReport', 'account', REPORT)
]

const keyChanges = (action: string): RequiredPermission[] => {
  const why = `action: ${action}`
  const list = [p('iam:UpdateAccessKey', 'user', why), p('iam:TagUser', 'user', why)]
  // Deactivating tags the date on the user; a delete (staged, or a rotation's) removes the tag.
  if (action === 'deactivate') return list
  return [...list, p('iam:DeleteAccessKey', 'user', why), p('iam:UntagUser', 'user', why)]
}

const INCIDENT = 'incidents and secret scanning'
const INCIDENT_READS: RequiredPermission[] = [
  p('sts:GetAccessKeyInfo', 'account', INCIDENT, true),
  p('iam:ListAttachedUserPolicies', 'user', INCIDENT, true)
]

/** Every permission the options need, in the order the checklist lists them. */
export function requiredPermissions(o: PermissionOptions): RequiredPermission[] {
  const list = [...SCAN_READS]
  if (o.scanMethod !== 'api') list.push(...CREDENTIAL_REPORT)
  if (o.activity) list.push(p('cloudtrail:LookupEvents', 'account', 'activity-for'))
  if (o.sns) list.push(p('sns:Publish', 'topic', 'sns-topic-arn'))
  if (o.action === 'deactivate' || o.action === 'delete') {
    list.push(...keyChanges(o.action), ...INCIDENT_READS)
    const sessions = 'revoke-sessions'
    if (o.revokeSessions) {
      list.push(p('iam:PutUserPolicy', 'user', sessions), p('iam:GetUserPolicy', 'user', sessions))
    }
    const roles = 'revoke-role-sessions'
    if (o.revokeRoleSessions) {
      list.push(p('iam:PutRolePolicy', 'role', roles), p('iam:GetRolePolicy', 'role', roles))
    }
  }
  if (o.action === 'rotate') {
    list.push(p('iam:CreateAccessKey', 'user', 'action: rotate'), ...keyChanges('rotate'))
    if (o.secretsManager) {
      const why = 'a Secrets Manager destination'
      list.push(
        p('secretsmanager:DescribeSecret', 'secret', why),
        p('secretsmanager:PutSecretValue', 'secret', why),
        // Moves AWSCURRENT onto the new version once complete, and back on a failure.
        p('secretsmanager:UpdateSecretVersionStage', 'secret', why)
      )
    }
  }
  return list
}

/**
 * What the preflight itself calls beyond a run's permissions: optional, each missing one makes
 * its line a warning (permissions.json's `check` list).
 */
export const CHECK_PERMISSIONS = [
  'iam:GetRole',
  'iam:SimulatePrincipalPolicy',
  'sns:GetTopicAttributes'
] as const
