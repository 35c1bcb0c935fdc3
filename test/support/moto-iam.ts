// Reads and seeds of moto's IAM that the moto tests share: users created with keys in the past
// (moto cannot backdate a key, so its clock is moved: Moto.inThePast), and a user's keys and tags
// as plain maps to compare before and after a run.
import {
  CreateAccessKeyCommand,
  CreateUserCommand,
  ListAccessKeysCommand,
  ListUserTagsCommand,
  type IAMClient
} from '@aws-sdk/client-iam'
import type { Moto } from './moto.js'

/** Creates each user with one key made `daysAgo` days ago; their key IDs by user name. */
export async function usersWithOldKeys(
  moto: Moto,
  iam: IAMClient,
  daysAgo: number,
  userNames: readonly string[]
): Promise<Record<string, string>> {
  const keys: Record<string, string> = {}
  for (const userName of userNames) {
    keys[userName] = await moto.inThePast(daysAgo, async () => {
      await iam.send(new CreateUserCommand({ UserName: userName }))
      const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: userName }))
      return AccessKey?.AccessKeyId ?? ''
    })
  }
  return keys
}

/** The user's keys: ID to status. */
export async function keyStatuses(
  iam: IAMClient,
  userName: string
): Promise<Record<string, string>> {
  const { AccessKeyMetadata = [] } = await iam.send(
    new ListAccessKeysCommand({ UserName: userName })
  )
  return Object.fromEntries(AccessKeyMetadata.map((k) => [k.AccessKeyId ?? '', k.Status ?? '']))
}

/** The user's tags: key to value. */
export async function userTags(iam: IAMClient, userName: string): Promise<Record<string, string>> {
  const { Tags = [] } = await iam.send(new ListUserTagsCommand({ UserName: userName }))
  return Object.fromEntries(Tags.map((t) => [t.Key ?? '', t.Value ?? '']))
}
