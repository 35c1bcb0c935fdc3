// allowed-account-ids, as in aws-actions/configure-aws-credentials: the action refuses to do
// anything in an account not listed. Checked right after sts:GetCallerIdentity, before any other
// read, with the credentials the run works with (after role chaining: the member account).
import { stsClient, type AwsCredentials } from '../aws/clients.js'
import { ActionError } from '../kit/errors.js'
import { readAccountId } from '../scan/identity.js'

export function assertAllowedAccount(accountId: string, allowed: readonly string[]): void {
  if (allowed.length === 0 || allowed.includes(accountId)) return
  throw new ActionError(
    `The AWS credentials are for account ${accountId}, which 'allowed-account-ids' does not list ` +
      `(${allowed.join(', ')}): nothing was read or changed.`,
    `Check 'role-to-assume', 'member-role-arn' and the credentials in the job, or add ${accountId} to ` +
      "'allowed-account-ids' if this account is meant to be audited."
  )
}

/**
 * For the organization modes, which need no account ID of their own: one sts:GetCallerIdentity
 * when allowed-account-ids is set, none otherwise.
 */
export async function verifyAllowedAccount(
  allowed: readonly string[],
  region: string,
  credentials: AwsCredentials | undefined
): Promise<void> {
  if (allowed.length === 0) return
  const sts = stsClient({ region, credentials })
  try {
    assertAllowedAccount(await readAccountId(sts), allowed)
  } finally {
    sts.destroy()
  }
}
