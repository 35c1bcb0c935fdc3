// Reads and validates every input before anything touches AWS or GitHub.
// Pure over a getter, so the table of bad inputs is unit-tested without a runner.
import {
  ACCESS_KEY_ID,
  EventError,
  parseExposureEvent,
  type ExposedKey,
  type ExposureEvent
} from './exposure-event.js'
import {
  ACCOUNT_ID,
  EXPECTED_ACCOUNTS_FORM,
  GITHUB_MATRIX_LIMIT,
  parseExpectedAccounts,
  type ExpectedAccount
} from '../domain/matrix.js'
import type { SessionPolicies } from '../credentials/sign-in.js'
import { DEFAULT_MAX_ATTEMPTS } from '../aws/network.js'
import { ActionError } from '../kit/errors.js'
import type { FailOn, RemediationAction, Thresholds } from '../domain/types.js'

export type InputGetter = (name: string) => string

export interface Settings {
  roleToAssume?: string
  awsRegion: string
  audience: string
  roleSessionName: string
  roleDurationSeconds: number
  thresholds: Thresholds
  excludeUsers: string[]
  exemptTag?: string
  failOn: FailOn
  concurrency: number
  /** Cap on IAM requests per second (src/aws/pacing.ts finds the rate below it). */
  iamMaxRps: number
  remediation: RemediationSettings
  activity: ActivitySettings
  scanMethod: ScanMethod
  notify: NotifySettings
  issues: IssueSettings
  incident: IncidentSettings
  /** Set when member-role-arn or role-chaining is: the roles to assume with sts:AssumeRole. */
  roleChain?: RoleChain
  /** Set in the organization modes, list-accounts and aggregate. */
  fleet?: FleetSettings
  /** allowed-account-ids: empty allows any account. */
  allowedAccountIds: string[]
  /** role-external-id, sent with every sts:AssumeRole. */
  externalId?: string
  /** inline-session-policy and managed-session-policies, for the session the run works in. */
  sessionPolicies?: SessionPolicies
  /** retry-max-attempts: the most times one AWS request is sent. */
  retryMaxAttempts: number
}

export type Mode = 'audit' | 'revoke'
export type FleetMode = 'list-accounts' | 'aggregate'

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

export type FleetSettings =
  | {
      mode: 'list-accounts'
      /** Roots or OUs to list accounts under, recursively; empty lists the whole organization. */
      organizationalUnits: string[]
      excludeAccounts: string[]
      memberRoleName: string
      chunkSize: number
    }
  | {
      mode: 'aggregate'
      reportsDirectory: string
      /** Every account that must have a report; never empty. */
      expectedAccounts: ExpectedAccount[]
    }

export type IncidentSettings =
  | { mode: 'audit' }
  | {
      mode: 'revoke'
      keys: ExposedKey[]
      /** Where the keys came from: the access-key-id input or an exposure event. */
      source: 'input' | ExposureEvent['source']
      event?: ExposureEvent
      revokeSessions: boolean
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

/** Defaults used when an input is empty; action.yml declares the same (a test keeps them equal). */
export const DEFAULTS = {
  'aws-region': 'us-east-1',
  audience: 'sts.amazonaws.com',
  'role-duration-seconds': '3600',
  'max-age-days': '90',
  'warn-days': '14',
  'unused-days': '0',
  'exempt-tag': 'iam-key-sentinel-exempt',
  'fail-on': 'overdue',
  concurrency: '8',
  'iam-max-rps': '100',
  mode: 'auto',
  'revoke-sessions': 'true',
  'dry-run': 'false',
  'delete-grace-days': '7',
  'max-actions': '10',
  'activity-for': 'changed',
  'lookback-hours': '24',
  'max-events': '1000',
  'scan-method': 'auto',
  'notify-on': 'findings',
  'create-issues': 'true',
  'issue-labels': 'iam-key-rotation',
  'issue-for': 'overdue',
  'owner-tag': 'github',
  'max-new-issues': '20',
  'role-chaining': 'false',
  'member-role-name': 'iam-key-sentinel-member',
  'matrix-chunk-size': String(GITHUB_MATRIX_LIMIT),
  'retry-max-attempts': String(DEFAULT_MAX_ATTEMPTS)
} as const

/** Every bad input at once; each problem names the input and says what to change. */
export class InputError extends ActionError {
  constructor(readonly problems: string[]) {
    super(
      problems.length === 1
        ? `Invalid input: ${problems[0]}`
        : `Invalid inputs:\n${problems.map((p) => `- ${p}`).join('\n')}`,
      'Change the inputs named above in the workflow file; nothing was read or changed in AWS or GitHub.'
    )
    this.name = 'InputError'
  }
}

const ROLE_ARN = /^arn:aws(-cn|-us-gov|-iso|-iso-b)?:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/
const REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}$/
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/
// IAM tag keys: letters, digits, spaces and _.:/=+-@, 1 to 128 characters.
const TAG_KEY = /^[\p{L}\p{N} _.:/=+\-@]{1,128}$/u
const USER_GLOB = /^[\w+=,.@*?-]{1,64}$/
const SNS_TOPIC_ARN =
  /^arn:aws(-cn|-us-gov|-iso|-iso-b)?:sns:[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}:\d{12}:[\w-]{1,256}(\.fifo)?$/
// GitHub label names: up to 50 characters, no commas (they separate the list).
const LABEL = /^[^,\n]{1,50}$/
const GROUP_NAME = /^[\w+=,.@-]{1,128}$/
// Organizations: a root is r-xxxx, an OU ou-<root part>-<8 to 32 characters>.
const PARENT_ID = /^(r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$/
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/
// sts:AssumeRole's ExternalId: 2 to 1224 characters of letters, digits and '+=,.@:/-'.
const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/
const POLICY_ARN =
  /^arn:aws(-cn|-us-gov|-iso|-iso-b)?:iam::(\d{12}|aws):policy\/[\w+=,.@/-]{1,1024}$/
/** STS limits: a packed inline session policy of 2048 characters, 10 managed policies. */
export const INLINE_SESSION_POLICY_MAX_CHARS = 2048
export const MANAGED_SESSION_POLICIES_MAX = 10
/** AWS caps a session assumed by role chaining at one hour, whatever the role allows. */
export const CHAINED_SESSION_MAX_SECONDS = 3600

/** Collects problems instead of throwing at the first, so one run reports every bad input. */
class Reader {
  readonly problems: string[] = []
  constructor(private readonly get: InputGetter) {}

  /**
   * Whether the workflow chose a value of its own. The runner sets INPUT_<NAME> for every input
   * with a default in action.yml, so a value equal to the declared default is no choice at all.
   */
  isSet(name: string): boolean {
    const value = this.get(name).trim()
    return value !== '' && value !== (DEFAULTS as Record<string, string>)[name]
  }

  raw(name: string): string {
    const value = this.get(name).trim()
    if (value !== '') return value
    return (DEFAULTS as Record<string, string>)[name] ?? ''
  }

  wholeNumber(name: string, min: number, max: number): number {
    const value = this.raw(name)
    if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
      this.problems.push(`'${name}' must be a whole number from ${min} to ${max}; got '${value}'.`)
      return min
    }
    return Number(value)
  }

  oneOf<T extends string>(name: string, allowed: readonly T[]): T {
    const value = this.raw(name)
    if ((allowed as readonly string[]).includes(value)) return value as T
    this.problems.push(`'${name}' must be one of ${allowed.join(', ')}; got '${value}'.`)
    return allowed[0] as T
  }

  matching(name: string, pattern: RegExp, form: string): string {
    const value = this.raw(name)
    if (!pattern.test(value)) this.problems.push(`'${name}' must be ${form}; got '${value}'.`)
    return value
  }

  boolean(name: string): boolean {
    const value = this.raw(name).toLowerCase()
    if (value === 'true' || value === 'false') return value === 'true'
    this.problems.push(`'${name}' must be true or false; got '${this.raw(name)}'.`)
    return false
  }

  optionalMatching(name: string, pattern: RegExp, form: string): string | undefined {
    return this.raw(name) === '' ? undefined : this.matching(name, pattern, form)
  }

  list(name: string, pattern: RegExp, form: string): string[] {
    const items = splitList(this.raw(name))
    for (const item of items) {
      if (!pattern.test(item))
        this.problems.push(`'${name}' entries must be ${form}; got '${item}'.`)
    }
    return items
  }
}

/** Comma- or newline-separated list, blanks dropped. */
export function splitList(value: string): string[] {
  return value
    .split(/[,\n]/)
    .map((item) => item.trim())
    .filter((item) => item !== '')
}

export function defaultSessionName(env: NodeJS.ProcessEnv): string {
  const run = [env.GITHUB_RUN_ID, env.GITHUB_RUN_ATTEMPT].filter(Boolean).join('-')
  return (run ? `iam-key-sentinel-${run}` : 'iam-key-sentinel').slice(0, 64)
}

/** Keys to revoke, from the access-key-id input or else from a repository_dispatch exposure event. */
function readIncident(
  r: Reader,
  env: NodeJS.ProcessEnv,
  payload: unknown
): {
  mode: Mode
  fleetMode?: FleetMode
  keys: ExposedKey[]
  source: 'input' | ExposureEvent['source']
  event?: ExposureEvent
} {
  const ids = r.list(
    'access-key-id',
    ACCESS_KEY_ID,
    'access key IDs: 20 upper-case letters and digits starting with AKIA'
  )
  let event: ExposureEvent | undefined
  if (env.GITHUB_EVENT_NAME === 'repository_dispatch') {
    try {
      event = parseExposureEvent(payload)
    } catch (error) {
      if (!(error instanceof EventError)) throw error
      r.problems.push(
        `The repository_dispatch event is not a usable exposure event: ${error.message}`
      )
    }
  }
  const keys: ExposedKey[] =
    ids.length > 0 ? [...new Set(ids)].map((accessKeyId) => ({ accessKeyId })) : (event?.keys ?? [])
  const source = ids.length > 0 ? 'input' : (event?.source ?? 'input')
  const mode = r.oneOf<'auto' | Mode | FleetMode>('mode', [
    'auto',
    'audit',
    'revoke',
    'list-accounts',
    'aggregate'
  ])
  const fleetMode = mode === 'list-accounts' || mode === 'aggregate' ? mode : undefined
  const resolved: Mode =
    mode === 'auto'
      ? keys.length > 0
        ? 'revoke'
        : 'audit'
      : mode === 'revoke'
        ? 'revoke'
        : 'audit'
  if (resolved === 'revoke' && keys.length === 0 && r.problems.length === 0) {
    r.problems.push(
      "'mode' is revoke but no key was given: set 'access-key-id' (one or more AKIA... IDs) or trigger the workflow with an AWS exposure event."
    )
  }
  if ((mode === 'audit' || fleetMode) && ids.length > 0) {
    r.problems.push(
      "'access-key-id' is only used in incident mode: set 'mode' to revoke or auto, or remove 'access-key-id'."
    )
  }
  return {
    mode: resolved,
    ...(fleetMode ? { fleetMode } : {}),
    keys,
    source,
    ...(event && ids.length === 0 ? { event } : {})
  }
}

/** member-role-arn and role-chaining: which roles to chain through, and from what. */
function readRoleChain(
  r: Reader,
  roleToAssume: string | undefined,
  durationSeconds: number
): RoleChain | undefined {
  const member = r.optionalMatching(
    'member-role-arn',
    ROLE_ARN,
    'an IAM role ARN such as arn:aws:iam::123456789012:role/iam-key-sentinel-member'
  )
  const fromJob = r.boolean('role-chaining')
  if (!member && !fromJob) return undefined
  if (member && !roleToAssume && !fromJob) {
    r.problems.push(
      "'member-role-arn' needs credentials to assume it with: set 'role-to-assume' (the hub role, through GitHub OIDC) " +
        "or 'role-chaining: true' (the credentials already in the job, e.g. from aws-actions/configure-aws-credentials)."
    )
    return undefined
  }
  if (fromJob && !member && !roleToAssume) {
    r.problems.push(
      "'role-chaining' is true but there is no role to assume: set 'member-role-arn' (in a matrix job, ${{ matrix.role-arn }}) or 'role-to-assume'."
    )
    return undefined
  }
  if (member && member === roleToAssume) {
    r.problems.push(
      "'member-role-arn' is the same role as 'role-to-assume': leave 'member-role-arn' empty to use that role alone."
    )
  }
  if (durationSeconds > CHAINED_SESSION_MAX_SECONDS) {
    r.problems.push(
      `'role-duration-seconds' must be at most ${CHAINED_SESSION_MAX_SECONDS} with role chaining ('member-role-arn' or 'role-chaining'): ` +
        `AWS limits sessions assumed with role credentials to one hour; got '${durationSeconds}'.`
    )
  }
  const roleArns = fromJob ? [roleToAssume, member] : [member]
  const [first, ...rest] = roleArns.filter((arn): arn is string => arn !== undefined)
  if (first === undefined) return undefined
  return { from: fromJob ? 'job-credentials' : 'oidc', roleArns: [first, ...rest] }
}

const LIST_INPUTS = [
  'organizational-units',
  'exclude-accounts',
  'member-role-name',
  'matrix-chunk-size'
] as const
const AGGREGATE_INPUTS = ['reports-directory', 'expected-accounts'] as const

/**
 * The inputs of the organization modes. All are read in every mode (action.yml declares each),
 * and one set outside its mode is a mistake worth naming, not something to ignore.
 */
function readFleet(r: Reader, mode: FleetMode | undefined): FleetSettings | undefined {
  const organizationalUnits = r.list(
    'organizational-units',
    PARENT_ID,
    'organizational unit IDs such as ou-ab12-cd34ef56 or the root ID such as r-ab12'
  )
  const excludeAccounts = r.list('exclude-accounts', ACCOUNT_ID, '12-digit AWS account IDs')
  const memberRoleName = r.matching(
    'member-role-name',
    ROLE_NAME,
    "an IAM role name: 1 to 64 letters, digits and '+=,.@_-', without a path"
  )
  const chunkSize = r.wholeNumber('matrix-chunk-size', 1, GITHUB_MATRIX_LIMIT)
  const reportsDirectory = r.raw('reports-directory')
  const expected = parseExpectedAccounts(r.raw('expected-accounts'))
  if ('problem' in expected) {
    r.problems.push(`'expected-accounts' must be ${EXPECTED_ACCOUNTS_FORM}; ${expected.problem}.`)
  }
  const misplaced = (names: readonly string[], where: FleetMode): void => {
    for (const name of names.filter((n) => r.isSet(n))) {
      r.problems.push(
        `'${name}' is only used in ${where} mode: set 'mode' to ${where} or remove '${name}'.`
      )
    }
  }
  if (mode !== 'list-accounts') misplaced(LIST_INPUTS, 'list-accounts')
  if (mode !== 'aggregate') misplaced(AGGREGATE_INPUTS, 'aggregate')
  if (mode === 'list-accounts') {
    return {
      mode,
      organizationalUnits: [...new Set(organizationalUnits)],
      excludeAccounts,
      memberRoleName,
      chunkSize
    }
  }
  if (mode !== 'aggregate') return undefined
  if (reportsDirectory === '') {
    r.problems.push(
      "'reports-directory' is required in aggregate mode: the directory the report artifacts were downloaded to (actions/download-artifact's path)."
    )
  }
  const expectedAccounts = 'accounts' in expected ? expected.accounts : []
  if (expectedAccounts.length === 0 && !('problem' in expected)) {
    r.problems.push(
      `'expected-accounts' is required in aggregate mode, so that an account without a report is flagged rather than missed: pass the list-accounts step's matrix output (needs.<job>.outputs.matrix).`
    )
  }
  return { mode, reportsDirectory, expectedAccounts }
}

/** inline-session-policy: a JSON policy document, minified as STS counts its characters. */
function readInlinePolicy(r: Reader): string | undefined {
  const raw = r.raw('inline-session-policy')
  if (raw === '') return undefined
  let document: unknown
  try {
    document = JSON.parse(raw)
  } catch (error) {
    r.problems.push(
      `'inline-session-policy' must be a JSON IAM policy document; it is not JSON (${error instanceof Error ? error.message : String(error)}).`
    )
    return undefined
  }
  const statements = (document as { Statement?: unknown } | null)?.Statement
  if (typeof document !== 'object' || document === null || Array.isArray(document) || !statements) {
    r.problems.push(
      `'inline-session-policy' must be a JSON IAM policy document: an object with "Version" and "Statement".`
    )
    return undefined
  }
  const packed = JSON.stringify(document)
  if (packed.length > INLINE_SESSION_POLICY_MAX_CHARS) {
    r.problems.push(
      `'inline-session-policy' must be at most ${INLINE_SESSION_POLICY_MAX_CHARS} characters without spaces (STS's limit); got ${packed.length}.`
    )
  }
  return packed
}

/** The inputs of configure-aws-credentials that scope the sessions this action assumes. */
function readSessionScope(
  r: Reader,
  roleToAssume: string | undefined,
  roleChain: RoleChain | undefined
): Pick<Settings, 'allowedAccountIds' | 'externalId' | 'sessionPolicies' | 'retryMaxAttempts'> {
  const allowedAccountIds = [
    ...new Set(r.list('allowed-account-ids', ACCOUNT_ID, '12-digit AWS account IDs'))
  ]
  const externalId = r.optionalMatching(
    'role-external-id',
    EXTERNAL_ID,
    "2 to 1224 characters of letters, digits and '+=,.@:/_-'"
  )
  if (externalId && !roleChain) {
    r.problems.push(
      "'role-external-id' is sent with sts:AssumeRole, which this run does not call (GitHub OIDC uses sts:AssumeRoleWithWebIdentity, which takes none): " +
        "set 'member-role-arn' or 'role-chaining', or remove 'role-external-id'."
    )
  }
  const inline = readInlinePolicy(r)
  const managedArns = r.list(
    'managed-session-policies',
    POLICY_ARN,
    'IAM managed policy ARNs such as arn:aws:iam::aws:policy/ReadOnlyAccess'
  )
  if (managedArns.length > MANAGED_SESSION_POLICIES_MAX) {
    r.problems.push(
      `'managed-session-policies' may list at most ${MANAGED_SESSION_POLICIES_MAX} policies (STS's limit); got ${managedArns.length}.`
    )
  }
  const scoped = inline !== undefined || managedArns.length > 0
  if (scoped && !roleToAssume && !roleChain) {
    r.problems.push(
      "'inline-session-policy' and 'managed-session-policies' scope a session the action assumes: set 'role-to-assume' " +
        "(or 'member-role-arn' / 'role-chaining'); for credentials from aws-actions/configure-aws-credentials, give the policies to that action."
    )
  }
  return {
    allowedAccountIds,
    ...(externalId ? { externalId } : {}),
    ...(scoped ? { sessionPolicies: { ...(inline ? { inline } : {}), managedArns } } : {}),
    retryMaxAttempts: r.wholeNumber('retry-max-attempts', 1, 30)
  }
}

export function readSettings(
  get: InputGetter,
  env: NodeJS.ProcessEnv = process.env,
  eventPayload: unknown = undefined
): Settings {
  // The token never goes into an error message, so it is read outside the Reader.
  const r = new Reader(get)
  const roleToAssume = r.optionalMatching(
    'role-to-assume',
    ROLE_ARN,
    'an IAM role ARN such as arn:aws:iam::123456789012:role/iam-key-sentinel'
  )
  const awsRegion = r.matching('aws-region', REGION, 'an AWS region name such as us-east-1')
  const audience = r.matching('audience', /^\S{1,256}$/, 'a non-empty audience without spaces')
  const roleSessionName =
    r.optionalMatching(
      'role-session-name',
      SESSION_NAME,
      "2 to 64 characters of letters, digits and '+=,.@_-'"
    ) ?? defaultSessionName(env)
  const roleDurationSeconds = r.wholeNumber('role-duration-seconds', 900, 43200)
  const roleChain = readRoleChain(r, roleToAssume, roleDurationSeconds)
  const sessionScope = readSessionScope(r, roleToAssume, roleChain)
  const maxAgeDays = r.wholeNumber('max-age-days', 1, 3650)
  const warnDays = r.wholeNumber('warn-days', 0, 3650)
  const unusedDays = r.wholeNumber('unused-days', 0, 3650)
  if (warnDays >= maxAgeDays && r.problems.length === 0) {
    r.problems.push(
      `'warn-days' (${warnDays}) must be smaller than 'max-age-days' (${maxAgeDays}), or every key would be due soon.`
    )
  }
  const excludeUsers = r.list(
    'exclude-users',
    USER_GLOB,
    "IAM user names or globs using '*' and '?', separated by commas or new lines"
  )
  const exemptTag = r.optionalMatching(
    'exempt-tag',
    TAG_KEY,
    "an IAM tag key (1 to 128 letters, digits, spaces or '_.:/=+-@')"
  )
  const failOn = r.oneOf<FailOn>('fail-on', ['never', 'due-soon', 'overdue'])
  const concurrency = r.wholeNumber('concurrency', 1, 64)
  const iamMaxRps = r.wholeNumber('iam-max-rps', 1, 1000)
  const incident = readIncident(r, env, eventPayload)
  const revokeSessions = r.boolean('revoke-sessions')
  // The action defaults to what is safe in each mode: report for an audit, deactivate
  // (reversible) for an incident.
  const actionInput = r.raw('action')
  const action =
    actionInput === ''
      ? incident.mode === 'revoke'
        ? 'deactivate'
        : 'report'
      : r.oneOf<RemediationAction>('action', ['report', 'deactivate', 'delete'])
  if (incident.mode === 'revoke' && action === 'report') {
    r.problems.push(
      "'action' report changes nothing, so it cannot revoke a key: use deactivate or delete (or leave it empty)."
    )
  }
  const remediation: RemediationSettings = {
    action,
    dryRun: r.boolean('dry-run'),
    deleteGraceDays: r.wholeNumber('delete-grace-days', 0, 365),
    maxActions: r.wholeNumber('max-actions', 1, 10000),
    exemptGroups: r.list(
      'exempt-groups',
      GROUP_NAME,
      "IAM group names (letters, digits and '+=,.@_-')"
    )
  }
  const activity: ActivitySettings = {
    activityFor: r.oneOf<ActivityFor>('activity-for', ['none', 'changed', 'flagged']),
    lookbackHours: r.wholeNumber('lookback-hours', 1, 90 * 24),
    regions: r.list('cloudtrail-regions', REGION, 'AWS region names such as us-east-1'),
    maxEvents: r.wholeNumber('max-events', 1, 100000)
  }
  if (activity.regions.length === 0) activity.regions = [awsRegion]
  activity.regions = [...new Set(activity.regions)]
  const scanMethod = r.oneOf<ScanMethod>('scan-method', ['auto', 'credential-report', 'api'])
  const notify: NotifySettings = {
    snsTopicArn: r.optionalMatching(
      'sns-topic-arn',
      SNS_TOPIC_ARN,
      'an SNS topic ARN such as arn:aws:sns:us-east-1:123456789012:security-alerts'
    ),
    notifyOn: r.oneOf<NotifyOn>('notify-on', ['findings', 'always', 'never'])
  }
  const token = get('github-token').trim()
  const issues: IssueSettings = {
    enabled: r.boolean('create-issues') && token !== '',
    token,
    labels: r.list('issue-labels', LABEL, 'GitHub label names of at most 50 characters'),
    issueFor: r.oneOf<IssueFor>('issue-for', ['overdue', 'due-soon']),
    ownerTag: r.optionalMatching(
      'owner-tag',
      TAG_KEY,
      "an IAM tag key (1 to 128 letters, digits, spaces or '_.:/=+-@')"
    ),
    maxNewIssues: r.wholeNumber('max-new-issues', 0, 1000)
  }
  const fleet = readFleet(r, incident.fleetMode)
  if (r.problems.length > 0) throw new InputError(r.problems)
  return {
    roleToAssume,
    awsRegion,
    audience,
    roleSessionName,
    roleDurationSeconds,
    thresholds: { maxAgeDays, warnDays, unusedDays },
    excludeUsers,
    exemptTag,
    failOn,
    concurrency,
    iamMaxRps,
    remediation,
    activity,
    scanMethod,
    notify,
    issues,
    incident:
      incident.mode === 'audit'
        ? { mode: 'audit' }
        : { ...incident, mode: 'revoke', revokeSessions },
    ...(roleChain ? { roleChain } : {}),
    ...(fleet ? { fleet } : {}),
    ...sessionScope
  }
}
