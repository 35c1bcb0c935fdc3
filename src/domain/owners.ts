// The owners file (input owners-config): who owns which IAM users' keys and which users are
// exempt until when. It is read from the security repository, reviewed by pull request, so it is
// the only source of mentions and team routing; nothing read from AWS can add a mention.
import { globToRegExp } from './exemptions.js'

/** Who to tell about a user's keys. */
export interface OwnerEntry {
  /** IAM user-name globs ('*' and '?', case-insensitive) this entry covers. */
  users: string[]
  /** Values of the owner tag this entry covers (the tag's value is matched, never mentioned). */
  ownerTagValues: string[]
  /** GitHub logins to assign and mention (without '@'). */
  githubUsers: string[]
  /** GitHub teams as 'org/team-slug', mentioned at escalation. */
  githubTeams: string[]
  email?: string
  /** A team name for routing (the SNS `team` attribute). */
  team?: string
}

/** An exemption granted in the owners file; it ends on `until` (a UTC date, inclusive). */
export interface ExemptionGrant {
  /** IAM user-name glob. */
  users: string
  /** YYYY-MM-DD; absent means no end (flagged by exemption-max-days). */
  until?: string
  reason?: string
  ticket?: string
  approvedBy?: string
}

export interface OwnersConfig {
  /** Where the file was read from, for messages. */
  path: string
  owners: OwnerEntry[]
  exemptions: ExemptionGrant[]
}

/** What the owners file says about one user: the union of every entry that covers it. */
export interface UserOwners {
  githubUsers: string[]
  githubTeams: string[]
  emails: string[]
  /** Team names for routing (SNS `team`), sorted. */
  teams: string[]
}

/**
 * The entries that cover a user: by a user-name glob, or by the value of its owner tag. The
 * tag's value only selects entries; it is never itself a mention.
 */
export function ownersOf(
  config: OwnersConfig,
  userName: string,
  ownerTagValue: string | undefined
): UserOwners | undefined {
  const value = ownerTagValue?.trim()
  const entries = config.owners.filter(
    (e) =>
      e.users.some((glob) => globToRegExp(glob).test(userName)) ||
      (value !== undefined && value !== '' && e.ownerTagValues.includes(value))
  )
  if (entries.length === 0) return undefined
  const union = (pick: (e: OwnerEntry) => readonly string[]): string[] => [
    ...new Set(entries.flatMap(pick))
  ]
  return {
    githubUsers: union((e) => e.githubUsers),
    githubTeams: union((e) => e.githubTeams),
    emails: union((e) => (e.email ? [e.email] : [])),
    teams: union((e) => (e.team ? [e.team] : [])).sort()
  }
}
