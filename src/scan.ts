// The scan: every user (paginated), every key of each (paginated), each key's last use.
// A failure on one user or key is recorded and the scan goes on.
import {
  GetAccessKeyLastUsedCommand,
  ListAccountAliasesCommand,
  paginateListAccessKeys,
  paginateListGroupsForUser,
  paginateListUsers,
  paginateListUserTags,
  type AccessKeyLastUsed,
  type IAMClient
} from '@aws-sdk/client-iam'
import { GetCallerIdentityCommand, type STSClient } from '@aws-sdk/client-sts'
import { forEachLimit } from './concurrency.js'
import { errorMessage, hasAwsCode, wrapAwsError } from './errors.js'
import type { AccessKey, LastUse, ScanError } from './types.js'

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

export async function listUserNames(iam: IAMClient): Promise<string[]> {
  const names: string[] = []
  try {
    for await (const page of paginateListUsers({ client: iam, pageSize: 1000 }, {})) {
      for (const user of page.Users ?? []) if (user.UserName) names.push(user.UserName)
    }
  } catch (error) {
    throw wrapAwsError('Listing IAM users (iam:ListUsers)', 'iam:ListUsers', error)
  }
  return names
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

async function readLastUse(
  iam: IAMClient,
  userName: string,
  accessKeyId: string,
  errors: ScanError[]
): Promise<LastUse> {
  try {
    const answer = await iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: accessKeyId }))
    return toLastUse(answer.AccessKeyLastUsed)
  } catch (error) {
    errors.push({
      scope: `${userName} ${accessKeyId}`,
      operation: 'iam:GetAccessKeyLastUsed',
      message: errorMessage(error)
    })
    return { kind: 'unknown' }
  }
}

/** Keys of one user with their last use; a user deleted mid-scan simply has none. */
async function readUserKeys(
  iam: IAMClient,
  userName: string,
  errors: ScanError[]
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
          lastUse: { kind: 'unknown' }
        })
      }
    }
  } catch (error) {
    if (hasAwsCode(error, 'NoSuchEntity')) return []
    errors.push({ scope: userName, operation: 'iam:ListAccessKeys', message: errorMessage(error) })
    return keys
  }
  for (const key of keys) key.lastUse = await readLastUse(iam, userName, key.accessKeyId, errors)
  return keys
}

export async function scanAccessKeys(iam: IAMClient, concurrency: number): Promise<ScanResult> {
  const userNames = await listUserNames(iam)
  const errors: ScanError[] = []
  const perUser: AccessKey[][] = new Array(userNames.length)
  await forEachLimit(userNames, concurrency, async (userName, index) => {
    perUser[index] = await readUserKeys(iam, userName, errors)
  })
  return { userCount: userNames.length, keys: perUser.flat(), errors }
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
    const userTags = new Map<string, string>()
    try {
      for await (const page of paginateListUserTags({ client: iam }, { UserName: userName })) {
        for (const tag of page.Tags ?? []) if (tag.Key) userTags.set(tag.Key, tag.Value ?? '')
      }
      tags.set(userName, userTags)
    } catch (error) {
      if (hasAwsCode(error, 'NoSuchEntity')) return
      errors.push({ scope: userName, operation: 'iam:ListUserTags', message: errorMessage(error) })
    }
  })
  return tags
}

/** Group names of the given users, for exempt-groups. */
export async function readUserGroups(
  iam: IAMClient,
  userNames: readonly string[],
  concurrency: number,
  errors: ScanError[]
): Promise<Map<string, string[]>> {
  const groups = new Map<string, string[]>()
  await forEachLimit(userNames, concurrency, async (userName) => {
    const names: string[] = []
    try {
      for await (const page of paginateListGroupsForUser({ client: iam }, { UserName: userName })) {
        for (const group of page.Groups ?? []) if (group.GroupName) names.push(group.GroupName)
      }
      groups.set(userName, names)
    } catch (error) {
      if (hasAwsCode(error, 'NoSuchEntity')) return
      errors.push({
        scope: userName,
        operation: 'iam:ListGroupsForUser',
        message: errorMessage(error)
      })
    }
  })
  return groups
}
