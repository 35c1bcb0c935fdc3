// The API walk: every user (paginated), every key of each (paginated), then the last use of the
// keys that need it (src/domain/last-use-policy.ts). A failure on one user or key is recorded and the
// scan goes on. Also the per-user reads (tags, groups) the audit needs after either scan method.
import {
  GetAccessKeyLastUsedCommand,
  paginateGetAccountAuthorizationDetails,
  ListAccountAliasesCommand,
  paginateListAccessKeys,
  paginateListUsers,
  paginateListUserTags,
  type AccessKeyLastUsed,
  type IAMClient
} from '@aws-sdk/client-iam'
import { GetCallerIdentityCommand, type STSClient } from '@aws-sdk/client-sts'
import { forEachLimit } from '../kit/concurrency.js'
import { errorMessage, hasAwsCode, wrapAwsError } from '../kit/errors.js'
import { isOkByAge, lastUseNeed, NOT_READ, OK_DETAIL_LIMIT } from '../domain/last-use-policy.js'
import type { AccessKey, LastUse, ScanError, Thresholds } from '../domain/types.js'

export interface ScanResult {
  userCount: number
  keys: AccessKey[]
  errors: ScanError[]
}

export async function readAccountId(sts: STSClient): Promise<string> {
  try {
    const answer = await sts.send(new GetCallerIdentityCommand({}))
    if (!answer.Account) throw new Error('GetCallerIdentity returned no account')
    return answer.Account
  } catch (error) {
    throw wrapAwsError(
      'Reading the AWS account ID (sts:GetCallerIdentity)',
      'sts:GetCallerIdentity',
      error
    )
  }
}

/** Best effort: the alias only decorates the report, so a denial is not an error. */
export async function readAccountAlias(iam: IAMClient): Promise<string | undefined> {
  try {
    const answer = await iam.send(new ListAccountAliasesCommand({}))
    return answer.AccountAliases?.[0]
  } catch {
    return undefined
  }
}

/**
 * User names, 1,000 a page. With `moreThan`, stops as soon as more than that many are seen
 * (`complete` false): how `auto` learns the account is large for one call.
 */
export async function listUserNames(
  iam: IAMClient,
  moreThan = Infinity
): Promise<{ names: string[]; complete: boolean }> {
  const names: string[] = []
  const pageSize = Number.isFinite(moreThan) ? Math.min(1000, moreThan + 1) : 1000
  try {
    for await (const page of paginateListUsers({ client: iam, pageSize }, {})) {
      for (const user of page.Users ?? []) if (user.UserName) names.push(user.UserName)
      if (names.length > moreThan) return { names, complete: false }
    }
  } catch (error) {
    throw wrapAwsError('Listing IAM users (iam:ListUsers)', 'iam:ListUsers', error)
  }
  return { names, complete: true }
}

export function toLastUse(answer: AccessKeyLastUsed | undefined): LastUse {
  // AWS answers "N/A" service and region, and no date, for a key that was never used.
  if (!answer?.LastUsedDate) return { kind: 'never' }
  return {
    kind: 'used',
    date: answer.LastUsedDate,
    serviceName: answer.ServiceName ?? 'N/A',
    region: answer.Region ?? 'N/A'
  }
}

export async function readLastUse(
  iam: IAMClient,
  key: Pick<AccessKey, 'userName' | 'accessKeyId'>,
  errors: ScanError[]
): Promise<LastUse> {
  try {
    const answer = await iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: key.accessKeyId }))
    return toLastUse(answer.AccessKeyLastUsed)
  } catch (error) {
    errors.push({
      scope: `${key.userName} ${key.accessKeyId}`,
      operation: 'iam:GetAccessKeyLastUsed',
      message: errorMessage(error)
    })
    return { kind: 'unknown' }
  }
}

/**
 * Keys of one user, last use not yet read. A user gone mid-scan (NoSuchEntity) has none here and
 * is passed to `onVanished`: it may have been renamed, which the caller must look into.
 */
export async function listUserKeys(
  iam: IAMClient,
  userName: string,
  errors: ScanError[],
  onVanished: () => void = () => undefined
): Promise<AccessKey[]> {
  const keys: AccessKey[] = []
  try {
    for await (const page of paginateListAccessKeys({ client: iam }, { UserName: userName })) {
      for (const meta of page.AccessKeyMetadata ?? []) {
        if (!meta.AccessKeyId || !meta.CreateDate || !meta.Status) {
          errors.push({
            scope: userName,
            operation: 'iam:ListAccessKeys',
            message: `AWS returned a key without ID, status or creation date (${meta.AccessKeyId ?? 'no ID'}); it was skipped.`
          })
          continue
        }
        keys.push({
          userName,
          accessKeyId: meta.AccessKeyId,
          status: meta.Status === 'Active' ? 'Active' : 'Inactive',
          createDate: meta.CreateDate,
          lastUse: NOT_READ
        })
      }
    }
  } catch (error) {
    if (hasAwsCode(error, 'NoSuchEntity')) {
      onVanished()
      return []
    }
    errors.push({ scope: userName, operation: 'iam:ListAccessKeys', message: errorMessage(error) })
  }
  return keys
}

/**
 * ListAccessKeys for each user, `concurrency` at a time, keys in the users' order. A user gone
 * since it was listed may have been renamed: the users are listed again and any new name read,
 * so a rename never drops a key. Returns the users read, net of those gone.
 */
export async function listKeysOfUsers(
  iam: IAMClient,
  userNames: readonly string[],
  concurrency: number,
  errors: ScanError[]
): Promise<{ keys: AccessKey[]; userCount: number }> {
  const perUser: AccessKey[][] = new Array(userNames.length)
  let vanished = 0
  await forEachLimit(userNames, concurrency, async (userName, index) => {
    perUser[index] = await listUserKeys(iam, userName, errors, () => vanished++)
  })
  let userCount = userNames.length
  if (vanished > 0) {
    const again = await usersNotIn(iam, userNames)
    for (const userName of again) perUser.push(await listUserKeys(iam, userName, errors))
    userCount += again.length - vanished
  }
  return { keys: perUser.flat(), userCount }
}

/**
 * The users listed now that `known` lacks: where a user that vanished mid-scan (renamed, most
 * likely) went, so its keys are read under the new name rather than dropped.
 */
export async function usersNotIn(iam: IAMClient, known: readonly string[]): Promise<string[]> {
  const seen = new Set(known)
  return (await listUserNames(iam)).names.filter((n) => !seen.has(n))
}

/** GetAccessKeyLastUsed for each key given, written into the key. */
export async function readLastUses(
  iam: IAMClient,
  keys: readonly AccessKey[],
  concurrency: number,
  errors: ScanError[]
): Promise<void> {
  await forEachLimit(keys, concurrency, async (key) => {
    key.lastUse = await readLastUse(iam, key, errors)
  })
}

export interface ApiScanOptions {
  thresholds: Thresholds
  /** The time the audit classifies at: the last-use policy must decide for the same instant. */
  at: Date
  /** Already listed (by auto's probe): saves listing the users again. */
  userNames?: readonly string[]
}

/**
 * The API walk. Without `options` every key's last use is read; with them, only what the
 * last-use policy asks for.
 */
export async function scanAccessKeys(
  iam: IAMClient,
  concurrency: number,
  options?: ApiScanOptions
): Promise<ScanResult> {
  const userNames = options?.userNames ?? (await listUserNames(iam)).names
  const errors: ScanError[] = []
  const { keys, userCount } = await listKeysOfUsers(iam, userNames, concurrency, errors)
  let toRead: AccessKey[] = keys
  if (options) {
    const { at, thresholds: t } = options
    const detailOk = keys.filter((k) => isOkByAge(k, at, t)).length <= OK_DETAIL_LIMIT
    toRead = keys.filter((k) => lastUseNeed(k, at, t, detailOk) !== 'none')
  }
  await readLastUses(iam, toRead, concurrency, errors)
  return { userCount, keys, errors }
}

/** One user's tags, read live. */
export async function readTagsOf(iam: IAMClient, userName: string): Promise<Map<string, string>> {
  const tags = new Map<string, string>()
  for await (const page of paginateListUserTags({ client: iam }, { UserName: userName })) {
    for (const tag of page.Tags ?? []) if (tag.Key) tags.set(tag.Key, tag.Value ?? '')
  }
  return tags
}

/** Tags of the given users (only those whose keys could be exempted need reading). */
export async function readUserTags(
  iam: IAMClient,
  userNames: readonly string[],
  concurrency: number,
  errors: ScanError[]
): Promise<Map<string, Map<string, string>>> {
  const tags = new Map<string, Map<string, string>>()
  await forEachLimit(userNames, concurrency, async (userName) => {
    try {
      tags.set(userName, await readTagsOf(iam, userName))
    } catch (error) {
      if (hasAwsCode(error, 'NoSuchEntity')) return
      errors.push({ scope: userName, operation: 'iam:ListUserTags', message: errorMessage(error) })
    }
  })
  return tags
}

/** Users per GetAccountAuthorizationDetails page (its MaxItems limit). */
export const DETAILS_PAGE_SIZE = 1000

export interface UserDetails {
  tags: Map<string, Map<string, string>>
  /** Group names, for the users asked about when groups are wanted. */
  groups: Map<string, string[]>
}

/**
 * Tags of every user and groups of every user from GetAccountAuthorizationDetails (filter User),
 * 1,000 users a page: cheaper than a ListUserTags (and ListGroupsForUser) per user as soon as
 * more users need reading than the account has thousands of users.
 */
async function readAllUserDetails(iam: IAMClient): Promise<UserDetails> {
  const details: UserDetails = { tags: new Map(), groups: new Map() }
  const pages = paginateGetAccountAuthorizationDetails(
    { client: iam, pageSize: DETAILS_PAGE_SIZE },
    { Filter: ['User'] }
  )
  for await (const page of pages) {
    for (const user of page.UserDetailList ?? []) {
      if (!user.UserName) continue
      const tags = new Map<string, string>()
      for (const tag of user.Tags ?? []) if (tag.Key) tags.set(tag.Key, tag.Value ?? '')
      details.tags.set(user.UserName, tags)
      details.groups.set(user.UserName, [...(user.GroupList ?? [])])
    }
  }
  return details
}

/**
 * Tags of `userNames`, and their groups when `withGroups` (for users not exempt by tag). Groups
 * (for exempt-groups) come from one GetAccountAuthorizationDetails walk, which brings the tags
 * too; tags alone are read per user (ListUserTags) only while that is fewer calls than the walk
 * (an account of more than 1,000 users with few flagged ones).
 */
export async function readTagsAndGroups(
  iam: IAMClient,
  userNames: readonly string[],
  options: {
    userCount: number
    withGroups: boolean
    /** Users whose groups are not needed once their tags are known (exempt by tag). */
    groupsNeeded: (userName: string, tags: Map<string, string> | undefined) => boolean
    concurrency: number
  },
  errors: ScanError[]
): Promise<UserDetails> {
  const { userCount, withGroups, groupsNeeded, concurrency } = options
  const details: UserDetails = { tags: new Map(), groups: new Map() }
  if (userNames.length === 0) return details
  const walkPages = Math.max(1, Math.ceil(userCount / DETAILS_PAGE_SIZE))
  if (!withGroups && userNames.length <= walkPages) {
    return { tags: await readUserTags(iam, userNames, concurrency, errors), groups: new Map() }
  }
  let all: UserDetails
  try {
    all = await readAllUserDetails(iam)
  } catch (error) {
    // Exemptions unknown: the users are recorded as unreadable, so nothing acts on their keys.
    for (const userName of userNames) {
      errors.push({
        scope: userName,
        operation: 'iam:GetAccountAuthorizationDetails',
        message: errorMessage(error)
      })
    }
    return details
  }
  for (const userName of userNames) {
    const tags = all.tags.get(userName)
    // Not in the walk: gone since it was listed (its keys with it), so nothing to exempt.
    if (!tags) continue
    details.tags.set(userName, tags)
    if (withGroups && groupsNeeded(userName, tags)) {
      details.groups.set(userName, all.groups.get(userName) ?? [])
    }
  }
  return details
}
