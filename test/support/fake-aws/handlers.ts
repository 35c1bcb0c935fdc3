// Which handler answers a call: by service and Action for the Query protocol, by X-Amz-Target
// for JSON.
import { CLOUDTRAIL_HANDLERS } from './cloudtrail.js'
import type { JsonHandler, QueryHandler } from './context.js'
import { generateCredentialReport, getCredentialReport } from './credential-report.js'
import { AwsError } from './errors.js'
import {
  deleteUserPolicy,
  getAccountAuthorizationDetails,
  getUserPolicy,
  listAttachedUserPolicies,
  listUserPolicies,
  putUserPolicy
} from './iam-policies.js'
import { deleteRolePolicy, getRolePolicy, listRolePolicies, putRolePolicy } from './iam-roles.js'
import { getRole, simulatePrincipalPolicy } from './iam-simulator.js'
import {
  createAccessKey,
  deleteAccessKey,
  getAccessKeyLastUsed,
  getAccountSummary,
  getUser,
  listAccessKeys,
  listAccountAliases,
  listGroupsForUser,
  listUsers,
  listUserTags,
  tagUser,
  untagUser,
  updateAccessKey
} from './iam-users.js'
import { CLOUDTRAIL_TARGET_PREFIX, ORGANIZATIONS_TARGET_PREFIX } from './json-protocol.js'
import { ORGANIZATIONS_HANDLERS } from './organizations.js'
import { SECRETS_MANAGER_HANDLERS, SECRETS_MANAGER_TARGET_PREFIX } from './secrets-manager.js'
import { SECURITY_HUB_HANDLERS } from './security-hub.js'
import { SNS_HANDLERS } from './sns.js'
import { STS_HANDLERS } from './sts.js'
import type { AwsService } from './types.js'
import { headerValue, type Incoming } from './wire.js'

const IAM_HANDLERS: Record<string, QueryHandler> = {
  ListUsers: listUsers,
  GetUser: getUser,
  ListAccessKeys: listAccessKeys,
  GetAccessKeyLastUsed: getAccessKeyLastUsed,
  ListUserTags: listUserTags,
  ListGroupsForUser: listGroupsForUser,
  ListAccountAliases: listAccountAliases,
  GetAccountSummary: getAccountSummary,
  UpdateAccessKey: updateAccessKey,
  CreateAccessKey: createAccessKey,
  DeleteAccessKey: deleteAccessKey,
  TagUser: tagUser,
  UntagUser: untagUser,
  PutUserPolicy: putUserPolicy,
  DeleteUserPolicy: deleteUserPolicy,
  GetUserPolicy: getUserPolicy,
  ListUserPolicies: listUserPolicies,
  PutRolePolicy: putRolePolicy,
  GetRolePolicy: getRolePolicy,
  DeleteRolePolicy: deleteRolePolicy,
  ListRolePolicies: listRolePolicies,
  ListAttachedUserPolicies: listAttachedUserPolicies,
  GetAccountAuthorizationDetails: getAccountAuthorizationDetails,
  GenerateCredentialReport: generateCredentialReport,
  GetCredentialReport: getCredentialReport,
  GetRole: getRole,
  SimulatePrincipalPolicy: simulatePrincipalPolicy
}

export function queryHandler(service: AwsService, action: string): QueryHandler {
  const table = service === 'iam' ? IAM_HANDLERS : service === 'sts' ? STS_HANDLERS : SNS_HANDLERS
  const handler = Object.hasOwn(table, action) ? table[action] : undefined
  if (!handler) {
    const message = `The action ${action} is not valid for this web service.`
    throw new AwsError(400, 'InvalidAction', message)
  }
  return handler
}

export function jsonHandler(incoming: Incoming): JsonHandler {
  const target = headerValue(incoming.req, 'x-amz-target')
  const table =
    incoming.service === 'securityhub'
      ? SECURITY_HUB_HANDLERS
      : target.startsWith(CLOUDTRAIL_TARGET_PREFIX)
        ? CLOUDTRAIL_HANDLERS
        : target.startsWith(ORGANIZATIONS_TARGET_PREFIX)
          ? ORGANIZATIONS_HANDLERS
          : target.startsWith(SECRETS_MANAGER_TARGET_PREFIX)
            ? SECRETS_MANAGER_HANDLERS
            : {}
  const handler = Object.hasOwn(table, incoming.action) ? table[incoming.action] : undefined
  if (!handler) {
    throw new AwsError(
      400,
      'UnknownOperationException',
      `Unknown operation ${target || incoming.action}`
    )
  }
  return handler
}
