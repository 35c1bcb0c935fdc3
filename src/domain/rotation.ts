// Rotation: where each user's new key goes (the rotation map, read from a reviewed file in the
// repository, never from IAM tags), the settings of action: rotate, and what a run did to each
// rotation, as the reports carry it. Types and the wording of a destination; no I/O.
import type { ChangeResult } from './changes.js'
import { isIamName } from './iam-name.js'

/** GitHub Actions secret names the pair is written to. */
export interface SecretNames {
  accessKeyId: string
  secretAccessKey: string
}

export const DEFAULT_SECRET_NAMES: SecretNames = {
  accessKeyId: 'AWS_ACCESS_KEY_ID',
  secretAccessKey: 'AWS_SECRET_ACCESS_KEY'
}

export type RotationDestination =
  | { kind: 'github-repository'; owner: string; repo: string; names: SecretNames }
  | {
      kind: 'github-environment'
      owner: string
      repo: string
      environment: string
      names: SecretNames
    }
  | {
      kind: 'github-organization'
      org: string
      /** Repository names in the organization that may read the secrets (visibility: selected). */
      selectedRepositories: string[]
      names: SecretNames
    }
  /** The value is a JSON {AccessKeyId, SecretAccessKey}, the new version staged AWSCURRENT. */
  | { kind: 'secrets-manager'; secretId: string; region?: string }

/**
 * A delivery that failed, with what the destination holds now (after putting back what it
 * held), for the run's record: the consumer's state is never left to guess.
 */
export class DeliveryFailed extends Error {
  constructor(
    message: string,
    readonly holds: string
  ) {
    super(message)
    this.name = 'DeliveryFailed'
  }
}

export interface RotationMap {
  /** Where the map was read from, for messages. */
  path: string
  /** By IAM user name, lower-cased (IAM names are case-insensitive). */
  users: ReadonlyMap<string, RotationDestination>
}

export function destinationFor(
  map: RotationMap,
  userName: string
): RotationDestination | undefined {
  return map.users.get(userName.toLowerCase())
}

export type RotateOn = 'due-soon' | 'overdue'

export interface RotationSettings {
  map: RotationMap
  /** due-soon rotates due-soon and overdue keys; overdue only overdue ones. */
  rotateOn: RotateOn
  /** The token that writes GitHub secrets; empty when the map has no GitHub destination. */
  deliveryToken: string
  cutoverIdleHours: number
  cutoverTimeoutDays: number
}

/** A destination named for people: where the key went, never what it is. */
export function describeDestination(d: RotationDestination): string {
  const pair = (n: SecretNames): string => `secrets ${n.accessKeyId} and ${n.secretAccessKey}`
  switch (d.kind) {
    case 'github-repository':
      return `GitHub repository ${d.owner}/${d.repo}, ${pair(d.names)}`
    case 'github-environment':
      return `GitHub environment ${d.environment} of ${d.owner}/${d.repo}, ${pair(d.names)}`
    case 'github-organization':
      return `GitHub organization ${d.org} (repositories ${d.selectedRepositories.join(', ')}), ${pair(d.names)}`
    case 'secrets-manager':
      return `AWS Secrets Manager secret ${d.secretId}${d.region ? ` (${d.region})` : ''}`
  }
}

/**
 * Where a rotation stands after the run: `none` (not started, or put back after a failed
 * delivery), `created` (a new key exists but was not delivered), `delivered` (waiting for the
 * cutover), `retiring` (the old key is deactivated; the staged delete removes it), `done` (the
 * old key is gone).
 */
export type RotationStage = 'none' | 'created' | 'delivered' | 'retiring' | 'done'

/** What this run did, or would do, for the rotation. */
type RotationAction = 'create' | 'observe' | 'deactivate' | 'delete' | 'finish' | 'hold'

/** One rotation as the reports carry it: the key it replaces, where its successor went. */
export interface RotationRecord {
  userName: string
  /** The key being replaced. */
  accessKeyId: string
  newAccessKeyId?: string
  /** describeDestination's text, never a value. */
  destination: string
  action: RotationAction
  result: ChangeResult
  stage: RotationStage
  detail: string
  /** What the next run will do. */
  next: string
  createdAt?: string
  deliveredAt?: string
  /** How to go back from where this run left it. */
  undo?: string
  at: string
}

export interface RotationReport {
  dryRun: boolean
  maxActions: number
  /** More writing steps than max-actions: nothing was changed. */
  capExceeded: boolean
  /** The IAM key writes of the plan (creations, deletions made first, deactivations, deletions). */
  keyWrites: number
  mapPath: string
  rotations: RotationRecord[]
}

/** How to go back from where a rotation stands; none once the old key is deleted. */
export function rotationUndo(
  stage: RotationStage,
  userName: string,
  oldAccessKeyId: string,
  newAccessKeyId: string | undefined
): string | undefined {
  if (![userName, oldAccessKeyId, newAccessKeyId ?? ''].every((v) => isIamName(v))) return undefined
  if (stage === 'delivered' && newAccessKeyId)
    return `The old key is still active: put its value back at the destination from your own copy (IAM Key Sentinel keeps no previous secret value), then aws iam delete-access-key --user-name ${userName} --access-key-id ${newAccessKeyId}`
  if (stage === 'retiring')
    return `aws iam update-access-key --user-name ${userName} --access-key-id ${oldAccessKeyId} --status Active`
  return undefined
}
