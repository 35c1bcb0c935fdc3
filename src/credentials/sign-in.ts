// GitHub OIDC → STS AssumeRoleWithWebIdentity, then optionally sts:AssumeRole role chaining (a hub
// role into a member account). The credentials stay inside the action: they are masked and
// handed to the SDK clients, never exported to the job.
import * as core from '@actions/core'
import {
  AssumeRoleCommand,
  AssumeRoleWithWebIdentityCommand,
  STSClient,
  type Credentials
} from '@aws-sdk/client-sts'
import type { AwsCredentialIdentity } from '@aws-sdk/types'
import { awsClientConfig, retryMaxAttempts } from '../aws/network.js'
import { ActionError, awsErrorCode, errorMessage, hasAwsCode } from '../kit/errors.js'
import { withRetry, type RetryOptions } from '../kit/retry.js'

/**
 * Session policies (inline-session-policy, managed-session-policies): the session can do only
 * what both the role's policies and these allow, so a run can be scoped below its role.
 */
export interface SessionPolicies {
  /** A JSON policy document, minified. */
  inline?: string
  managedArns: string[]
}

export interface OidcSettings {
  roleToAssume: string
  audience: string
  roleSessionName: string
  roleDurationSeconds: number
  awsRegion: string
  sessionPolicies?: SessionPolicies
}

/** The STS parameters of session policies; none when there are none. */
function policyParameters(policies: SessionPolicies | undefined): {
  Policy?: string
  PolicyArns?: { arn: string }[]
} {
  return {
    ...(policies?.inline ? { Policy: policies.inline } : {}),
    ...(policies && policies.managedArns.length > 0
      ? { PolicyArns: policies.managedArns.map((arn) => ({ arn })) }
      : {})
  }
}

/** One attempt per send, so the retry around it is the only one (retry-max-attempts). */
const stsClient = (region: string, credentials?: AwsCredentialIdentity): STSClient =>
  new STSClient({ region, credentials, ...awsClientConfig({ maxAttempts: 1 }) })

const stsRetry = (): RetryOptions => ({
  attempts: retryMaxAttempts(),
  baseDelayMs: 1000,
  isRetryable: isTransientStsError
})

export const ID_TOKEN_PERMISSION_HINT =
  'Add `permissions: id-token: write` to the workflow or job that runs IAM Key Sentinel ' +
  '(without it GitHub gives the job no OIDC token).'

// Codes STS returns for problems that go away on their own.
const TRANSIENT_STS = [
  'IDPCommunicationError',
  'Throttling',
  'RequestTimeout',
  'ServiceUnavailable',
  'InternalFailure',
  'InternalError'
]

export function isTransientStsError(error: unknown): boolean {
  const e = error as { $metadata?: { httpStatusCode?: number }; $retryable?: unknown }
  const status = e?.$metadata?.httpStatusCode
  if (e?.$retryable || (status !== undefined && status >= 500)) return true
  const code = awsErrorCode(error)
  // No AWS code at all means the request never got an AWS answer: a network failure.
  return code === undefined ? error instanceof Error : hasAwsCode(error, ...TRANSIENT_STS)
}

export async function fetchIdToken(audience: string, retry: RetryOptions): Promise<string> {
  if (!process.env.ACTIONS_ID_TOKEN_REQUEST_URL || !process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN) {
    throw new ActionError(
      'No GitHub OIDC token is available to this job.',
      ID_TOKEN_PERMISSION_HINT
    )
  }
  try {
    return await withRetry(() => core.getIDToken(audience), retry)
  } catch (error) {
    throw new ActionError(
      `Requesting the GitHub OIDC token failed: ${errorMessage(error)}`,
      ID_TOKEN_PERMISSION_HINT,
      { cause: error }
    )
  }
}

/** Masks the session before anything can log it. */
function masked(c: Credentials | undefined): AwsCredentialIdentity {
  if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken) {
    throw new Error('STS answered without credentials')
  }
  core.setSecret(c.AccessKeyId)
  core.setSecret(c.SecretAccessKey)
  core.setSecret(c.SessionToken)
  return {
    accessKeyId: c.AccessKeyId,
    secretAccessKey: c.SecretAccessKey,
    sessionToken: c.SessionToken,
    expiration: c.Expiration
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
  from: { credentials?: AwsCredentialIdentity; identity: string },
  retry: RetryOptions = stsRetry()
): Promise<AwsCredentialIdentity> {
  const sts = stsClient(hop.awsRegion, from.credentials)
  try {
    const answer = await withRetry(
      () =>
        sts.send(
          new AssumeRoleCommand({
            RoleArn: hop.roleArn,
            RoleSessionName: hop.roleSessionName,
            DurationSeconds: hop.roleDurationSeconds,
            ...(hop.externalId ? { ExternalId: hop.externalId } : {}),
            ...policyParameters(hop.sessionPolicies)
          })
        ),
      retry
    )
    return masked(answer.Credentials)
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
  retry: RetryOptions = stsRetry()
): Promise<AwsCredentialIdentity> {
  const token = await fetchIdToken(settings.audience, { ...retry, isRetryable: () => true })
  core.setSecret(token)
  // Unsigned call: no credentials needed, and one attempt per try so retries do not multiply.
  const sts = stsClient(settings.awsRegion)
  try {
    const answer = await withRetry(
      () =>
        sts.send(
          new AssumeRoleWithWebIdentityCommand({
            RoleArn: settings.roleToAssume,
            RoleSessionName: settings.roleSessionName,
            WebIdentityToken: token,
            DurationSeconds: settings.roleDurationSeconds,
            ...policyParameters(settings.sessionPolicies)
          })
        ),
      retry
    )
    return masked(answer.Credentials)
  } catch (error) {
    throw new ActionError(
      `Assuming ${settings.roleToAssume} with the GitHub OIDC token failed: ${errorMessage(error)}`,
      `Check the role's trust policy: it must trust the token.actions.githubusercontent.com OIDC provider ` +
        `with "aud" = "${settings.audience}" and a "sub" condition matching this repository ` +
        `(repo:OWNER/REPO:...), and allow sts:AssumeRoleWithWebIdentity; ` +
        `'role-duration-seconds' must not exceed the role's maximum session duration.`,
      { cause: error }
    )
  } finally {
    sts.destroy()
  }
}
