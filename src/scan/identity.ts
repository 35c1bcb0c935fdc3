// Whose account the credentials are for, and its alias: read once, before the scan.
import { accountAlias } from '../aws/iam-read.js'
import { callerAccount } from '../aws/sts.js'
import type { IamClient, StsClient } from '../aws/clients.js'
import { wrapAwsError } from '../kit/errors.js'

export async function readAccountId(sts: StsClient): Promise<string> {
  try {
    const account = await callerAccount(sts)
    if (!account) throw new Error('GetCallerIdentity returned no account')
    return account
  } catch (error) {
    throw wrapAwsError(
      'Reading the AWS account ID (sts:GetCallerIdentity)',
      'sts:GetCallerIdentity',
      error
    )
  }
}

/** Best effort: the alias only decorates the report, so a denial is not an error. */
export async function readAccountAlias(iam: IamClient): Promise<string | undefined> {
  try {
    return await accountAlias(iam)
  } catch {
    return undefined
  }
}
