// Whose is each leaked key: sts:GetAccessKeyInfo names the account of any access key ID, whatever
// its state, so a leak found in GitHub is routed to the account that can revoke it.
import type { StsClient } from '../aws/clients.js'
import { accessKeyAccount } from '../aws/sts.js'
import { errorMessage } from '../kit/errors.js'

export type KeyAccount = { accountId: string } | { error: string }

/** Each distinct key once, one at a time (a scheduled run has few; STS is not rushed). */
export async function keyAccounts(
  sts: StsClient,
  accessKeyIds: readonly string[]
): Promise<Map<string, KeyAccount>> {
  const owners = new Map<string, KeyAccount>()
  for (const id of new Set(accessKeyIds)) {
    try {
      const accountId = await accessKeyAccount(sts, id)
      owners.set(id, accountId ? { accountId } : { error: 'STS named no account' })
    } catch (error) {
      owners.set(id, { error: `sts:GetAccessKeyInfo failed: ${errorMessage(error)}` })
    }
  }
  return owners
}
