// The inputs that say how a run signs in to AWS: the role, the chain through member roles, the
// session's name, length and policies, and which accounts it may work in.
import type { ConnectionSettings, ProxySettings, RoleChain } from '../domain/settings.js'
import { ACCOUNT_ID } from '../domain/matrix.js'
import {
  AUDIENCE,
  CHAINED_SESSION_MAX_SECONDS,
  EXTERNAL_ID,
  INLINE_SESSION_POLICY_MAX_CHARS,
  MANAGED_SESSION_POLICIES_MAX,
  NO_PROXY_HOST,
  POLICY_ARN,
  PROXY_URL,
  REGION,
  ROLE_ARN,
  SESSION_NAME
} from './patterns.js'
import type { Reader } from './reader.js'

/** The sign-in inputs, read first and in this order (problems are listed in reading order). */
export function readConnection(
  r: Reader,
  env: NodeJS.ProcessEnv
): Omit<ConnectionSettings, 'iamMaxRps'> {
  const roleToAssume = r.optionalMatching(
    'role-to-assume',
    ROLE_ARN,
    'an IAM role ARN such as arn:aws:iam::123456789012:role/iam-key-sentinel'
  )
  const awsRegion = r.matching('aws-region', REGION, 'an AWS region name such as us-east-1')
  const audience = r.matching('audience', AUDIENCE, 'a non-empty audience without spaces')
  const roleSessionName =
    r.optionalMatching(
      'role-session-name',
      SESSION_NAME,
      "2 to 64 characters of letters, digits and '+=,.@_-'"
    ) ?? defaultSessionName(env)
  const roleDurationSeconds = r.wholeNumber('role-duration-seconds', 900, 43200)
  const roleChain = readRoleChain(r, roleToAssume, roleDurationSeconds)
  const sessionScope = readSessionScope(r, roleToAssume, roleChain)
  return {
    roleToAssume,
    awsRegion,
    audience,
    roleSessionName,
    roleDurationSeconds,
    ...(roleChain ? { roleChain } : {}),
    ...sessionScope,
    proxy: readProxy(r)
  }
}

/** http-proxy and no-proxy, named and meant as in aws-actions/configure-aws-credentials. */
function readProxy(r: Reader): ProxySettings {
  const httpProxy = r.optionalMatching(
    'http-proxy',
    PROXY_URL,
    'a proxy URL with its scheme, such as http://proxy.example.com:3128'
  )
  const noProxy = r.list(
    'no-proxy',
    NO_PROXY_HOST,
    'host names such as sts.amazonaws.com, host:port, .example.com (a domain and its subdomains) or *'
  )
  return { ...(httpProxy ? { httpProxy } : {}), noProxy }
}

function defaultSessionName(env: NodeJS.ProcessEnv): string {
  const run = [env.GITHUB_RUN_ID, env.GITHUB_RUN_ATTEMPT].filter(Boolean).join('-')
  return (run ? `iam-key-sentinel-${run}` : 'iam-key-sentinel').slice(0, 64)
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
): Pick<
  ConnectionSettings,
  'allowedAccountIds' | 'externalId' | 'sessionPolicies' | 'retryMaxAttempts'
> {
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
