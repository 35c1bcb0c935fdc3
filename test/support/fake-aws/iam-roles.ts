// IAM: roles' inline policies (PutRolePolicy, GetRolePolicy, ListRolePolicies, DeleteRolePolicy)
// over the roles an account models by ARN. As IAM documents: a role is found by name whatever
// its path, names are unique regardless of case, a service-linked role cannot be changed
// (UnmodifiableEntity), and documents come back URL-encoded.
import type { Ctx } from './context.js'
import { AwsError, constraintError, noSuchEntity } from './errors.js'
import { pageFields, paginate } from './iam-pagination.js'
import { assertPolicyDocument, POLICY_NAME } from './iam-policies.js'
import { required } from './query-protocol.js'
import type { FakeAccount } from './types.js'
import { byName, encodeRfc3986, sameName } from './util.js'
import { xmlList, type XmlFields } from './xml.js'

/** Inline policies of all of a role's, at most this many characters without whitespace. */
const MAX_ROLE_POLICY_CHARS = 10240

interface FakeRole {
  arn: string
  name: string
  policies: Record<string, string>
}

function requireRole(account: FakeAccount, name: string): FakeRole {
  const arn = (account.roles ?? []).find((a) => sameName(a.split('/').pop() ?? '', name))
  if (!arn) throw noSuchEntity(`The role with name ${name} cannot be found.`)
  const roleName = arn.split('/').pop() ?? name
  account.rolePolicies ??= {}
  const policies = (account.rolePolicies[roleName] ??= {})
  return { arn, name: roleName, policies }
}

function requirePolicy(role: FakeRole, name: string): [string, string] {
  const entry = Object.entries(role.policies).find(([n]) => sameName(n, name))
  if (!entry) throw noSuchEntity(`The role policy with name ${name} cannot be found.`)
  return entry
}

export function putRolePolicy(ctx: Ctx): undefined {
  const role = requireRole(ctx.caller.account, required(ctx, 'RoleName'))
  const name = required(ctx, 'PolicyName')
  const document = required(ctx, 'PolicyDocument')
  if (!POLICY_NAME.test(name)) {
    throw constraintError(
      'policyName',
      name,
      'Member must satisfy regular expression pattern: [\\w+=,.@-]+'
    )
  }
  if (role.arn.includes(':role/aws-service-role/')) {
    throw new AwsError(
      400,
      'UnmodifiableEntity',
      `Cannot perform the operation on the protected role '${role.name}' - this role is only modifiable by AWS`
    )
  }
  assertPolicyDocument(document)
  const existing = Object.keys(role.policies).find((n) => sameName(n, name)) ?? name
  const policies = { ...role.policies, [existing]: document }
  if (Object.values(policies).join('').replace(/\s/g, '').length > MAX_ROLE_POLICY_CHARS) {
    throw new AwsError(
      409,
      'LimitExceeded',
      `Maximum policy size of ${MAX_ROLE_POLICY_CHARS} bytes exceeded for role ${role.name}`
    )
  }
  Object.assign(role.policies, policies)
  return undefined
}

export function getRolePolicy(ctx: Ctx): XmlFields {
  const role = requireRole(ctx.caller.account, required(ctx, 'RoleName'))
  const [name, document] = requirePolicy(role, required(ctx, 'PolicyName'))
  return { RoleName: role.name, PolicyName: name, PolicyDocument: encodeRfc3986(document) }
}

export function deleteRolePolicy(ctx: Ctx): undefined {
  const role = requireRole(ctx.caller.account, required(ctx, 'RoleName'))
  const [name] = requirePolicy(role, required(ctx, 'PolicyName'))
  delete role.policies[name]
  return undefined
}

export function listRolePolicies(ctx: Ctx): XmlFields {
  const role = requireRole(ctx.caller.account, required(ctx, 'RoleName'))
  const names = Object.keys(role.policies).sort(byName)
  const page = paginate(ctx, names, (n) => n, role.name)
  return { PolicyNames: xmlList(page.items), ...pageFields(page) }
}
