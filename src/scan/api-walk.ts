// The API walk: every user (paginated), every key of each (paginated), then the last use of the
// keys that need it (src/domain/last-use-policy.ts). A failure on one user or key is recorded and
// the scan goes on.
import { accessKeyPages, lastUseOf, userNamePages } from '../aws/iam-read.js'
import type { IamClient } from '../aws/clients.js'
import { forEachLimit } from '../kit/concurrency.js'
import { errorMessage, hasAwsCode, wrapAwsError } from '../kit/errors.js'
import { isOkByAge, lastUseNeed, NOT_READ, OK_DETAIL_LIMIT } from '../domain/last-use-policy.js'
import type { AccessKey, LastUse, ScanError, Thresholds } from '../domain/types.js'

export interface ScanResult {
  userCount: number
  keys: AccessKey[]
  errors: ScanError[]
}

/**
 * User names, 1,000 a page. With `moreThan`, stops as soon as more than that many are seen
 * (`complete` false): how `auto` learns the account is large for one call.
 */
export async function listUserNames(
  iam: IamClient,
  moreThan = Infinity
): Promise<{ names: string[]; complete: boolean }> {
  const names: string[] = []
  const pageSize = Number.isFinite(moreThan) ? Math.min(1000, moreThan + 1) : 1000
  try {
    for await (const page of userNamePages(iam, pageSize)) {
      names.push(...page)
      if (names.length > moreThan) return { names, complete: false }
    }
  } catch (error) {
    throw wrapAwsError('Listing IAM users (iam:ListUsers)', 'iam:ListUsers', error)
  }
  return { names, complete: true }
}

export async function readLastUse(
  iam: IamClient,
  key: Pick<AccessKey, 'userName' | 'accessKeyId'>,
  errors: ScanError[]
): Promise<LastUse> {
  try {
    return await lastUseOf(iam, key.accessKeyId)
  } catch (error) {
    errors.push({
      scope: `${key.userName} ${key.accessKeyId}`,
      operation: 'iam:GetAccessKeyLastUsed',
      message: errorMessage(error)
    })
    return { kind: 'unknown' }
  }
}

/**
 * Keys of one user, last use not yet read. A user gone mid-scan (NoSuchEntity) has none here and
 * is passed to `onVanished`: it may have been renamed, which the caller must look into.
 */
export async function listUserKeys(
  iam: IamClient,
  userName: string,
  errors: ScanError[],
  onVanished: () => void = () => undefined
): Promise<AccessKey[]> {
  const keys: AccessKey[] = []
  try {
    for await (const page of accessKeyPages(iam, userName)) {
      for (const meta of page) {
        if (!meta.accessKeyId || !meta.createDate || !meta.status) {
          errors.push({
            scope: userName,
            operation: 'iam:ListAccessKeys',
            message: `AWS returned a key without ID, status or creation date (${meta.accessKeyId ?? 'no ID'}); it was skipped.`
          })
          continue
        }
        keys.push({
          userName,
          accessKeyId: meta.accessKeyId,
          status: meta.status === 'Active' ? 'Active' : 'Inactive',
          createDate: meta.createDate,
          lastUse: NOT_READ
        })
      }
    }
  } catch (error) {
    if (hasAwsCode(error, 'NoSuchEntity')) {
      onVanished()
      return []
    }
    errors.push({ scope: userName, operation: 'iam:ListAccessKeys', message: errorMessage(error) })
  }
  return keys
}

/**
 * ListAccessKeys for each user, `concurrency` at a time, keys in the users' order. A user gone
 * since it was listed may have been renamed: the users are listed again and any new name read,
 * so a rename never drops a key. Returns the users read, net of those gone.
 */
async function listKeysOfUsers(
  iam: IamClient,
  userNames: readonly string[],
  concurrency: number,
  errors: ScanError[]
): Promise<{ keys: AccessKey[]; userCount: number }> {
  const perUser: AccessKey[][] = new Array(userNames.length)
  let vanished = 0
  await forEachLimit(userNames, concurrency, async (userName, index) => {
    perUser[index] = await listUserKeys(iam, userName, errors, () => vanished++)
  })
  let userCount = userNames.length
  if (vanished > 0) {
    const again = await usersNotIn(iam, userNames)
    for (const userName of again) perUser.push(await listUserKeys(iam, userName, errors))
    userCount += again.length - vanished
  }
  return { keys: perUser.flat(), userCount }
}

/**
 * The users listed now that `known` lacks: where a user that vanished mid-scan (renamed, most
 * likely) went, so its keys are read under the new name rather than dropped.
 */
export async function usersNotIn(iam: IamClient, known: readonly string[]): Promise<string[]> {
  const seen = new Set(known)
  return (await listUserNames(iam)).names.filter((n) => !seen.has(n))
}

/** GetAccessKeyLastUsed for each key given, written into the key. */
async function readLastUses(
  iam: IamClient,
  keys: readonly AccessKey[],
  concurrency: number,
  errors: ScanError[]
): Promise<void> {
  await forEachLimit(keys, concurrency, async (key) => {
    key.lastUse = await readLastUse(iam, key, errors)
  })
}

export interface ApiScanOptions {
  thresholds: Thresholds
  /** The time the audit classifies at: the last-use policy must decide for the same instant. */
  at: Date
  /** Already listed (by auto's probe): saves listing the users again. */
  userNames?: readonly string[]
}

/**
 * The API walk. Without `options` every key's last use is read; with them, only what the
 * last-use policy asks for.
 */
export async function scanAccessKeys(
  iam: IamClient,
  concurrency: number,
  options?: ApiScanOptions
): Promise<ScanResult> {
  const userNames = options?.userNames ?? (await listUserNames(iam)).names
  const errors: ScanError[] = []
  const { keys, userCount } = await listKeysOfUsers(iam, userNames, concurrency, errors)
  let toRead: AccessKey[] = keys
  if (options) {
    const { at, thresholds: t } = options
    const detailOk = keys.filter((k) => isOkByAge(k, at, t)).length <= OK_DETAIL_LIMIT
    toRead = keys.filter((k) => lastUseNeed(k, at, t, detailOk) !== 'none')
  }
  await readLastUses(iam, toRead, concurrency, errors)
  return { userCount, keys, errors }
}
