// STS: web identity federation, role chaining, caller identity.
import { randomBytes } from 'node:crypto'
import { sessionCaller } from './callers.js'
import type { Ctx, QueryHandler, Session, State } from './context.js'
import { AwsError, constraintError, validationError } from './errors.js'
import { optionalInt, required } from './query-protocol.js'
import { parseSessionPolicy } from './session-policy.js'
import type { FakeAccount } from './types.js'
import { isRecord, randomChars, SECRET_CHARS, UPPER_ALNUM, wholeSeconds } from './util.js'
import type { XmlFields } from './xml.js'

const ROLE_ARN = /^arn:aws[\w-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/
const SESSION_NAME = /^[\w+=,.@-]*$/
const CHAINED_MAX_SECONDS = 3600

function validateSessionName(name: string): void {
  if (name.length < 2) {
    throw constraintError(
      'roleSessionName',
      name,
      'Member must have length greater than or equal to 2'
    )
  }
  if (name.length > 64) {
    throw constraintError(
      'roleSessionName',
      name,
      'Member must have length less than or equal to 64'
    )
  }
  if (!SESSION_NAME.test(name)) {
    throw constraintError(
      'roleSessionName',
      name,
      'Member must satisfy regular expression pattern: [\\w+=,.@-]*'
    )
  }
}

function requireRoleArn(ctx: Ctx): string {
  const roleArn = required(ctx, 'RoleArn')
  if (!ROLE_ARN.test(roleArn)) throw validationError(`${roleArn} is invalid`)
  return roleArn
}

function sessionDuration(ctx: Ctx, limit: number, tooLong: string): number {
  const seconds = optionalInt(ctx, 'DurationSeconds', 900, 43200) ?? 3600
  if (seconds > limit) throw validationError(tooLong)
  return seconds
}

function roleOwner(state: State, roleArn: string): FakeAccount | undefined {
  return state.accounts.find((a) => (a.roles ?? []).includes(roleArn))
}

/** Policy and PolicyArns.member.N.arn of an AssumeRole* call. */
function sessionPolicyParams(ctx: Ctx): Pick<Session, 'policy' | 'policyArns'> {
  const text = ctx.params.Policy
  const policyArns = Object.keys(ctx.params)
    .filter((k) => /^PolicyArns\.member\.\d+\.arn$/.test(k))
    .sort((a, b) => Number(a.split('.')[2]) - Number(b.split('.')[2]))
    .map((k) => ctx.params[k] as string)
  return { ...(text === undefined ? {} : { policy: parseSessionPolicy(text) }), policyArns }
}

/** Fresh credentials, remembered so later calls signed with them act in the role's account. */
function issueSession(
  state: State,
  account: FakeAccount,
  roleArn: string,
  sessionName: string,
  seconds: number,
  scope: Pick<Session, 'policy' | 'policyArns'> = { policyArns: [] }
): Session {
  const session: Session = {
    ...scope,
    accessKeyId: `ASIA${randomChars(UPPER_ALNUM, 16)}`,
    secretAccessKey: randomChars(SECRET_CHARS, 40),
    sessionToken: `IQoJb3JpZ2luX2Vj${randomBytes(180).toString('base64')}`,
    expiration: wholeSeconds(Date.now() + seconds * 1000),
    issuedAt: new Date(),
    account,
    roleArn,
    sessionName
  }
  state.sessions.set(session.accessKeyId, session)
  return session
}

function sessionFields(session: Session): XmlFields {
  const caller = sessionCaller(session)
  return {
    Credentials: {
      AccessKeyId: session.accessKeyId,
      SecretAccessKey: session.secretAccessKey,
      SessionToken: session.sessionToken,
      Expiration: session.expiration
    },
    AssumedRoleUser: { AssumedRoleId: caller.userId, Arn: caller.arn }
  }
}

const invalidToken = (message: string): AwsError =>
  new AwsError(400, 'InvalidIdentityToken', message)

/** STS reads the claims of a JWT without our having to sign it: header.payload.signature. */
function jwtClaims(token: string): Record<string, unknown> {
  const parts = token.split('.')
  const notJwt =
    'The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)'
  if (parts.length !== 3 || !parts.every((p) => /^[A-Za-z0-9_-]+$/.test(p))) {
    throw invalidToken(notJwt)
  }
  try {
    const claims: unknown = JSON.parse(Buffer.from(parts[1] ?? '', 'base64url').toString('utf8'))
    if (isRecord(claims)) return claims
  } catch {
    // Reported below.
  }
  throw invalidToken(notJwt)
}

function checkClaims(claims: Record<string, unknown>, audience: string): void {
  const aud = claims.aud
  const audiences = Array.isArray(aud) ? aud : [aud]
  if (!audiences.includes(audience)) throw invalidToken('Incorrect token audience')
  const exp = claims.exp
  if (typeof exp === 'number' && exp * 1000 <= Date.now()) {
    const now = new Date().toISOString()
    const at = new Date(exp * 1000).toISOString()
    throw new AwsError(
      400,
      'ExpiredTokenException',
      `Token expired: current date/time ${now} must be before the expiration date/time ${at}`
    )
  }
}

function assumeRoleWithWebIdentity(ctx: Ctx): XmlFields {
  const roleArn = requireRoleArn(ctx)
  const sessionName = required(ctx, 'RoleSessionName')
  validateSessionName(sessionName)
  const max = ctx.state.options.maxSessionDurationSeconds
  const seconds = sessionDuration(
    ctx,
    max,
    'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.'
  )
  const claims = jwtClaims(required(ctx, 'WebIdentityToken'))
  checkClaims(claims, ctx.state.options.expectedAudience)
  const account = roleOwner(ctx.state, roleArn)
  if (!account) {
    throw new AwsError(
      403,
      'AccessDenied',
      'Not authorized to perform sts:AssumeRoleWithWebIdentity'
    )
  }
  const scope = sessionPolicyParams(ctx)
  const session = issueSession(ctx.state, account, roleArn, sessionName, seconds, scope)
  return {
    ...sessionFields(session),
    SubjectFromWebIdentityToken: stringClaim(claims.sub),
    Provider: stringClaim(claims.iss),
    Audience: ctx.state.options.expectedAudience
  }
}

const stringClaim = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : undefined

/** Role chaining: a role session may assume another role, for at most one hour. */
function assumeRole(ctx: Ctx): XmlFields {
  const roleArn = requireRoleArn(ctx)
  const sessionName = required(ctx, 'RoleSessionName')
  validateSessionName(sessionName)
  const chained = ctx.caller.session !== undefined
  const max = chained ? CHAINED_MAX_SECONDS : ctx.state.options.maxSessionDurationSeconds
  const tooLong = chained
    ? 'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.'
    : 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.'
  const seconds = sessionDuration(ctx, max, tooLong)
  const account = roleOwner(ctx.state, roleArn)
  if (!account) {
    const message = `User: ${ctx.caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`
    throw new AwsError(403, 'AccessDenied', message)
  }
  const scope = sessionPolicyParams(ctx)
  return sessionFields(issueSession(ctx.state, account, roleArn, sessionName, seconds, scope))
}

function getCallerIdentity(ctx: Ctx): XmlFields {
  const { caller } = ctx
  return { UserId: caller.userId, Account: caller.account.accountId, Arn: caller.arn }
}

const ACCESS_KEY_ID = /^[\w]{16,128}$/

/**
 * sts:GetAccessKeyInfo answers the account of any key it knows: a user's key in any modelled
 * account (the caller's or not), a session the fake issued, or a key deleted since (STS does
 * not say whether a key is active, inactive or deleted). A key ID the fake never saw answers
 * an error: AWS documents that a deleted key "might return an error that the key doesn't
 * exist" without naming its code, so the code here is the fake's choice.
 */
function getAccessKeyInfo(ctx: Ctx): XmlFields {
  const accessKeyId = required(ctx, 'AccessKeyId')
  if (!ACCESS_KEY_ID.test(accessKeyId)) {
    throw constraintError(
      'accessKeyId',
      accessKeyId,
      'Member must satisfy regular expression pattern: [\\w]*'
    )
  }
  const owner =
    ctx.state.accounts.find((a) =>
      a.users.some((u) => u.keys.some((k) => k.accessKeyId === accessKeyId))
    ) ??
    ctx.state.sessions.get(accessKeyId)?.account ??
    ctx.state.accounts.find((a) => ctx.state.deletedKeys.get(accessKeyId) === a.accountId)
  if (!owner) {
    throw new AwsError(400, 'InvalidParameterValue', `The access key ${accessKeyId} does not exist`)
  }
  return { Account: owner.accountId }
}

export const STS_HANDLERS: Record<string, QueryHandler> = {
  AssumeRoleWithWebIdentity: assumeRoleWithWebIdentity,
  AssumeRole: assumeRole,
  GetCallerIdentity: getCallerIdentity,
  GetAccessKeyInfo: getAccessKeyInfo
}
