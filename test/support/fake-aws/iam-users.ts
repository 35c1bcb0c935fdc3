// IAM: users, access keys, tags, groups and aliases.
import type { Ctx } from './context.js'
import { AwsError, constraintError, noSuchEntity, validationError } from './errors.js'
import { pageFields, paginate } from './iam-pagination.js'
import { required, scalarList, structList } from './query-protocol.js'
import type { FakeAccount, FakeKey, FakeUser } from './types.js'
import {
  DEFAULT_DATE,
  sameName,
  sortedByName,
  stableId,
  userArn,
  userIdOf,
  userPath
} from './util.js'
import { xmlList, xmlMap } from './xml.js'
import type { XmlFields } from './xml.js'

/** IAM user names are case-insensitive. */
export function findUser(account: FakeAccount, name: string): FakeUser | undefined {
  return account.users.find((u) => sameName(u.userName, name))
}

export function requireUser(account: FakeAccount, name: string): FakeUser {
  const user = findUser(account, name)
  if (!user) throw noSuchEntity(`The user with name ${name} cannot be found.`)
  return user
}

/** Without UserName, IAM acts on the signing user; role sessions have no such user. */
function targetUser(ctx: Ctx): FakeUser {
  const name = ctx.params.UserName
  if (name !== undefined) return requireUser(ctx.caller.account, name)
  if (ctx.caller.session) {
    throw validationError('Must specify userName when calling with non-User credentials')
  }
  return requireUser(ctx.caller.account, ctx.caller.user?.userName ?? 'default')
}

function requireKey(user: FakeUser, accessKeyId: string): FakeKey {
  const key = user.keys.find((k) => k.accessKeyId === accessKeyId)
  if (!key) throw noSuchEntity(`The Access Key with id ${accessKeyId} cannot be found.`)
  return key
}

export function userFields(account: FakeAccount, user: FakeUser): XmlFields {
  return {
    Path: userPath(user),
    UserName: user.userName,
    UserId: userIdOf(account, user),
    Arn: userArn(account, user),
    CreateDate: user.createDate ?? DEFAULT_DATE
  }
}

export function listUsers(ctx: Ctx): XmlFields {
  const { account } = ctx.caller
  const prefix = ctx.params.PathPrefix ?? '/'
  const users = sortedByName(account.users.filter((u) => userPath(u).startsWith(prefix)))
  const page = paginate(ctx, users, (u) => u.userName, prefix)
  return { Users: xmlList(page.items.map((u) => userFields(account, u))), ...pageFields(page) }
}

export function getUser(ctx: Ctx): XmlFields {
  const user = targetUser(ctx)
  const tags = Object.entries(user.tags ?? {}).map(([Key, Value]) => ({ Key, Value }))
  const fieldsWithTags = {
    ...userFields(ctx.caller.account, user),
    Tags: tags.length ? xmlList(tags) : undefined
  }
  return { User: fieldsWithTags }
}

export function listAccessKeys(ctx: Ctx): XmlFields {
  const user = targetUser(ctx)
  const page = paginate(ctx, user.keys, (k) => k.accessKeyId, user.userName)
  const members = page.items.map((k) => ({
    UserName: user.userName,
    AccessKeyId: k.accessKeyId,
    Status: k.status,
    CreateDate: k.createDate
  }))
  return { AccessKeyMetadata: xmlList(members), ...pageFields(page) }
}

/** Never-used keys answer ServiceName and Region 'N/A' and no LastUsedDate, as AWS does. */
export function getAccessKeyLastUsed(ctx: Ctx): XmlFields {
  const accessKeyId = required(ctx, 'AccessKeyId')
  const owner = ctx.caller.account.users.find((u) =>
    u.keys.some((k) => k.accessKeyId === accessKeyId)
  )
  if (!owner) throw noSuchEntity(`The Access Key with id ${accessKeyId} cannot be found.`)
  const used = requireKey(owner, accessKeyId).lastUsed
  const lastUsed = used
    ? { LastUsedDate: used.date, ServiceName: used.serviceName, Region: used.region }
    : { ServiceName: 'N/A', Region: 'N/A' }
  return { UserName: owner.userName, AccessKeyLastUsed: lastUsed }
}

export function listUserTags(ctx: Ctx): XmlFields {
  const user = requireUser(ctx.caller.account, required(ctx, 'UserName'))
  const tags = Object.entries(user.tags ?? {}).map(([Key, Value]) => ({ Key, Value }))
  const page = paginate(ctx, tags, (t) => t.Key, user.userName)
  return { Tags: xmlList(page.items), ...pageFields(page) }
}

export function listGroupsForUser(ctx: Ctx): XmlFields {
  const { account } = ctx.caller
  const user = requireUser(account, required(ctx, 'UserName'))
  const page = paginate(ctx, user.groups ?? [], (g) => g, user.userName)
  const groups = page.items.map((name) => ({
    Path: '/',
    GroupName: name,
    GroupId: stableId('AGPA', `${account.accountId}/${name}`),
    Arn: `arn:aws:iam::${account.accountId}:group/${name}`,
    CreateDate: DEFAULT_DATE
  }))
  return { Groups: xmlList(groups), ...pageFields(page) }
}

export function listAccountAliases(ctx: Ctx): XmlFields {
  const { alias } = ctx.caller.account
  return { AccountAliases: xmlList(alias ? [alias] : []), IsTruncated: false }
}

/**
 * GetAccountSummary's SummaryMap (a string-to-integer map), with the entries AWS's API reference
 * lists that the model can answer: AccountAccessKeysPresent is 1 when the root user has access
 * keys (active or not), else 0.
 */
export function getAccountSummary(ctx: Ctx): XmlFields {
  const { account } = ctx.caller
  const groups = new Set(account.users.flatMap((u) => u.groups ?? []))
  const summary: Record<string, string> = {
    Users: String(account.users.length),
    UsersQuota: '5000',
    Groups: String(groups.size),
    GroupsQuota: '300',
    AccessKeysPerUserQuota: '2',
    AccountAccessKeysPresent: (account.rootKeys ?? []).length > 0 ? '1' : '0',
    AccountMFAEnabled: '0',
    AccountSigningCertificatesPresent: '0',
    MFADevices: '0',
    MFADevicesInUse: '0'
  }
  return { SummaryMap: xmlMap(summary) }
}

export function updateAccessKey(ctx: Ctx): undefined {
  const accessKeyId = required(ctx, 'AccessKeyId')
  const status = required(ctx, 'Status')
  if (status !== 'Active' && status !== 'Inactive') {
    throw constraintError(
      'status',
      status,
      'Member must satisfy enum value set: [Active, Inactive]'
    )
  }
  requireKey(targetUser(ctx), accessKeyId).status = status
  return undefined
}

export function deleteAccessKey(ctx: Ctx): undefined {
  const accessKeyId = required(ctx, 'AccessKeyId')
  const user = targetUser(ctx)
  user.keys.splice(user.keys.indexOf(requireKey(user, accessKeyId)), 1)
  ctx.state.deletedKeys.set(accessKeyId, ctx.caller.account.accountId)
  return undefined
}

// IAM's tag character set; notably no commas, quotes, '<', '&' or emoji.
const TAG_PATTERN = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u
const TAG_PATTERN_TEXT =
  'Member must satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*'
const MAX_TAGS = 50

function validateTag(tag: Record<string, string>, index: number): { key: string; value: string } {
  const key = tag.Key
  const value = tag.Value
  const at = (member: string): string => `tags.${index}.member.${member}`
  if (key === undefined) throw constraintError(at('key'), null, 'Member must not be null')
  if (value === undefined) throw constraintError(at('value'), null, 'Member must not be null')
  if (key.length < 1 || key.length > 128) {
    throw constraintError(at('key'), key, 'Member must have length between 1 and 128')
  }
  if (!TAG_PATTERN.test(key)) throw constraintError(at('key'), key, TAG_PATTERN_TEXT)
  if (value.length > 256) {
    throw constraintError(at('value'), value, 'Member must have length less than or equal to 256')
  }
  if (!TAG_PATTERN.test(value)) throw constraintError(at('value'), value, TAG_PATTERN_TEXT)
  if (key.toLowerCase().startsWith('aws:')) {
    throw new AwsError(
      400,
      'InvalidInput',
      'Tag keys starting with "aws:" are reserved for AWS use.'
    )
  }
  return { key, value }
}

export function tagUser(ctx: Ctx): undefined {
  const user = requireUser(ctx.caller.account, required(ctx, 'UserName'))
  const tags = structList(ctx.params, 'Tags').map((t, i) => validateTag(t, i + 1))
  const distinct = new Set(tags.map((t) => t.key.toLowerCase()))
  if (distinct.size !== tags.length) {
    throw new AwsError(
      400,
      'InvalidInput',
      'Duplicate tag keys found. Please note that Tag keys are case insensitive.'
    )
  }
  const next = { ...(user.tags ?? {}) }
  for (const { key, value } of tags) {
    for (const existing of Object.keys(next)) if (sameName(existing, key)) delete next[existing]
    next[key] = value
  }
  if (Object.keys(next).length > MAX_TAGS) {
    throw new AwsError(409, 'LimitExceeded', `Cannot exceed quota for TagsPerUser: ${MAX_TAGS}`)
  }
  user.tags = next
  return undefined
}

export function untagUser(ctx: Ctx): undefined {
  const user = requireUser(ctx.caller.account, required(ctx, 'UserName'))
  const remove = scalarList(ctx.params, 'TagKeys').map((k) => k.toLowerCase())
  for (const key of Object.keys(user.tags ?? {})) {
    if (user.tags && remove.includes(key.toLowerCase())) delete user.tags[key]
  }
  return undefined
}
