// The preflight's rules (mode: check): each line of the checklist from the facts the check read,
// pure, so every verdict and its fix is unit-tested without AWS or GitHub.
import type {
  CheckLine,
  IssuesProbe,
  ReadFailure,
  ReportFacts,
  SimulationResult
} from '../domain/preflight.js'
import type {
  PermissionOptions,
  PermissionResource,
  RequiredPermission
} from '../domain/permissions.js'
import type { CheckSettings } from '../domain/settings.js'

type Read<T> = T | ReadFailure
export const failed = <T extends object>(read: Read<T>): read is ReadFailure =>
  'error' in read && 'denied' in read

// ---------------------------------------------------------------------------------------------
// Who the run is

/** The principal behind sts:GetCallerIdentity's ARN. */
export type Caller =
  | { kind: 'role'; partition: string; accountId: string; roleName: string; sessionArn: string }
  | { kind: 'user'; arn: string }
  | { kind: 'other'; arn: string }

/**
 * An assumed-role ARN (arn:PARTITION:sts::ACCOUNT:assumed-role/NAME/SESSION) names the role but
 * not its path; the role's own ARN comes from iam:GetRole or role-to-assume.
 */
export function callerOf(arn: string): Caller {
  const role = /^arn:([\w-]+):sts::(\d{12}):assumed-role\/([^/]+)\/.+$/.exec(arn)
  if (role) {
    const [, partition = 'aws', accountId = '', roleName = ''] = role
    return { kind: 'role', partition, accountId, roleName, sessionArn: arn }
  }
  if (/^arn:[\w-]+:iam::\d{12}:user\//.test(arn)) return { kind: 'user', arn }
  return { kind: 'other', arn }
}

/**
 * The role's ARN for the simulator: GetRole's (with its path), else a configured role ARN of the
 * same name and account (role-to-assume or the chain's last role), else the path-less mapping.
 */
export function roleArnOf(
  caller: Extract<Caller, { kind: 'role' }>,
  fromGetRole: string | undefined,
  configured: readonly string[]
): string {
  if (fromGetRole) return fromGetRole
  const same = configured.find(
    (arn) =>
      arn.split(':')[4] === caller.accountId &&
      arn.split('/').pop()?.toLowerCase() === caller.roleName.toLowerCase()
  )
  return same ?? `arn:${caller.partition}:iam::${caller.accountId}:role/${caller.roleName}`
}

export function identityLine(
  read: Read<{ accountId: string; alias?: string; callerArn: string; principalArn: string }>,
  fix?: string
): CheckLine {
  const title = 'Sign-in: account and role'
  if (failed(read)) {
    return {
      id: 'identity',
      title,
      status: 'fail',
      detail: read.error,
      fix:
        fix ??
        "Check 'role-to-assume', 'aws-region' and the job's `permissions: id-token: write`, and that the role's trust policy names this repository."
    }
  }
  const account = read.alias ? `${read.accountId} (${read.alias})` : read.accountId
  const caller = callerOf(read.callerArn)
  if (caller.kind !== 'role') {
    return {
      id: 'identity',
      title,
      status: 'warn',
      detail: `Signed in to account ${account} as ${read.callerArn}, not as a role.`,
      fix: "Sign in with GitHub OIDC ('role-to-assume') instead of long-lived credentials."
    }
  }
  return {
    id: 'identity',
    title,
    status: 'pass',
    detail: `Signed in to account ${account} as role ${read.principalArn} (session ${read.callerArn}).`
  }
}

export function allowedAccountsLine(accountId: string, allowed: readonly string[]): CheckLine {
  const title = 'allowed-account-ids'
  if (allowed.length === 0) {
    return {
      id: 'allowed-account-ids',
      title,
      status: 'warn',
      detail: 'Not set: the run would work in whatever account its credentials are for.',
      fix: `Set \`allowed-account-ids: '${accountId}'\` so a wrong role can never point the run at another account.`
    }
  }
  if (allowed.includes(accountId)) {
    return {
      id: 'allowed-account-ids',
      title,
      status: 'pass',
      detail: `Account ${accountId} is listed.`
    }
  }
  return {
    id: 'allowed-account-ids',
    title,
    status: 'fail',
    detail: `Account ${accountId} is not listed (${allowed.join(', ')}): the run would stop before reading anything.`,
    fix: `Point 'role-to-assume' at a role in ${allowed.join(' or ')}, or add ${accountId} to 'allowed-account-ids'.`,
    missing: [accountId]
  }
}

// ---------------------------------------------------------------------------------------------
// Permissions, from IAM's policy simulator

/** What the check's settings decide about the permissions, and the secrets to simulate on. */
export function permissionOptionsOf(settings: CheckSettings): {
  options: PermissionOptions
  secretIds: string[]
} {
  const destinations = [...(settings.rotation?.map.users.values() ?? [])]
  const secretIds = destinations.flatMap((d) => (d.kind === 'secrets-manager' ? [d.secretId] : []))
  const sns = Boolean(settings.notify.snsTopicArn) && settings.notify.notifyOn !== 'never'
  return {
    secretIds,
    options: {
      action: settings.remediation.action,
      scanMethod: settings.scanMethod,
      activity: settings.activity.activityFor !== 'none',
      sns,
      secretsManager: secretIds.length > 0,
      revokeSessions: settings.revokeSessions,
      revokeRoleSessions: settings.revokeRoleSessions
    }
  }
}

/** Where each kind of permission is simulated: none is "*". */
export interface ResourceContext {
  partition: string
  accountId: string
  region: string
  topicArn?: string
  /** Secrets Manager destinations of the rotation map: secret names or ARNs. */
  secretIds: readonly string[]
}

/**
 * The resources a permission is simulated on. A policy scoped to users or roles does not match
 * "*", so IAM resources are sample ARNs of the account (the simulator accepts resources that do
 * not exist); the role is not named iam-key-sentinel-*, which the template's Deny protects.
 */
export function resourcesFor(kind: PermissionResource, c: ResourceContext): string[] {
  const iam = `arn:${c.partition}:iam::${c.accountId}`
  switch (kind) {
    case 'account':
      return []
    case 'user':
      return [`${iam}:user/preflight-sample-user`]
    case 'role':
      return [`${iam}:role/preflight-sample-role`]
    case 'topic':
      return c.topicArn ? [c.topicArn] : []
    case 'secret':
      // A secret's ARN ends in a hyphen and six random characters.
      return c.secretIds.map((id) =>
        id.startsWith('arn:')
          ? id
          : `arn:${c.partition}:secretsmanager:${c.region}:${c.accountId}:secret:${id}-AbCdEf`
      )
  }
}

/** The resources a policy grants a permission on, as the fix names them. */
export function resourcePatternsFor(kind: PermissionResource, c: ResourceContext): string[] {
  const iam = `arn:${c.partition}:iam::${c.accountId}`
  if (kind === 'user') return [`${iam}:user/*`]
  if (kind === 'role') return [`${iam}:role/*`]
  if (kind === 'secret') {
    return c.secretIds.map((id) =>
      id.startsWith('arn:')
        ? id
        : `arn:${c.partition}:secretsmanager:${c.region}:${c.accountId}:secret:${id}-??????`
    )
  }
  return resourcesFor(kind, c)
}

const SIMULATOR_FIX = (roleArn: string) =>
  `Grant the role iam:SimulatePrincipalPolicy on itself (Resource "${roleArn}"), the preflight's optional permission in examples/aws/permissions.json ("check"), or compare its policies with the lists in docs/preflight.md by hand.`

/** The permissions line: each required action as the simulator decided it on its resource. */
export function permissionsLine(
  required: readonly RequiredPermission[],
  results: Read<SimulationResult[]>,
  o: {
    roleArn: string
    sessionPolicies: boolean
    /** The resources to name in the fix (resourcePatternsFor). */
    resources: (p: RequiredPermission) => string[]
  }
): CheckLine {
  const title = 'IAM permissions for these inputs'
  if (failed(results)) {
    return {
      id: 'permissions',
      title,
      status: 'warn',
      detail: `IAM's policy simulator did not answer, so the role's permissions were not checked: ${results.error}`,
      fix: SIMULATOR_FIX(o.roleArn)
    }
  }
  // One answer per action and resource: an action is as allowed as its least allowed resource.
  const rank = { allowed: 0, implicitDeny: 1, explicitDeny: 2 }
  const decided = new Map<string, SimulationResult>()
  for (const r of results) {
    const key = r.action.toLowerCase()
    const seen = decided.get(key)
    if (!seen || rank[r.decision] > rank[seen.decision]) decided.set(key, r)
  }
  const missing: RequiredPermission[] = []
  const denied: RequiredPermission[] = []
  const conditional: string[] = []
  const incident: RequiredPermission[] = []
  for (const p of required) {
    const r = decided.get(p.action.toLowerCase())
    if (r?.decision === 'allowed') continue
    if (r?.decision === 'implicitDeny' && r.missingContext.length > 0) {
      conditional.push(`${p.action} (depends on ${r.missingContext.join(', ')})`)
    } else if (p.incidentOnly) incident.push(p)
    else if (r?.decision === 'explicitDeny') denied.push(p)
    else missing.push(p)
  }
  const grant = (list: RequiredPermission[]) =>
    list
      .map((p) => {
        const on = o.resources(p)
        return `"${p.action}" (for ${p.for}; Resource ${on.length > 0 ? on.map((r) => `"${r}"`).join(', ') : '"*"'})`
      })
      .join(', ')
  const session = o.sessionPolicies
    ? ' Session policies (inline-session-policy, managed-session-policies) narrow the session further; the simulator does not see them.'
    : ''
  const allowed = required.length - missing.length - denied.length - incident.length
  if (missing.length > 0 || denied.length > 0) {
    const parts = [
      ...(missing.length > 0 ? [`Add to the role's policy: ${grant(missing)}.`] : []),
      ...(denied.length > 0
        ? [`Remove the Deny (a policy, boundary or SCP) on: ${grant(denied)}.`]
        : [])
    ]
    return {
      id: 'permissions',
      title,
      status: 'fail',
      detail: `${allowed} of ${required.length} permissions allowed; ${[
        ...missing.map((p) => `${p.action} is missing`),
        ...denied.map((p) => `${p.action} is denied`)
      ].join(', ')}.${session}`,
      fix: parts.join(' '),
      missing: [...missing, ...denied].map((p) => p.action)
    }
  }
  if (incident.length > 0 || conditional.length > 0 || o.sessionPolicies) {
    return {
      id: 'permissions',
      title,
      status: 'warn',
      detail:
        `${allowed} of ${required.length} permissions allowed.` +
        (incident.length > 0
          ? ` Missing for incidents and secret scanning only: ${incident.map((p) => p.action).join(', ')}.`
          : '') +
        (conditional.length > 0
          ? ` Allowed only under conditions the simulator could not evaluate: ${conditional.join(', ')}.`
          : '') +
        session,
      fix:
        incident.length > 0
          ? `Add to the role's policy ${grant(incident)} if this role also answers incidents.`
          : 'Check the conditions against a real run (dry-run: true).',
      ...(incident.length > 0 ? { missing: incident.map((p) => p.action) } : {})
    }
  }
  return {
    id: 'permissions',
    title,
    status: 'pass',
    detail: `All ${required.length} permissions these inputs need are allowed: ${required.map((p) => p.action).join(', ')}.`
  }
}

// ---------------------------------------------------------------------------------------------
// The trust policy

type Verdict = { status: 'pass' | 'warn' | 'fail'; why: string }
const worst = (a: Verdict, b: Verdict): Verdict => {
  const rank = { pass: 0, warn: 1, fail: 2 }
  return rank[b.status] > rank[a.status] ? b : a
}
const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)
const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v])
const WILDCARD = /[*?]/

/** The values a statement's conditions give the claim (`…:aud`, `…:sub`), by operator. */
function claimConditions(
  condition: unknown,
  claim: 'aud' | 'sub'
): { operator: string; values: string[] }[] {
  if (!isObj(condition)) return []
  const found: { operator: string; values: string[] }[] = []
  for (const [operator, keys] of Object.entries(condition)) {
    if (!isObj(keys)) continue
    for (const [key, values] of Object.entries(keys)) {
      if (key.toLowerCase().endsWith(`:${claim}`)) {
        found.push({ operator, values: asList(values).map(String) })
      }
    }
  }
  return found
}

/** Only positive string tests pin a claim; `Like` operators give `*` and `?` their meaning. */
const PINNING = /^(ForAllValues:|ForAnyValue:)?String(Equals|EqualsIgnoreCase|Like)(IfExists)?$/

function audVerdict(condition: unknown): Verdict {
  const tests = claimConditions(condition, 'aud').filter((t) => PINNING.test(t.operator))
  if (tests.length === 0) return { status: 'fail', why: 'aud is not pinned' }
  const loose = tests.some((t) => /Like/.test(t.operator) && t.values.some((v) => WILDCARD.test(v)))
  return loose
    ? { status: 'fail', why: 'aud has a wildcard' }
    : { status: 'pass', why: `aud is ${tests.flatMap((t) => t.values).join(', ')}` }
}

function subVerdict(condition: unknown): Verdict {
  const tests = claimConditions(condition, 'sub').filter((t) => PINNING.test(t.operator))
  if (tests.length === 0) {
    return { status: 'fail', why: 'sub is not pinned: any GitHub repository could assume it' }
  }
  let verdict: Verdict = {
    status: 'pass',
    why: `sub is ${tests.flatMap((t) => t.values).join(', ')}`
  }
  for (const t of tests) {
    const like = /Like/.test(t.operator)
    for (const value of t.values) {
      if (!like || !WILDCARD.test(value)) continue
      // repo:OWNER/REPO:… — a wildcard in the owner or repository lets other repositories in.
      const repo = /^repo:([^:]*)(:.*)?$/.exec(value)
      verdict = worst(
        verdict,
        repo && !WILDCARD.test(repo[1] ?? '*')
          ? { status: 'warn', why: `sub has a wildcard: ${value}` }
          : {
              status: 'fail',
              why: `sub ${value} matches other repositories than ${repo?.[1] ?? 'yours'}`
            }
      )
    }
  }
  return verdict
}

/**
 * The statements that let a web identity assume the role: those of GitHub's OIDC provider when
 * there are any (another provider's, e.g. Cognito's, has other claims), else every one.
 */
function webIdentityStatements(document: unknown): Record<string, unknown>[] {
  const statements = isObj(document) ? asList(document.Statement) : []
  const web = statements.filter(
    (s): s is Record<string, unknown> =>
      isObj(s) &&
      s.Effect === 'Allow' &&
      asList(s.Action).some((a) => /^(\*|sts:\*|sts:AssumeRoleWithWebIdentity)$/i.test(String(a)))
  )
  const github = web.filter((s) =>
    asList(isObj(s.Principal) ? s.Principal.Federated : undefined).some((p) =>
      String(p).includes('token.actions.githubusercontent.com')
    )
  )
  return github.length > 0 ? github : web
}

export function trustPolicyLine(
  read: Read<{ roleArn: string; document: string }> | { skipped: string },
  repository: string
): CheckLine {
  const title = 'Trust policy: aud and sub pinned'
  const fix = `In the role's trust policy, under StringEquals, pin \`token.actions.githubusercontent.com:aud\` to sts.amazonaws.com and \`token.actions.githubusercontent.com:sub\` to this repository's subject, e.g. repo:${repository}:ref:refs/heads/main or repo:${repository}:environment:NAME.`
  if ('skipped' in read) return { id: 'trust-policy', title, status: 'skip', detail: read.skipped }
  if (failed(read)) {
    return {
      id: 'trust-policy',
      title,
      status: 'warn',
      detail: `The trust policy could not be read: ${read.error}`,
      fix: 'Grant the role iam:GetRole on itself (the preflight\'s optional permission, "check" in examples/aws/permissions.json), or review the trust policy by hand.'
    }
  }
  let document: unknown
  try {
    document = JSON.parse(read.document)
  } catch {
    document = undefined
  }
  const statements = webIdentityStatements(document)
  if (statements.length === 0) {
    return {
      id: 'trust-policy',
      title,
      status: 'warn',
      detail: `${read.roleArn}'s trust policy has no statement allowing sts:AssumeRoleWithWebIdentity.`,
      fix
    }
  }
  let verdict: Verdict = { status: 'pass', why: '' }
  const whys: string[] = []
  for (const s of statements) {
    const aud = audVerdict(s.Condition)
    const sub = subVerdict(s.Condition)
    verdict = worst(worst(verdict, aud), sub)
    whys.push(`${aud.why}; ${sub.why}`)
  }
  return {
    id: 'trust-policy',
    title,
    status: verdict.status,
    detail: `${read.roleArn}: ${whys.join('. ')}.`,
    ...(verdict.status === 'pass' ? {} : { fix })
  }
}

// ---------------------------------------------------------------------------------------------
// SNS, GitHub issues, the scan method

export function snsLine(
  read:
    | { skipped: string }
    | {
        topicArn: string
        topic: Read<{ fifo: boolean; kmsKeyId?: string }>
        publish: Read<SimulationResult[]>
      }
): CheckLine {
  const title = 'SNS topic accepts a publish (dry)'
  if ('skipped' in read) return { id: 'sns', title, status: 'skip', detail: read.skipped }
  const { topicArn, topic, publish } = read
  const grant = `Add to the role's policy "sns:Publish" on Resource "${topicArn}".`
  if (failed(topic) && !topic.denied) {
    return {
      id: 'sns',
      title,
      status: 'fail',
      detail: `The topic could not be read: ${topic.error}`,
      fix: "Check 'sns-topic-arn' (the topic's region is part of its ARN) and that the topic exists."
    }
  }
  const decision = failed(publish)
    ? undefined
    : publish.find((r) => r.action.toLowerCase() === 'sns:publish')
  if (decision && decision.decision !== 'allowed' && decision.missingContext.length === 0) {
    return {
      id: 'sns',
      title,
      status: 'fail',
      detail: `The role may not publish to ${topicArn} (${decision.decision}).`,
      fix: grant,
      missing: ['sns:Publish']
    }
  }
  const notes: string[] = []
  if (!failed(topic)) {
    notes.push(topic.fifo ? 'a FIFO topic' : 'a standard topic')
    if (topic.kmsKeyId) {
      notes.push(
        `encrypted with ${topic.kmsKeyId}: its key policy must let the role use kms:GenerateDataKey* and kms:Decrypt, which the simulator does not check`
      )
    }
  }
  if (failed(topic) || !decision || decision.decision !== 'allowed') {
    const why = failed(topic)
      ? `The topic could not be read (${topic.error}).`
      : failed(publish)
        ? `The simulator did not answer (${publish.error}).`
        : `sns:Publish depends on ${decision?.missingContext.join(', ')}.`
    return {
      id: 'sns',
      title,
      status: 'warn',
      detail: `${topicArn}: ${why}`,
      fix: failed(topic)
        ? 'Grant the role sns:GetTopicAttributes on the topic (the preflight\'s optional permission, "check" in examples/aws/permissions.json).'
        : grant
    }
  }
  return {
    id: 'sns',
    title,
    status: 'pass',
    detail: `${topicArn} exists (${notes.join('; ')}) and the role may publish to it; no message was sent.`
  }
}

export function issuesLine(
  read: { skipped: string } | { noToken: true } | { repository: string; probe: IssuesProbe }
): CheckLine {
  const title = 'GitHub token can write issues'
  if ('skipped' in read) return { id: 'issues', title, status: 'skip', detail: read.skipped }
  const permission =
    'Give the job `permissions: issues: write` (GITHUB_TOKEN), or a token with Issues: read and write on this repository.'
  if ('noToken' in read) {
    return {
      id: 'issues',
      title,
      status: 'fail',
      detail: "'create-issues' is true but 'github-token' is empty: no issue would be written.",
      fix: "Set `github-token: ${{ github.token }}` (the default), or 'create-issues: false'.",
      missing: ['issues: write']
    }
  }
  const { probe, repository } = read
  if (probe.verdict === 'can-write') {
    return {
      id: 'issues',
      title,
      status: 'pass',
      detail: `The token may create issues in ${repository} (GitHub refused an issue without a title, after the permission check); nothing was created.`
    }
  }
  const why = `${probe.status ? `${probe.status}: ` : ''}${probe.message}`
  if (probe.verdict === 'unexpected') {
    return {
      id: 'issues',
      title,
      status: 'warn',
      detail: `GitHub's answer did not tell: ${why}`,
      fix: permission
    }
  }
  const detail = {
    denied: `The token may not write issues in ${repository} (${why}).`,
    'not-found': `The token cannot see ${repository} (${why}).`,
    'bad-token': `GitHub did not accept the token (${why}).`
  }[probe.verdict]
  return {
    id: 'issues',
    title,
    status: 'fail',
    detail,
    fix: probe.verdict === 'bad-token' ? "Check 'github-token'." : permission,
    missing: ['issues: write']
  }
}

/** AWS serves the same report for 4 hours; older, GenerateCredentialReport makes a new one. */
const REPORT_REUSE_MS = 4 * 3_600_000

export function scanMethodLine(o: {
  requested: 'auto' | 'credential-report' | 'api'
  /** ListUsers' count, for auto. */
  /** complete: false when ListUsers stopped counting past autoReportAbove. */
  users?: Read<{ count: number; complete: boolean }>
  report?: ReportFacts
  autoReportAbove: number
  at: Date
}): CheckLine {
  const title = 'Scan method and credential report'
  let method: 'api' | 'credential-report' | undefined
  let why: string
  if (o.requested !== 'auto') {
    method = o.requested
    why = `scan-method: ${o.requested}`
  } else if (o.users === undefined || failed(o.users)) {
    why = `scan-method: auto, but the users could not be counted (${o.users && failed(o.users) ? o.users.error : 'not read'})`
  } else {
    method = o.users.complete && o.users.count <= o.autoReportAbove ? 'api' : 'credential-report'
    const count = o.users.complete ? `${o.users.count}` : `more than ${o.autoReportAbove}`
    why = `scan-method: auto, ${count} users (${method === 'api' ? `at most ${o.autoReportAbove}: every user read live` : `more than ${o.autoReportAbove}: the credential report chooses whom to read live`})`
  }
  const report = o.report
  let age = ''
  if (method === 'credential-report' && report) {
    if ('generatedAt' in report) {
      const ms = o.at.getTime() - report.generatedAt.getTime()
      const hours = Math.max(0, ms / 3_600_000)
      age =
        ms > REPORT_REUSE_MS
          ? ` The credential report is ${hours.toFixed(1)} h old (more than 4 h): the run has AWS generate a new one first.`
          : ` The credential report is ${hours.toFixed(1)} h old: the run reuses it.`
    } else if ('absent' in report) {
      age = ` No credential report yet (${report.absent}): the run has AWS generate one.`
    } else {
      age = ` The credential report could not be read: ${report.error}`
    }
  }
  if (!method || (report && failed(report))) {
    return {
      id: 'scan-method',
      title,
      status: 'warn',
      detail: `${why}.${age}`,
      fix: method
        ? 'See the permissions line: the report needs iam:GenerateCredentialReport and iam:GetCredentialReport.'
        : 'See the permissions line: counting users needs iam:ListUsers.'
    }
  }
  return {
    id: 'scan-method',
    title,
    status: 'pass',
    detail: `The run would use ${method} (${why}).${age}`
  }
}
