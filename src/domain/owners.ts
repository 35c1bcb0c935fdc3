// The owners file (input owners-config): who owns which IAM users' keys and which users are
// exempt until when. It is read from the security repository, reviewed by pull request, so it is
// the only source of mentions and team routing; nothing read from AWS can add a mention.

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
