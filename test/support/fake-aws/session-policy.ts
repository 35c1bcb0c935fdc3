// Session policies: just enough of IAM's evaluation for an inline session policy. A session can
// do what its role allows (everything, here) and its session policy allows; an explicit Deny
// wins. Actions match with IAM's '*' and '?' wildcards, case-insensitively; Resource and
// Condition are not evaluated (the tests' policies use "*").
import type { Caller, SessionPolicy, SessionPolicyStatement } from './context.js'
import { AwsError } from './errors.js'
import type { AwsService } from './types.js'
import { isRecord } from './util.js'

const actionPattern = (glob: string): RegExp =>
  new RegExp(
    `^${glob
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    'i'
  )

export function parseSessionPolicy(text: string): SessionPolicy {
  // STS counts the packed policy; over 2048 characters it answers PackedPolicyTooLarge.
  if (text.length > 2048) {
    throw new AwsError(400, 'PackedPolicyTooLarge', 'Serialized policy is too large.')
  }
  const malformed = new AwsError(400, 'MalformedPolicyDocument', 'The policy is not valid JSON.')
  let document: unknown
  try {
    document = JSON.parse(text)
  } catch {
    throw malformed
  }
  const statements = isRecord(document) ? document.Statement : undefined
  const list = Array.isArray(statements) ? statements : isRecord(statements) ? [statements] : []
  if (list.length === 0) throw malformed
  return list.map((statement: unknown) => {
    if (!isRecord(statement) || (statement.Effect !== 'Allow' && statement.Effect !== 'Deny')) {
      throw malformed
    }
    const actions = Array.isArray(statement.Action) ? statement.Action : [statement.Action]
    if (!actions.every((a): a is string => typeof a === 'string')) throw malformed
    return { effect: statement.Effect, actions: actions.map(actionPattern) }
  })
}

/** Throws IAM's AccessDenied when the session's inline policy does not allow `action`. */
export function checkSessionPolicy(caller: Caller, service: AwsService, action: string): void {
  const policy = caller.session?.policy
  if (!policy) return
  const name = `${service}:${action}`
  const matches = (s: SessionPolicyStatement): boolean => s.actions.some((a) => a.test(name))
  const denied = policy.some((s) => s.effect === 'Deny' && matches(s))
  if (!denied && policy.some((s) => s.effect === 'Allow' && matches(s))) return
  const message = denied
    ? `User: ${caller.arn} is not authorized to perform: ${name} with an explicit deny in a session policy`
    : `User: ${caller.arn} is not authorized to perform: ${name} because no session policy allows the ${name} action`
  throw new AwsError(403, 'AccessDenied', message)
}

/**
 * A role's revoke-older-sessions deny, as IAM evaluates it: an inline role policy denying every
 * action (Action "*") when aws:TokenIssueTime is before its date ends each session issued earlier.
 */
export function checkRevokedSession(caller: Caller): void {
  const session = caller.session
  if (!session) return
  const roleName = session.roleArn.split('/').pop() ?? ''
  const policies = Object.values(session.account.rolePolicies?.[roleName] ?? {})
  for (const text of policies) {
    const document: unknown = JSON.parse(text)
    const statements = isRecord(document) ? document.Statement : undefined
    for (const s of Array.isArray(statements) ? statements : [statements]) {
      if (!isRecord(s) || s.Effect !== 'Deny' || ![s.Action].flat().includes('*')) continue
      const condition = isRecord(s.Condition) ? s.Condition.DateLessThan : undefined
      const cutoff = isRecord(condition) ? condition['aws:TokenIssueTime'] : undefined
      if (typeof cutoff === 'string' && session.issuedAt.getTime() < Date.parse(cutoff)) {
        throw new AwsError(
          403,
          'AccessDenied',
          `User: ${caller.arn} is not authorized to perform this action with an explicit deny in an identity-based policy`
        )
      }
    }
  }
}
