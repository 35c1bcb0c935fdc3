// The STS calls: whose credentials these are, and the role assumptions of signing in. Each
// returns plain values; the caller wraps failures with what to check.
import {
  AssumeRoleCommand,
  AssumeRoleWithWebIdentityCommand,
  GetAccessKeyInfoCommand,
  GetCallerIdentityCommand,
  type Credentials
} from '@aws-sdk/client-sts'
import type { AwsCredentials, StsClient } from './clients.js'

/** sts:GetCallerIdentity's account; undefined when STS names none. */
export async function callerAccount(sts: StsClient): Promise<string | undefined> {
  return (await sts.send(new GetCallerIdentityCommand({}))).Account
}

/**
 * sts:GetAccessKeyInfo: the account an access key ID belongs to, whatever the key's state
 * (active, inactive or deleted; STS says a deleted key may instead answer an error). Needs the
 * sts:GetAccessKeyInfo permission, unlike GetCallerIdentity.
 */
export async function accessKeyAccount(
  sts: StsClient,
  accessKeyId: string
): Promise<string | undefined> {
  return (await sts.send(new GetAccessKeyInfoCommand({ AccessKeyId: accessKeyId }))).Account
}

export interface RoleSessionRequest {
  roleArn: string
  sessionName: string
  durationSeconds: number
  /** A session policy document (JSON), for a session scoped below its role. */
  policy?: string
  /** Managed session policies, by ARN. */
  policyArns?: readonly string[]
}

function sessionParameters(request: RoleSessionRequest) {
  return {
    RoleArn: request.roleArn,
    RoleSessionName: request.sessionName,
    DurationSeconds: request.durationSeconds,
    ...(request.policy ? { Policy: request.policy } : {}),
    ...(request.policyArns?.length
      ? { PolicyArns: request.policyArns.map((arn) => ({ arn })) }
      : {})
  }
}

/** The session, or undefined when STS answered without all of its parts. */
function session(c: Credentials | undefined): AwsCredentials | undefined {
  if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken) return undefined
  return {
    accessKeyId: c.AccessKeyId,
    secretAccessKey: c.SecretAccessKey,
    sessionToken: c.SessionToken,
    expiration: c.Expiration
  }
}

/** sts:AssumeRole, signed with the client's credentials. */
export async function assumeRole(
  sts: StsClient,
  request: RoleSessionRequest & { externalId?: string }
): Promise<AwsCredentials | undefined> {
  const { externalId } = request
  const answer = await sts.send(
    new AssumeRoleCommand({
      ...sessionParameters(request),
      ...(externalId ? { ExternalId: externalId } : {})
    })
  )
  return session(answer.Credentials)
}

/** sts:AssumeRoleWithWebIdentity: unsigned, the token is the proof. */
export async function assumeRoleWithWebIdentity(
  sts: StsClient,
  request: RoleSessionRequest & { webIdentityToken: string }
): Promise<AwsCredentials | undefined> {
  const answer = await sts.send(
    new AssumeRoleWithWebIdentityCommand({
      ...sessionParameters(request),
      WebIdentityToken: request.webIdentityToken
    })
  )
  return session(answer.Credentials)
}

/** sts:GetCallerIdentity's account and ARN (an assumed-role, user or root ARN). */
export async function callerIdentity(sts: StsClient): Promise<{ account?: string; arn?: string }> {
  const answer = await sts.send(new GetCallerIdentityCommand({}))
  return { account: answer.Account, arn: answer.Arn }
}
