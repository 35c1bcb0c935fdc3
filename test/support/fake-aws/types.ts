// The model a test hands the fake (accounts, users, keys, events, the organization), the
// options that shape its answers, and what it records: the public types of the fake AWS.

export interface FakeKey {
  accessKeyId: string
  /** When set, requests signed with this key must carry a valid SigV4 signature. */
  secretAccessKey?: string
  status: 'Active' | 'Inactive'
  createDate: Date
  lastUsed?: { date: Date; serviceName: string; region: string }
}

export interface FakeUser {
  userName: string
  userId?: string
  path?: string
  createDate?: Date
  tags?: Record<string, string>
  groups?: string[]
  inlinePolicies?: Record<string, string>
  /** Managed policies attached to the user, e.g. AWS's AWSCompromisedKeyQuarantineV2. */
  attachedPolicies?: { policyName: string; policyArn: string }[]
  keys: FakeKey[]
}

export interface FakeCloudTrailEvent {
  eventId: string
  eventName: string
  eventTime: Date
  eventSource: string
  username?: string
  accessKeyId?: string
  region: string
  resources?: { resourceType?: string; resourceName?: string }[]
  /** The raw JSON record, as CloudTrail returns it (a string, not an object). */
  cloudTrailEvent: string
}

export interface FakeAccount {
  accountId: string
  alias?: string
  users: FakeUser[]
  /** Role ARNs that AssumeRole / AssumeRoleWithWebIdentity may assume into this account. */
  roles?: string[]
  /** Inline policies of the roles, by role name (as in `roles`) and policy name. */
  rolePolicies?: Record<string, Record<string, string>>
  /**
   * The identity policies IAM's policy simulator evaluates for a role, by role name; a role
   * without any is simulated as allowed everything (every call to the fake is allowed).
   */
  roleIdentityPolicies?: Record<string, string[]>
  /** Trust policies (GetRole's AssumeRolePolicyDocument) by role name; default GitHub OIDC, pinned. */
  roleTrustPolicies?: Record<string, string>
  cloudTrail?: FakeCloudTrailEvent[]
  /** SNS topic ARNs that exist in this account. */
  topics?: string[]
  /** The root user's access keys (at most two): the credential report shows them, GetAccountSummary whether there are any. */
  rootKeys?: FakeKey[]
  /** Secrets Manager secrets (rotation destinations). */
  secrets?: FakeSecret[]
}

export interface FakeSecret {
  name: string
  arn: string
  versions: { versionId: string; value: string; stages: string[]; createdAt: Date }[]
}

export type AwsService =
  'iam' | 'sts' | 'sns' | 'cloudtrail' | 'organizations' | 'secretsmanager' | 'securityhub'

export interface RecordedCall {
  service: AwsService
  action: string
  /** From the SigV4 credential scope; '' for unsigned calls (AssumeRoleWithWebIdentity). */
  region: string
  /** Flat form params without Action/Version; for JSON, top-level fields (non-strings stringified). */
  params: Record<string, string>
  body: string
  accessKeyId?: string
  /** HTTP status sent; 0 while in flight or when the socket was reset. */
  status: number
  at: number
}

export type Fault =
  | { status: number; code: string; message?: string }
  | { reset: true }
  | { delayMs: number }
  /** A malformed answer: this body as is (for example XML missing fields, or not XML at all). */
  | { rawBody: string; status?: number }

export interface FaultRule {
  service?: string
  action?: string
  /** How many calls the rule applies to; default Infinity. */
  times?: number
  match?: (call: RecordedCall) => boolean
  fault: Fault
}

/**
 * IAM's eventual consistency: after a matching write, the next `reads` ListAccessKeys of the same
 * user still answer the keys as they were before it (AWS documents that changes take time to be
 * visible everywhere; the fake is otherwise read-after-write consistent).
 */
export interface LagRule {
  /** The write, e.g. UpdateAccessKey. */
  action: string
  reads: number
  match?: (call: RecordedCall) => boolean
  /** How many writes the rule applies to; default 1. */
  times?: number
}

/**
 * IAM user tags shown late: a TagUser or UntagUser is seen at once by the caller (the session)
 * that made it, and by every other caller only `ms` after it was applied; until then they read
 * the tag as it was. IAM documents eventual consistency without a bound; this is the lag of two
 * runs that each see their own claim and not yet the other's.
 */
export interface TagLag {
  ms: number
}

/** Holds matched calls unanswered until released (see `FakeAws.hold`). */
export interface Gate {
  /** Resolves with the first call held. */
  readonly reached: Promise<RecordedCall>
  readonly isReached: boolean
  release(): void
}

export interface FakeAwsOptions {
  /** IAM list operations return at most min(pageSize, MaxItems) items; default 2. */
  pageSize?: number
  /** Delay added to every answer. */
  latencyMs?: number
  /** Token bucket over all IAM calls; beyond it IAM answers 400 Throttling 'Rate exceeded'. */
  iamRateLimit?: { perSecond: number; burst?: number }
  /** Per-region limit on CloudTrail calls; beyond it CloudTrail answers ThrottlingException. */
  cloudTrailRateLimit?: { perSecond: number }
  /** The `aud` claim AssumeRoleWithWebIdentity requires; default 'sts.amazonaws.com'. */
  expectedAudience?: string
  /** The roles' MaxSessionDuration; default 3600 (AWS's default for a new role). */
  maxSessionDurationSeconds?: number
  /** CloudTrail event history only covers this many days back; default 90, as in AWS. */
  cloudTrailRetentionDays?: number
  credentialReport?: CredentialReportOptions
  /** The AWS Organization the accounts belong to; without it Organizations calls fail as AWS's do. */
  organization?: FakeOrganization
}

/**
 * An organization: its root, OUs nested under the root or other OUs, and where each account sits.
 * Accounts listed here need no FakeAccount model (a suspended account usually has none).
 */
export interface FakeOrganization {
  /** o- followed by 10 to 32 lower-case letters or digits. */
  id: string
  managementAccountId: string
  /** r- followed by 4 to 32 lower-case letters or digits. */
  rootId: string
  units?: FakeOrganizationalUnit[]
  accounts: FakeOrganizationAccount[]
  /** Accounts besides the management account that may list the organization. */
  delegatedAdministrators?: string[]
}

interface FakeOrganizationalUnit {
  /** ou-<root part>-<8 to 32 characters>. */
  id: string
  name: string
  /** The root or another OU. */
  parentId: string
}

export interface FakeOrganizationAccount {
  accountId: string
  name: string
  email?: string
  parentId: string
  /** Default ACTIVE. */
  state?: 'ACTIVE' | 'SUSPENDED' | 'PENDING_CLOSURE' | 'CLOSED'
}

/**
 * How GenerateCredentialReport behaves. By default every call snapshots the account and answers
 * COMPLETE at once. With `generationMs`, a new report answers STARTED, then INPROGRESS (and
 * GetCredentialReport answers ReportInProgress) until it is ready. With `reuseMs`, a report
 * younger than that is served again without a new snapshot, as AWS does for 4 hours.
 */
export interface CredentialReportOptions {
  generationMs?: number
  reuseMs?: number
  /** The fake's clock for report generation (tests advance it from an injected sleep). */
  now?: () => number
  /**
   * Fields written without RFC 4180 quoting, as moto writes them: a user name with a comma then
   * spans more columns than the header has. AWS's own behaviour is not documented either way.
   */
  unquoted?: boolean
  /** GeneratedTime is served this much older than the snapshot (a report AWS did not renew). */
  generatedAgeMs?: number
}

export interface PublishedMessage {
  topicArn: string
  /** The region the SNS client signed for (must match the topic's region to get here). */
  region: string
  subject?: string
  message: string
  attributes: Record<string, { DataType: string; StringValue?: string; BinaryValue?: string }>
  messageGroupId?: string
  messageDeduplicationId?: string
  messageId: string
}
