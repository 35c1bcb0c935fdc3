// The IAM calls that change keys and users (src/act), and the reads that check them: small typed
// functions, so the act stage never builds an SDK command and reads one shape of a live key.
import {
  CreateAccessKeyCommand,
  DeleteAccessKeyCommand,
  GetAccessKeyLastUsedCommand,
  GetRolePolicyCommand,
  GetUserPolicyCommand,
  paginateListAccessKeys,
  PutRolePolicyCommand,
  paginateListAttachedUserPolicies,
  PutUserPolicyCommand,
  TagUserCommand,
  UntagUserCommand,
  UpdateAccessKeyCommand,
  type IAMClient
} from '@aws-sdk/client-iam'
import { hasAwsCode } from '../kit/errors.js'
import type { KeyStatus } from '../domain/types.js'

// The client type act/ passes along, so that it need not import the SDK.
export type { IAMClient }

/** A key as IAM lists it right now. */
export interface LiveKey {
  /** Read as the scan reads it: anything but Active is Inactive. */
  status: KeyStatus
  /** Undefined only if IAM left it out, which a plan's key never matches. */
  createDate: Date | undefined
}

/**
 * The one re-read of a live key, before a change and to verify it: undefined when the user has
 * no such key (deleted). A user that no longer exists (renamed, deleted) throws NoSuchEntity.
 */
export async function readLiveKey(
  iam: IAMClient,
  userName: string,
  accessKeyId: string
): Promise<LiveKey | undefined> {
  for await (const page of paginateListAccessKeys({ client: iam }, { UserName: userName })) {
    const key = page.AccessKeyMetadata?.find((k) => k.AccessKeyId === accessKeyId)
    if (key)
      return { status: key.Status === 'Active' ? 'Active' : 'Inactive', createDate: key.CreateDate }
  }
  return undefined
}

/** The user a key belongs to: GetAccessKeyLastUsed names the user of any key in the account. */
export async function keyOwner(iam: IAMClient, accessKeyId: string): Promise<string | undefined> {
  const answer = await iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: accessKeyId }))
  return answer.UserName
}

/** Every key of a user as IAM lists it right now, by ID. */
export async function readLiveKeys(
  iam: IAMClient,
  userName: string
): Promise<(LiveKey & { accessKeyId: string })[]> {
  const keys: (LiveKey & { accessKeyId: string })[] = []
  for await (const page of paginateListAccessKeys({ client: iam }, { UserName: userName })) {
    for (const k of page.AccessKeyMetadata ?? []) {
      if (!k.AccessKeyId) continue
      const status = k.Status === 'Active' ? 'Active' : 'Inactive'
      keys.push({ accessKeyId: k.AccessKeyId, status, createDate: k.CreateDate })
    }
  }
  return keys
}

/**
 * iam:CreateAccessKey. The secret exists only in this answer: `mask` is called with it before
 * anything else happens, so no later log line can show it.
 */
export async function createAccessKey(
  iam: IAMClient,
  userName: string,
  mask: (secret: string) => void
): Promise<{ accessKeyId: string; secretAccessKey: string; createDate: Date }> {
  const answer = await iam.send(new CreateAccessKeyCommand({ UserName: userName }))
  const key = answer.AccessKey
  if (key?.SecretAccessKey) mask(key.SecretAccessKey)
  if (!key?.AccessKeyId || !key.SecretAccessKey)
    throw new Error('CreateAccessKey answered without the new key')
  return {
    accessKeyId: key.AccessKeyId,
    secretAccessKey: key.SecretAccessKey,
    createDate: key.CreateDate ?? new Date()
  }
}

export async function setKeyStatus(
  iam: IAMClient,
  key: { userName: string; accessKeyId: string },
  status: KeyStatus
): Promise<void> {
  await iam.send(
    new UpdateAccessKeyCommand({
      UserName: key.userName,
      AccessKeyId: key.accessKeyId,
      Status: status
    })
  )
}

export async function deleteKey(
  iam: IAMClient,
  key: { userName: string; accessKeyId: string }
): Promise<void> {
  await iam.send(
    new DeleteAccessKeyCommand({ UserName: key.userName, AccessKeyId: key.accessKeyId })
  )
}

/** Sets one tag on a user, replacing its value if the key is there. */
export async function tagUser(
  iam: IAMClient,
  userName: string,
  key: string,
  value: string
): Promise<void> {
  await iam.send(new TagUserCommand({ UserName: userName, Tags: [{ Key: key, Value: value }] }))
}

export async function untagUser(
  iam: IAMClient,
  userName: string,
  keys: string | readonly string[]
): Promise<void> {
  const TagKeys = typeof keys === 'string' ? [keys] : [...keys]
  await iam.send(new UntagUserCommand({ UserName: userName, TagKeys }))
}

export async function putUserPolicy(
  iam: IAMClient,
  userName: string,
  policyName: string,
  document: string
): Promise<void> {
  await iam.send(
    new PutUserPolicyCommand({
      UserName: userName,
      PolicyName: policyName,
      PolicyDocument: document
    })
  )
}

/**
 * An inline policy's document as stored (IAM returns it URL-encoded), or undefined when IAM does
 * not have it (NoSuchEntity: not there, or not visible yet).
 */
export async function readUserPolicy(
  iam: IAMClient,
  userName: string,
  policyName: string
): Promise<string | undefined> {
  try {
    const answer = await iam.send(
      new GetUserPolicyCommand({ UserName: userName, PolicyName: policyName })
    )
    return decodeURIComponent(answer.PolicyDocument ?? '')
  } catch (error) {
    if (hasAwsCode(error, 'NoSuchEntity')) return undefined
    throw error
  }
}

export async function putRolePolicy(
  iam: IAMClient,
  roleName: string,
  policyName: string,
  document: string
): Promise<void> {
  await iam.send(
    new PutRolePolicyCommand({
      RoleName: roleName,
      PolicyName: policyName,
      PolicyDocument: document
    })
  )
}

/**
 * A role's inline policy as stored (decoded), or undefined when IAM does not have it: no such
 * policy, or no such role (both NoSuchEntity; the write that follows tells them apart).
 */
export async function readRolePolicy(
  iam: IAMClient,
  roleName: string,
  policyName: string
): Promise<string | undefined> {
  try {
    const answer = await iam.send(
      new GetRolePolicyCommand({ RoleName: roleName, PolicyName: policyName })
    )
    return decodeURIComponent(answer.PolicyDocument ?? '')
  } catch (error) {
    if (hasAwsCode(error, 'NoSuchEntity')) return undefined
    throw error
  }
}

/** The ARNs of the managed policies attached to a user (ListAttachedUserPolicies, every page). */
export async function attachedPolicyArns(iam: IAMClient, userName: string): Promise<string[]> {
  const arns: string[] = []
  for await (const page of paginateListAttachedUserPolicies(
    { client: iam },
    { UserName: userName }
  )) {
    for (const policy of page.AttachedPolicies ?? [])
      if (policy.PolicyArn) arns.push(policy.PolicyArn)
  }
  return arns
}
