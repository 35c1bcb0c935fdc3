// GitHub OIDC → STS AssumeRoleWithWebIdentity, then optionally sts:AssumeRole role chaining (a hub
// role into a member account). The credentials stay inside the action: they are masked and
// handed to the SDK clients, never exported to the job. The runner's part (the OIDC token,
// masking, the log) is handed in by the entry (src/main.ts), so this stage never touches it.
import { stsClient, type AwsCredentials } from '../aws/clients.js'
import { isTransientStsError } from '../aws/errors.js'
import { retryMaxAttempts } from '../aws/network.js'
import { assumeRole, assumeRoleWithWebIdentity } from '../aws/sts.js'
import { ActionError, errorMessage } from '../kit/errors.js'
import type { Log, MaskSecret } from '../kit/log.js'
import { withRetry, type Backoff, type RetryOptions } from '../kit/retry.js'
import type { Sleep } from '../kit/sleep.js'
import type { SessionPolicies } from '../domain/settings.js'

export interface OidcSettings {
  roleToAssume: string
  audience: string
  roleSessionName: string
  roleDurationSeconds: number
  awsRegion: string
  sessionPolicies?: SessionPolicies
}

/** What signing in needs from the runner (src/deliver/runner.ts). */
export interface SignInRunner {
  getIdToken: (audience: string) => Promise<string>
  maskSecret: MaskSecret
  /** Where each failed attempt that is retried is told. */
  log: Log
}

/** How the token request and the STS calls are retried. */
export interface SignInRetry extends Backoff {
  sleep?: Sleep
}

/** retry-max-attempts tries in all, from a second apart. */
const stsRetry = (): SignInRetry => ({ attempts: retryMaxAttempts(), baseDelayMs: 1000 })

function retrying(
  what: string,
  runner: SignInRunner,
  retry: SignInRetry,
  retryable: (error: unknown) => boolean
): RetryOptions {
  return {
    what,
    log: runner.log,
    ...(retry.sleep ? { sleep: retry.sleep } : {}),
    backoff: (error) => (retryable(error) ? retry : undefined)
  }
}

const ID_TOKEN_PERMISSION_HINT =
  'Add `permissions: id-token: write` to the workflow or job that runs IAM Key Sentinel ' +
  '(without it GitHub gives the job no OIDC token).'

async function fetchIdToken(
  audience: string,
  runner: SignInRunner,
  retry: SignInRetry
): Promise<string> {
  if (!process.env.ACTIONS_ID_TOKEN_REQUEST_URL || !process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN) {
    throw new ActionError(
      'No GitHub OIDC token is available to this job.',
      ID_TOKEN_PERMISSION_HINT
    )
  }
  try {
    // Every failure is retried: the runner's token service answers no AWS codes to sort by.
    const options = retrying('Requesting the GitHub OIDC token', runner, retry, () => true)
    return await withRetry(() => runner.getIdToken(audience), options)
  } catch (error) {
    throw new ActionError(
      `Requesting the GitHub OIDC token failed: ${errorMessage(error)}`,
      ID_TOKEN_PERMISSION_HINT,
      { cause: error }
    )
  }
}

/**
 * The token's `sub` claim, read without verifying the token (STS does that): it only tells the
 * user which subject the trust policy must match. Undefined when the token is not a JWT.
 */
function tokenSubject(token: string): string | undefined {
  try {
    const payload: unknown = JSON.parse(
      Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')
    )
    const sub = (payload as { sub?: unknown } | null)?.sub
    return typeof sub === 'string' ? sub : undefined
  } catch {
    return undefined
  }
}

/** Masks the session before anything can log it. */
function masked(session: AwsCredentials | undefined, maskSecret: MaskSecret): AwsCredentials {
  if (!session?.sessionToken) throw new Error('STS answered without credentials')
  for (const secret of [session.accessKeyId, session.secretAccessKey, session.sessionToken]) {
    maskSecret(secret)
  }
  return session
}

/** The STS parameters of one role session. */
function sessionRequest(hop: {
  roleArn: string
  roleSessionName: string
  roleDurationSeconds: number
  sessionPolicies?: SessionPolicies
}) {
  return {
    roleArn: hop.roleArn,
    sessionName: hop.roleSessionName,
    durationSeconds: hop.roleDurationSeconds,
    policy: hop.sessionPolicies?.inline,
    policyArns: hop.sessionPolicies?.managedArns
  }
}

export interface ChainHop {
  roleArn: string
  roleSessionName: string
  roleDurationSeconds: number
  awsRegion: string
  /** role-external-id, for a role whose trust policy requires sts:ExternalId. */
  externalId?: string
  sessionPolicies?: SessionPolicies
}

/**
 * sts:AssumeRole into `hop.roleArn`, signed with `from.credentials` (undefined: the credentials
 * already in the job). `from.identity` names them in the error, since the fix is in a trust policy.
 */
export async function assumeRoleChained(
  hop: ChainHop,
  from: { credentials?: AwsCredentials; identity: string },
  runner: SignInRunner,
  retry: SignInRetry = stsRetry()
): Promise<AwsCredentials> {
  const sts = stsClient({ region: hop.awsRegion, credentials: from.credentials, signIn: true })
  try {
    const session = await withRetry(
      () => assumeRole(sts, { ...sessionRequest(hop), externalId: hop.externalId }),
      retrying(`sts:AssumeRole into ${hop.roleArn}`, runner, retry, isTransientStsError)
    )
    return masked(session, runner.maskSecret)
  } catch (error) {
    throw new ActionError(
      `Assuming ${hop.roleArn} with sts:AssumeRole from ${from.identity} failed: ${errorMessage(error)}`,
      `Check the trust policy of ${hop.roleArn}: it must allow sts:AssumeRole for ${from.identity} ` +
        `(for member accounts, deploy examples/aws/member-role-stackset.yml with HubRoleArn set to it), ` +
        `and ${from.identity} must be allowed sts:AssumeRole on ${hop.roleArn}. ` +
        (hop.externalId
          ? "If the trust policy requires sts:ExternalId, 'role-external-id' must equal it. "
          : '') +
        (hop.sessionPolicies
          ? 'The session policies must be valid policy documents of at most 2048 characters and existing managed policy ARNs. '
          : '') +
        `The role must exist in that account, and a chained session lasts at most one hour.`,
      { cause: error }
    )
  } finally {
    sts.destroy()
  }
}

export async function assumeRoleWithOidc(
  settings: OidcSettings,
  runner: SignInRunner,
  retry: SignInRetry = stsRetry()
): Promise<AwsCredentials> {
  const token = await fetchIdToken(settings.audience, runner, retry)
  runner.maskSecret(token)
  // Unsigned call: no credentials needed, and one attempt per try so retries do not multiply.
  const sts = stsClient({ region: settings.awsRegion, signIn: true })
  try {
    const session = await withRetry(
      () =>
        assumeRoleWithWebIdentity(sts, {
          ...sessionRequest({ ...settings, roleArn: settings.roleToAssume }),
          webIdentityToken: token
        }),
      retrying(
        `sts:AssumeRoleWithWebIdentity into ${settings.roleToAssume}`,
        runner,
        retry,
        isTransientStsError
      )
    )
    return masked(session, runner.maskSecret)
  } catch (error) {
    const sub = tokenSubject(token)
    throw new ActionError(
      `Assuming ${settings.roleToAssume} with the GitHub OIDC token failed: ${errorMessage(error)}`,
      `Check the role's trust policy: it must trust the token.actions.githubusercontent.com OIDC provider ` +
        `with "aud" = "${settings.audience}" and a "sub" condition matching this job's token` +
        (sub === undefined ? ' (repo:OWNER/REPO:...)' : `, "${sub}"`) +
        `, and allow sts:AssumeRoleWithWebIdentity. Repositories created or renamed since ` +
        `2026-07-15 get the immutable subject repo:OWNER@OWNER_ID/REPO@REPO_ID:... ` +
        `(examples/aws/iam-key-sentinel.yml: GitHubOrgId and GitHubRepoId). ` +
        `'role-duration-seconds' must not exceed the role's maximum session duration.`,
      { cause: error }
    )
  } finally {
    sts.destroy()
  }
}
