// The seed recipes' algorithm, as the benchmark's baseline: list the users (the SDK's default
// page of 100), then ListAccessKeys for each user, one at a time, with the SDK's default client
// (standard retry, 3 attempts). No pacing, no concurrency, no last-use reads.
import { IAMClient, ListAccessKeysCommand, paginateListUsers } from '@aws-sdk/client-iam'

export interface BaselineResult {
  users: number
  keys: { userName: string; accessKeyId: string; status: string; createDate: Date }[]
  /** Users whose keys could not be read (throttled past the retries): a truncated scan. */
  failedUsers: number
}

export async function seedRecipeScan(iam: IAMClient): Promise<BaselineResult> {
  const names: string[] = []
  for await (const page of paginateListUsers({ client: iam }, {})) {
    for (const user of page.Users ?? []) if (user.UserName) names.push(user.UserName)
  }
  const result: BaselineResult = { users: names.length, keys: [], failedUsers: 0 }
  for (const userName of names) {
    try {
      const answer = await iam.send(new ListAccessKeysCommand({ UserName: userName }))
      for (const k of answer.AccessKeyMetadata ?? []) {
        result.keys.push({
          userName,
          accessKeyId: k.AccessKeyId ?? '',
          status: k.Status ?? '',
          createDate: k.CreateDate ?? new Date(0)
        })
      }
    } catch {
      result.failedUsers++
    }
  }
  return result
}
