// Secrets Manager (JSON 1.1, X-Amz-Target secretsmanager.*): just what rotation writes and reads.
// Following AWS's API reference: PutSecretValue adds a version (ClientRequestToken is its ID; the
// same token with the same value is the same version, with another value a
// ResourceExistsException), moves AWSCURRENT to it and AWSPREVIOUS to the version that had it;
// the first version of a secret is AWSCURRENT whatever stages it names; UpdateSecretVersionStage
// moves a label (RemoveFromVersionId required when the label is attached elsewhere; moving
// AWSCURRENT puts AWSPREVIOUS on the version it left); DescribeSecret lists VersionIdsToStages.
// A secret is found by name or by its ARN.
import { randomUUID } from 'node:crypto'
import type { Ctx, JsonHandler } from './context.js'
import { AwsError } from './errors.js'
import type { FakeSecret } from './types.js'

export const SECRETS_MANAGER_TARGET_PREFIX = 'secretsmanager.'

function findSecret(ctx: Ctx): FakeSecret {
  const id = String(ctx.json.SecretId ?? '')
  const secret = (ctx.caller.account.secrets ?? []).find((s) => s.name === id || s.arn === id)
  if (!secret)
    throw new AwsError(
      400,
      'ResourceNotFoundException',
      "Secrets Manager can't find the specified secret."
    )
  return secret
}

function putSecretValue(ctx: Ctx): Record<string, unknown> {
  const secret = findSecret(ctx)
  const value = ctx.json.SecretString
  if (typeof value !== 'string')
    throw new AwsError(400, 'InvalidParameterException', 'SecretString is required here.')
  const versionId =
    typeof ctx.json.ClientRequestToken === 'string' ? ctx.json.ClientRequestToken : randomUUID()
  const existing = secret.versions.find((v) => v.versionId === versionId)
  if (existing && existing.value !== value)
    throw new AwsError(
      400,
      'ResourceExistsException',
      'A resource with the ID you requested already exists.'
    )
  const first = secret.versions.length === 0
  const named = Array.isArray(ctx.json.VersionStages)
    ? (ctx.json.VersionStages as string[])
    : ['AWSCURRENT']
  const stages = first ? [...new Set([...named, 'AWSCURRENT'])] : named
  if (!existing) secret.versions.push({ versionId, value, stages: [], createdAt: new Date() })
  for (const stage of stages.filter((x) => x !== 'AWSCURRENT'))
    for (const v of secret.versions)
      if (v.versionId !== versionId) v.stages = v.stages.filter((x) => x !== stage)
  if (stages.includes('AWSCURRENT')) {
    for (const v of secret.versions) {
      v.stages = v.stages.filter((s) => s !== 'AWSPREVIOUS')
      if (v.stages.includes('AWSCURRENT') && v.versionId !== versionId)
        v.stages = [...v.stages.filter((s) => s !== 'AWSCURRENT'), 'AWSPREVIOUS']
    }
  }
  const version = secret.versions.find((v) => v.versionId === versionId)
  if (version) version.stages = [...new Set([...version.stages, ...stages])]
  return {
    ARN: secret.arn,
    Name: secret.name,
    VersionId: versionId,
    VersionStages: version?.stages ?? []
  }
}

function updateSecretVersionStage(ctx: Ctx): Record<string, unknown> {
  const secret = findSecret(ctx)
  const stage = String(ctx.json.VersionStage ?? '')
  const from = ctx.json.RemoveFromVersionId as string | undefined
  const to = ctx.json.MoveToVersionId as string | undefined
  const version = (id: string) => {
    const v = secret.versions.find((x) => x.versionId === id)
    if (!v) throw new AwsError(400, 'InvalidParameterException', `Not a valid version: ${id}`)
    return v
  }
  const holder = secret.versions.find((v) => v.stages.includes(stage))
  if (from !== undefined) {
    const v = version(from)
    if (!v.stages.includes(stage))
      throw new AwsError(
        400,
        'InvalidParameterException',
        `Version stage ${stage} not found in version ${from}`
      )
    v.stages = v.stages.filter((x) => x !== stage)
  } else if (to !== undefined && holder && holder.versionId !== to) {
    throw new AwsError(
      400,
      'InvalidParameterException',
      `The parameter RemoveFromVersionId can't be empty. Staging label ${stage} is currently attached to version ${holder.versionId}.`
    )
  }
  if (to !== undefined) {
    const v = version(to)
    v.stages = [...new Set([...v.stages, stage])]
    if (stage === 'AWSCURRENT' && from !== undefined && from !== to) {
      for (const x of secret.versions) x.stages = x.stages.filter((s) => s !== 'AWSPREVIOUS')
      const left = version(from)
      left.stages = [...left.stages, 'AWSPREVIOUS']
    }
  }
  return { ARN: secret.arn, Name: secret.name }
}

function describeSecret(ctx: Ctx): Record<string, unknown> {
  const secret = findSecret(ctx)
  return {
    ARN: secret.arn,
    Name: secret.name,
    VersionIdsToStages: Object.fromEntries(
      secret.versions.filter((v) => v.stages.length > 0).map((v) => [v.versionId, v.stages])
    )
  }
}

export const SECRETS_MANAGER_HANDLERS: Record<string, JsonHandler> = {
  PutSecretValue: putSecretValue,
  DescribeSecret: describeSecret,
  UpdateSecretVersionStage: updateSecretVersionStage
}

/** The value of a secret's AWSCURRENT version, for tests. */
export function currentValue(secret: FakeSecret): string | undefined {
  return secret.versions.find((v) => v.stages.includes('AWSCURRENT'))?.value
}
