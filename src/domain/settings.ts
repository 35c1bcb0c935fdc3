// What a run was asked to do, one type per mode, so a job is handed only the settings of its own
// mode and no combination the inputs reject can be written (src/inputs builds these).
import type { OwnersConfig } from './owners.js'
import type { ReminderSettings } from './reminders.js'
import type { RotationSettings } from './rotation.js'
import type { ExposedKey, ExposureEvent } from './exposure.js'
import type { ExpectedAccount } from './matrix.js'
import type { SecretScanningScope } from './secret-scanning.js'
import type { FailOn, RemediationAction, Thresholds } from './types.js'

/** retry-max-attempts' default: the most times one AWS request is sent. */
export const DEFAULT_RETRY_MAX_ATTEMPTS = 8

/**
 * http-proxy and no-proxy, as aws-actions/configure-aws-credentials names and means them: the
 * proxy of every AWS request, and the hosts reached directly.
 */
export interface ProxySettings {
  /** A proxy URL (http:// or https://); unset: HTTPS_PROXY / HTTP_PROXY, if any. */
  httpProxy?: string
  /** Host names, host:port, domains (example.com, .example.com, *.example.com), or `*`. */
  noProxy: string[]
}

/**
 * Session policies (inline-session-policy, managed-session-policies): the session can do only
 * what both the role's policies and these allow, so a run can be scoped below its role.
 */
export interface SessionPolicies {
  /** A JSON policy document, minified. */
  inline?: string
  managedArns: string[]
}

/**
 * Role chaining: each role in `roleArns` is assumed with sts:AssumeRole using the credentials of
 * the one before. `oidc`: the chain starts from role-to-assume, assumed with the GitHub OIDC token
 * (the hub role). `job-credentials`: it starts from the credentials already in the job (e.g. from
 * aws-actions/configure-aws-credentials), and role-to-assume, when set, is the first hop.
 */
export interface RoleChain {
  from: 'oidc' | 'job-credentials'
  roleArns: [string, ...string[]]
}

/** How every mode signs in to AWS and paces its requests. */
export interface ConnectionSettings {
  roleToAssume?: string
  awsRegion: string
  audience: string
  roleSessionName: string
  roleDurationSeconds: number
  /** Set when member-role-arn or role-chaining is: the roles to assume with sts:AssumeRole. */
  roleChain?: RoleChain
  /** allowed-account-ids: empty allows any account. */
  allowedAccountIds: string[]
  /** role-external-id, sent with every sts:AssumeRole. */
  externalId?: string
  /** inline-session-policy and managed-session-policies, for the session the run works in. */
  sessionPolicies?: SessionPolicies
  /** retry-max-attempts: the most times one AWS request is sent. */
  retryMaxAttempts: number
  /** http-proxy and no-proxy: how the AWS clients reach AWS. */
  proxy: ProxySettings
  /** Cap on IAM requests per second (src/aws/pacing.ts finds the rate below it). */
  iamMaxRps: number
}

export type IssueFor = 'overdue' | 'due-soon'

export interface IssueSettings {
  /** create-issues is on and a token is there. */
  enabled: boolean
  token: string
  labels: string[]
  /** overdue: overdue and unused keys; due-soon: those and due-soon keys. */
  issueFor: IssueFor
  ownerTag?: string
  maxNewIssues: number
}

/** dashboard: one issue per account (or organization) rewritten every run; set when on. */
export interface DashboardSettings {
  /** github-token. */
  token: string
  /** issue-labels: the dashboard carries them and is found by them, as the key issues are. */
  labels: string[]
  /** dry-run: the dashboard is built and shown in the summary, never written. */
  dryRun: boolean
}

export type NotifyOn = 'findings' | 'always' | 'never'

export interface NotifySettings {
  snsTopicArn?: string
  notifyOn: NotifyOn
}

export type ActivityFor = 'none' | 'changed' | 'flagged'
export type ScanMethod = 'auto' | 'credential-report' | 'api'

export interface ActivitySettings {
  /** Which keys get a CloudTrail summary: none, the keys changed (or revoked), or every flagged key. */
  activityFor: ActivityFor
  lookbackHours: number
  /** Regions to query; defaults to aws-region. */
  regions: string[]
  maxEvents: number
}

export interface RemediationSettings {
  action: RemediationAction
  dryRun: boolean
  deleteGraceDays: number
  maxActions: number
  exemptGroups: string[]
}

/** The findings for security tools: imported into Security Hub, written as OCSF lines. */
interface FindingsExportSettings {
  /** security-hub: import as ASFF into aws-region's Security Hub, resolve those gone. */
  securityHub: boolean
  /** ocsf-report: write the OCSF Detection Findings beside the JSON report. */
  ocsf: boolean
}

/** What the audit and the incident both deliver through. */
interface DeliverySettings {
  activity: ActivitySettings
  notify: NotifySettings
  issues: IssueSettings
  findingsExport: FindingsExportSettings
}

/** mode: audit (the default): scan every key, remediate by plan, report. */
export interface AuditSettings extends ConnectionSettings, DeliverySettings {
  mode: 'audit'
  thresholds: Thresholds
  excludeUsers: string[]
  exemptTag?: string
  failOn: FailOn
  concurrency: number
  remediation: RemediationSettings
  scanMethod: ScanMethod
  /** The owners file, when owners-config is set. */
  owners?: OwnersConfig
  /** exemption-max-days: exemptions with no end, or ending further ahead, are flagged. */
  exemptionMaxDays: number
  /** The reminder ladder on each key's issue; set with the owners file. */
  reminders?: ReminderSettings
  /** Set exactly when action is rotate: the rotation map and the cutover's timing. */
  rotation?: RotationSettings
  dashboard?: DashboardSettings
}

/** The keys an incident revokes, and where they came from. */
export interface RevokeRequest {
  keys: ExposedKey[]
  /** Where the keys came from: the revoke-access-key-ids input or an exposure event. */
  source: 'input' | ExposureEvent['source']
  event?: ExposureEvent
  revokeSessions: boolean
  /** revoke-role-sessions: the deny on each role the key reached, or only a list of them. */
  revokeRoleSessions: boolean
  /** max-role-revocations: more roles than this, and none gets the deny. */
  maxRoleRevocations: number
}

/** mode: revoke: take the exposed keys away, with their sessions. */
export interface RevokeSettings extends ConnectionSettings, DeliverySettings {
  mode: 'revoke'
  revoke: RevokeRequest
  /** Its action is deactivate or delete: the inputs refuse report. */
  remediation: RemediationSettings
}

/**
 * mode: secret-scanning: the open AWS key alerts of GitHub secret scanning, each key mapped to
 * its account; this account's keys are revoked as in an incident and their alerts resolved.
 */
export interface SecretScanningSettings extends ConnectionSettings, DeliverySettings {
  mode: 'secret-scanning'
  secretScanning: {
    scope: SecretScanningScope
    /** secret-scanning-token, or github-token when that is empty. */
    token: string
    /** The input the token came from, for error messages. */
    tokenInput: 'secret-scanning-token' | 'github-token'
  }
  revokeSessions: boolean
  /** revoke-role-sessions and its cap, passed to the incident path as an incident run's are. */
  revokeRoleSessions: boolean
  maxRoleRevocations: number
  /** Its action is deactivate or delete: the inputs refuse report. */
  remediation: RemediationSettings
}

/** mode: list-accounts: the organization's accounts as the audit matrix. */
export interface ListAccountsSettings extends ConnectionSettings {
  mode: 'list-accounts'
  /** Roots or OUs to list accounts under, recursively; empty lists the whole organization. */
  organizationalUnits: string[]
  excludeAccounts: string[]
  memberRoleName: string
  chunkSize: number
}

/** mode: aggregate: every account's report into one summary and one digest. */
export interface AggregateSettings extends ConnectionSettings {
  mode: 'aggregate'
  /** dry-run: the digest is shown, not published. */
  dryRun: boolean
  reportsDirectory: string
  /** Every account that must have a report; never empty. */
  expectedAccounts: ExpectedAccount[]
  notify: NotifySettings
  /** One dashboard for the whole fleet. */
  dashboard?: DashboardSettings
}

/**
 * mode: check: the preflight. It reads the audit's inputs (action, scan-method, sns-topic-arn…)
 * to check what that audit would need, and changes nothing.
 */
export interface CheckSettings extends Omit<AuditSettings, 'mode'> {
  mode: 'check'
  /** create-issues as set, with or without a token (issues.enabled needs both). */
  createIssues: boolean
  /** The remediation role's incident options, whose permissions the check includes. */
  revokeSessions: boolean
  revokeRoleSessions: boolean
}

export type Settings =
  | AuditSettings
  | RevokeSettings
  | ListAccountsSettings
  | AggregateSettings
  | SecretScanningSettings
  | CheckSettings
