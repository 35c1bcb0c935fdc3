// Links the reports give: an IAM user and its keys in the AWS console of the right partition,
// our own issues, the run. Pure; a name outside IAM's character set gets no link at all.
import { isIamName } from '../domain/iam-name.js'

export type Partition = 'aws' | 'aws-cn' | 'aws-us-gov'

/** The partition of a region, as AWS names them (cn-north-1, us-gov-west-1, everything else). */
export function partitionOf(region: string): Partition {
  if (region.startsWith('cn-')) return 'aws-cn'
  if (region.startsWith('us-gov-')) return 'aws-us-gov'
  return 'aws'
}

/** Each partition has its own console host (AWS General Reference, "AWS Management Console"). */
const CONSOLE: Record<Partition, string> = {
  aws: 'https://console.aws.amazon.com',
  'aws-cn': 'https://console.amazonaws.cn',
  'aws-us-gov': 'https://console.amazonaws-us-gov.com'
}

// IAM user names allow only the characters isIamName checks and at most 128 of them; nothing
// else is put in a URL.
const isUserName = (name: string): boolean => name.length <= 128 && isIamName(name)

/** The user's page in the IAM console, or undefined when the name is not a valid IAM name. */
export function iamUserUrl(partition: Partition, userName: string): string | undefined {
  if (!isUserName(userName)) return undefined
  return `${CONSOLE[partition]}/iam/home#/users/details/${encodeURIComponent(userName)}`
}

/** The user's "Security credentials" tab, where the console lists (and rotates) its access keys. */
export function iamKeysUrl(partition: Partition, userName: string): string | undefined {
  const user = iamUserUrl(partition, userName)
  return user && `${user}?section=security_credentials`
}

/** https://github.com/o/r/actions/runs/1 → https://github.com/o/r/issues/7 */
export function issueUrl(runUrl: string, issueNumber: number): string | undefined {
  const at = runUrl.indexOf('/actions/runs/')
  return at > 0 ? `${runUrl.slice(0, at)}/issues/${issueNumber}` : undefined
}

/** Already-escaped text of a user's cell, linked to the user's console page when it can be. */
export function userLink(partition: Partition | undefined, userName: string, text: string): string {
  return mdLink(text, partition && iamUserUrl(partition, userName))
}

/** Already-escaped text of a key's cell, linked to its user's access keys when it can be. */
export function keyLink(partition: Partition | undefined, userName: string, text: string): string {
  return mdLink(text, partition && iamKeysUrl(partition, userName))
}

/** A Markdown link around already-escaped text; the text alone when there is no URL. */
export function mdLink(text: string, url: string | undefined): string {
  return url ? `[${text}](${url})` : text
}
