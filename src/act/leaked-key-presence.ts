// Whether a leaked key of this account still exists, before anything is revoked: a key already
// deleted is verified gone (IAM answers NoSuchEntity for it, or its user no longer lists it), so
// its alert can be resolved with no new work.
import { keyOwner, readLiveKey, type IAMClient } from '../aws/iam-writes.js'
import { errorMessage, hasAwsCode } from '../kit/errors.js'

export type KeyPresence = { present: true } | { gone: string } | { error: string }

export async function keyPresence(iam: IAMClient, accessKeyId: string): Promise<KeyPresence> {
  let userName: string | undefined
  try {
    userName = await keyOwner(iam, accessKeyId)
  } catch (error) {
    if (hasAwsCode(error, 'NoSuchEntity')) {
      return { gone: 'IAM has no such key in this account (already deleted).' }
    }
    return { error: `Looking the key up failed: ${errorMessage(error)}` }
  }
  if (!userName) return { error: 'IAM did not name the key’s user.' }
  try {
    const live = await readLiveKey(iam, userName, accessKeyId)
    return live ? { present: true } : { gone: `${userName} no longer has the key (deleted).` }
  } catch (error) {
    if (hasAwsCode(error, 'NoSuchEntity')) return { gone: `Its user ${userName} is gone.` }
    return { error: `Listing the keys of ${userName} failed: ${errorMessage(error)}` }
  }
}
