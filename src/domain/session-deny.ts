// The revoke-older-sessions deny: one document for a user and a role. It is the policy AWS's
// console attaches when it revokes a role's active sessions (Deny every action when
// aws:TokenIssueTime is before an instant), so temporary credentials issued before it stop
// working while long-term keys, which carry no token issue time, and later sessions keep theirs.

/** The inline policy on the exposed key's user. */
export const USER_DENY_POLICY_NAME = 'iam-key-sentinel-revoke-older-sessions'

/**
 * The inline policy on a role the key reached: the name AWS's console uses, so a later "Revoke
 * active sessions" in the console replaces it with its own, later cutoff instead of adding one.
 */
export const ROLE_DENY_POLICY_NAME = 'AWSRevokeOlderSessions'

/**
 * How long the deny must stay: the longest a session the key could have minted lives. Sessions
 * from GetSessionToken last up to 36 hours, role sessions up to 12 hours (one hour when chained).
 */
export const DENY_KEEP_HOURS = 36

/** Deny everything to sessions issued before `before`: temporary credentials outlive a deleted key. */
export function revokeOlderSessionsPolicy(before: Date): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'IamKeySentinelRevokeOlderSessions',
        Effect: 'Deny',
        Action: '*',
        Resource: '*',
        Condition: { DateLessThan: { 'aws:TokenIssueTime': before.toISOString() } }
      }
    ]
  })
}

/** A value as one single-quoted shell word. */
export function shellWord(value: string): string {
  return /^[\w+=,.@/:-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`
}
