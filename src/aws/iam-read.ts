// The IAM reads of the scan: users, their keys and the keys' last use, tags and groups, the
// account alias, and the credential report. Lists are read page by page; each function returns
// plain values and lets AWS's errors through for the caller to record or wrap.
import {
  GenerateCredentialReportCommand,
  GetAccessKeyLastUsedCommand,
  GetAccountSummaryCommand,
  GetCredentialReportCommand,
  ListAccountAliasesCommand,
  paginateGetAccountAuthorizationDetails,
  paginateListAccessKeys,
  paginateListUsers,
  paginateListUserTags,
  type AccessKeyLastUsed
} from '@aws-sdk/client-iam'
import type { LastUse } from '../domain/types.js'
import type { IamClient } from './clients.js'
import { takeRawContent } from './raw-content.js'

/** The user names of each ListUsers page (`pageSize` at most 1,000). */
export async function* userNamePages(iam: IamClient, pageSize: number): AsyncGenerator<string[]> {
  for await (const page of paginateListUsers({ client: iam, pageSize }, {})) {
    yield (page.Users ?? []).flatMap((user) => (user.UserName ? [user.UserName] : []))
  }
}

/** A key as ListAccessKeys lists it; AWS may leave any part out. */
export interface KeyMetadata {
  accessKeyId?: string
  status?: string
  createDate?: Date
}

/** The keys of one user, each ListAccessKeys page. */
export async function* accessKeyPages(
  iam: IamClient,
  userName: string
): AsyncGenerator<KeyMetadata[]> {
  for await (const page of paginateListAccessKeys({ client: iam }, { UserName: userName })) {
    yield (page.AccessKeyMetadata ?? []).map((meta) => ({
      accessKeyId: meta.AccessKeyId,
      status: meta.Status,
      createDate: meta.CreateDate
    }))
  }
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

/** iam:GetAccessKeyLastUsed. */
export async function lastUseOf(iam: IamClient, accessKeyId: string): Promise<LastUse> {
  const answer = await iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: accessKeyId }))
  return toLastUse(answer.AccessKeyLastUsed)
}

const tagMap = (tags: readonly { Key?: string; Value?: string }[] | undefined) => {
  const map = new Map<string, string>()
  for (const tag of tags ?? []) if (tag.Key) map.set(tag.Key, tag.Value ?? '')
  return map
}

/** One user's tags, read live (every ListUserTags page). */
export async function readTagsOf(iam: IamClient, userName: string): Promise<Map<string, string>> {
  const tags = new Map<string, string>()
  for await (const page of paginateListUserTags({ client: iam }, { UserName: userName })) {
    for (const [key, value] of tagMap(page.Tags)) tags.set(key, value)
  }
  return tags
}

export interface UserDetail {
  userName: string
  tags: Map<string, string>
  groups: string[]
}

/** Every user's tags and groups, each GetAccountAuthorizationDetails page (filter User). */
export async function* userDetailPages(
  iam: IamClient,
  pageSize: number
): AsyncGenerator<UserDetail[]> {
  const pages = paginateGetAccountAuthorizationDetails(
    { client: iam, pageSize },
    { Filter: ['User'] }
  )
  for await (const page of pages) {
    yield (page.UserDetailList ?? []).flatMap((user) =>
      user.UserName
        ? [
            {
              userName: user.UserName,
              tags: tagMap(user.Tags),
              groups: [...(user.GroupList ?? [])]
            }
          ]
        : []
    )
  }
}

/** The account's alias (iam:ListAccountAliases); undefined when it has none. */
export async function accountAlias(iam: IamClient): Promise<string | undefined> {
  return (await iam.send(new ListAccountAliasesCommand({}))).AccountAliases?.[0]
}

/**
 * iam:GetAccountSummary's AccountAccessKeysPresent: whether the root user has access keys (1 or
 * 0). Undefined when the answer leaves it out.
 */
export async function rootAccessKeysPresent(iam: IamClient): Promise<boolean | undefined> {
  const value = (await iam.send(new GetAccountSummaryCommand({}))).SummaryMap
    ?.AccountAccessKeysPresent
  return value === undefined ? undefined : value > 0
}

/** iam:GenerateCredentialReport: whether the report is COMPLETE (ready to get). */
export async function generateCredentialReport(iam: IamClient): Promise<boolean> {
  return (await iam.send(new GenerateCredentialReportCommand({}))).State === 'COMPLETE'
}

export interface CredentialReport {
  /** text/csv unless AWS says otherwise. */
  format?: string
  content?: Uint8Array
  generatedAt?: Date
}

/**
 * iam:GetCredentialReport. The content is sliced out of the raw answer before the SDK parses it
 * (src/aws/raw-content.ts), so a large report costs its own size in memory, not a hundred times it.
 */
export async function getCredentialReport(iam: IamClient): Promise<CredentialReport> {
  const command = new GetCredentialReportCommand({})
  const rawContent = takeRawContent(command)
  const answer = await iam.send(command)
  return {
    format: answer.ReportFormat,
    content: rawContent() ?? answer.Content,
    generatedAt: answer.GeneratedTime
  }
}
