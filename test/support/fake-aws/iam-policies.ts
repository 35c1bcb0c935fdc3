// IAM: users' inline policies, and GetAccountAuthorizationDetails over the modelled users.
import type { Ctx } from './context.js'
import { AwsError, constraintError, noSuchEntity } from './errors.js'
import { pageFields, paginate } from './iam-pagination.js'
import { requireUser, userFields } from './iam-users.js'
import { required, scalarList } from './query-protocol.js'
import type { FakeUser } from './types.js'
import { byName, encodeRfc3986, isRecord, sameName, sortedByName } from './util.js'
import { xmlList } from './xml.js'
import type { XmlFields } from './xml.js'

export const POLICY_NAME = /^[\w+=,.@-]{1,128}$/
const MAX_INLINE_POLICY_CHARS = 2048 // per user, all inline policies together, whitespace excluded

export function putUserPolicy(ctx: Ctx): undefined {
  const user = requireUser(ctx.caller.account, required(ctx, 'UserName'))
  const name = required(ctx, 'PolicyName')
  const document = required(ctx, 'PolicyDocument')
  if (!POLICY_NAME.test(name)) {
    throw constraintError(
      'policyName',
      name,
      'Member must satisfy regular expression pattern: [\\w+=,.@-]+'
    )
  }
  assertPolicyDocument(document)
  const policies = { ...(user.inlinePolicies ?? {}), [name]: document }
  const size = Object.values(policies).join('').replace(/\s/g, '').length
  if (size > MAX_INLINE_POLICY_CHARS) {
    throw new AwsError(
      409,
      'LimitExceeded',
      `Maximum policy size of ${MAX_INLINE_POLICY_CHARS} bytes exceeded for user ${user.userName}`
    )
  }
  user.inlinePolicies = policies
  return undefined
}

export function assertPolicyDocument(document: string): void {
  let parsed: unknown
  try {
    parsed = JSON.parse(document)
  } catch {
    throw new AwsError(400, 'MalformedPolicyDocument', 'Syntax errors in policy.')
  }
  if (!isRecord(parsed) || parsed.Statement === undefined) {
    throw new AwsError(400, 'MalformedPolicyDocument', 'Syntax errors in policy.')
  }
}

function requirePolicy(user: FakeUser, name: string): string {
  const document = Object.entries(user.inlinePolicies ?? {}).find(([n]) => sameName(n, name))?.[1]
  if (document === undefined) {
    throw noSuchEntity(`The user policy with name ${name} cannot be found.`)
  }
  return document
}

/** AWS returns the policy document URL-encoded (RFC 3986); the SDK does not decode it. */
export function getUserPolicy(ctx: Ctx): XmlFields {
  const user = requireUser(ctx.caller.account, required(ctx, 'UserName'))
  const name = required(ctx, 'PolicyName')
  const document = requirePolicy(user, name)
  return { UserName: user.userName, PolicyName: name, PolicyDocument: encodeRfc3986(document) }
}

export function deleteUserPolicy(ctx: Ctx): undefined {
  const user = requireUser(ctx.caller.account, required(ctx, 'UserName'))
  const name = required(ctx, 'PolicyName')
  requirePolicy(user, name)
  for (const key of Object.keys(user.inlinePolicies ?? {})) {
    if (user.inlinePolicies && sameName(key, name)) delete user.inlinePolicies[key]
  }
  return undefined
}

export function listUserPolicies(ctx: Ctx): XmlFields {
  const user = requireUser(ctx.caller.account, required(ctx, 'UserName'))
  const names = Object.keys(user.inlinePolicies ?? {}).sort(byName)
  const page = paginate(ctx, names, (n) => n, user.userName)
  return { PolicyNames: xmlList(page.items), ...pageFields(page) }
}

/** ListAttachedUserPolicies: the user's managed policies by name, Marker/MaxItems paginated. */
export function listAttachedUserPolicies(ctx: Ctx): XmlFields {
  const user = requireUser(ctx.caller.account, required(ctx, 'UserName'))
  const attached = [...(user.attachedPolicies ?? [])].sort((a, b) =>
    byName(a.policyName, b.policyName)
  )
  const page = paginate(ctx, attached, (p) => p.policyArn, user.userName)
  return {
    AttachedPolicies: xmlList(
      page.items.map((p) => ({ PolicyName: p.policyName, PolicyArn: p.policyArn }))
    ),
    ...pageFields(page)
  }
}

const AUTHORIZATION_FILTERS = ['User', 'Role', 'Group', 'LocalManagedPolicy', 'AWSManagedPolicy']

/**
 * GetAccountAuthorizationDetails: users (the only entities modelled) with their inline policies
 * (URL-encoded, as IAM returns policy documents), groups and tags, MaxItems a page (at most 1000).
 * Without a Filter every type is returned; with one that leaves out User, no users.
 */
export function getAccountAuthorizationDetails(ctx: Ctx): XmlFields {
  const { account } = ctx.caller
  const filter = scalarList(ctx.params, 'Filter')
  for (const value of filter) {
    if (!AUTHORIZATION_FILTERS.includes(value)) {
      throw constraintError(
        'filter',
        `[${filter.join(', ')}]`,
        `Member must satisfy constraint: [Member must satisfy enum value set: [${AUTHORIZATION_FILTERS.join(', ')}]]`
      )
    }
  }
  const users = filter.length === 0 || filter.includes('User') ? sortedByName(account.users) : []
  const page = paginate(ctx, users, (u) => u.userName, filter.join(','))
  const details = page.items.map((user) => {
    const tags = Object.entries(user.tags ?? {}).map(([Key, Value]) => ({ Key, Value }))
    const policies = Object.entries(user.inlinePolicies ?? {}).map(([name, document]) => ({
      PolicyName: name,
      PolicyDocument: encodeURIComponent(document)
    }))
    return {
      ...userFields(account, user),
      UserPolicyList: xmlList(policies),
      GroupList: xmlList(user.groups ?? []),
      AttachedManagedPolicies: xmlList(
        (user.attachedPolicies ?? []).map((p) => ({
          PolicyName: p.policyName,
          PolicyArn: p.policyArn
        }))
      ),
      Tags: xmlList(tags)
    }
  })
  return {
    UserDetailList: xmlList(details),
    GroupDetailList: xmlList([]),
    RoleDetailList: xmlList([]),
    Policies: xmlList([]),
    ...pageFields(page)
  }
}
