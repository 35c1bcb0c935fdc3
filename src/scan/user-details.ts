// The per-user reads the audit needs after either scan method: tags (exempt-tags) and groups
// (exempt-groups), read for the users whose keys could be exempted only.
import { readTagsOf, userDetailPages } from '../aws/iam-read.js'
import type { IamClient } from '../aws/clients.js'
import { forEachLimit } from '../kit/concurrency.js'
import { errorMessage, hasAwsCode } from '../kit/errors.js'
import type { ScanError } from '../domain/types.js'

/**
 * Tags of the given users (only those whose keys could be exempted need reading), and the users
 * whose tags could not be read.
 */
export async function readUserTags(
  iam: IamClient,
  userNames: readonly string[],
  concurrency: number
): Promise<{ tags: Map<string, Map<string, string>>; errors: ScanError[] }> {
  const tags = new Map<string, Map<string, string>>()
  const errors: ScanError[] = []
  await forEachLimit(userNames, concurrency, async (userName) => {
    try {
      tags.set(userName, await readTagsOf(iam, userName))
    } catch (error) {
      if (hasAwsCode(error, 'NoSuchEntity')) return
      errors.push({ scope: userName, operation: 'iam:ListUserTags', message: errorMessage(error) })
    }
  })
  return { tags, errors }
}

/** Users per GetAccountAuthorizationDetails page (its MaxItems limit). */
const DETAILS_PAGE_SIZE = 1000

interface UserDetails {
  tags: Map<string, Map<string, string>>
  /** Group names, for the users asked about when groups are wanted. */
  groups: Map<string, string[]>
}

/** What was read, and the users whose tags or groups could not be: their exemptions are unknown. */
export interface UserDetailsRead extends UserDetails {
  errors: ScanError[]
}

/**
 * Tags of every user and groups of every user from GetAccountAuthorizationDetails (filter User),
 * 1,000 users a page: cheaper than a ListUserTags (and ListGroupsForUser) per user as soon as
 * more users need reading than the account has thousands of users.
 */
async function readAllUserDetails(iam: IamClient): Promise<UserDetails> {
  const details: UserDetails = { tags: new Map(), groups: new Map() }
  for await (const page of userDetailPages(iam, DETAILS_PAGE_SIZE)) {
    for (const user of page) {
      details.tags.set(user.userName, user.tags)
      details.groups.set(user.userName, user.groups)
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
  iam: IamClient,
  userNames: readonly string[],
  options: {
    userCount: number
    withGroups: boolean
    /** Users whose groups are not needed once their tags are known (exempt by tag). */
    groupsNeeded: (userName: string, tags: Map<string, string> | undefined) => boolean
    concurrency: number
  }
): Promise<UserDetailsRead> {
  const { userCount, withGroups, groupsNeeded, concurrency } = options
  const details: UserDetailsRead = { tags: new Map(), groups: new Map(), errors: [] }
  if (userNames.length === 0) return details
  const walkPages = Math.max(1, Math.ceil(userCount / DETAILS_PAGE_SIZE))
  if (!withGroups && userNames.length <= walkPages) {
    return { ...(await readUserTags(iam, userNames, concurrency)), groups: new Map() }
  }
  let all: UserDetails
  try {
    all = await readAllUserDetails(iam)
  } catch (error) {
    // Exemptions unknown: the users are recorded as unreadable, so nothing acts on their keys.
    for (const userName of userNames) {
      details.errors.push({
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
