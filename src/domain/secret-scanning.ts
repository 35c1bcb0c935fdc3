// GitHub secret scanning as a source of exposed keys: the alerts it raises for AWS access key
// IDs, and what a run did with each of them.

/**
 * The secret type asked for. GitHub's supported-patterns table lists AWS's long-term key as one
 * paired pattern, `aws_access_key_id` with `aws_secret_access_key`, whose alert carries the
 * access key ID as its secret; that is the only type an IAM user's key can be revoked from.
 * `aws_temporary_access_key_id` (ASIA… session keys) names no IAM key and is not asked for.
 */
export const AWS_KEY_SECRET_TYPES = ['aws_access_key_id'] as const

export type SecretScanningScope = 'repository' | 'organization'

/** One open alert as the run read it. */
export interface LeakAlert {
  number: number
  /** `owner/repo` of the repository the secret was found in. */
  repository: string
  htmlUrl: string
  secretType: string
  /** The access key ID, when the alert's secret is one (AKIA + 16). */
  accessKeyId?: string
}

export type AlertOutcome =
  /** The key was revoked (or found gone) and verified; the alert is resolved as revoked. */
  | 'resolved'
  /** Dry run: it would be resolved after the revocation. */
  | 'would-resolve'
  /** The key belongs to another account: listed for that account's run, the alert left open. */
  | 'other-account'
  /** The key is this account's but its revocation was not verified: the alert stays open. */
  | 'left-open'
  /** The key was revoked, but GitHub refused to resolve the alert. */
  | 'resolve-failed'
  /** The alert's secret is not an access key ID, or STS could not say whose key it is. */
  | 'needs-person'

export interface AlertResult extends LeakAlert {
  /** From sts:GetAccessKeyInfo. */
  accountId?: string
  outcome: AlertOutcome
  detail?: string
}

/** The keys of other accounts, by account, as a matrix for a job per account. */
export interface OtherAccountKeys {
  include: { 'account-id': string; 'access-key-ids': string }[]
}

export function otherAccountKeys(results: readonly AlertResult[]): OtherAccountKeys {
  const byAccount = new Map<string, Set<string>>()
  for (const r of results) {
    if (r.outcome !== 'other-account' || !r.accountId || !r.accessKeyId) continue
    const keys = byAccount.get(r.accountId) ?? new Set<string>()
    keys.add(r.accessKeyId)
    byAccount.set(r.accountId, keys)
  }
  return {
    include: [...byAccount.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([accountId, keys]) => ({
        'account-id': accountId,
        'access-key-ids': [...keys].sort().join(',')
      }))
  }
}
