// AWS Secrets Manager as a rotation destination: the new key written as a new version of the
// secret, JSON {AccessKeyId, SecretAccessKey}. The delivery is one unit, in AWS's documented
// rotation order: the version is written staged AWSPENDING (not yet what consumers read), verified
// with DescribeSecret, then AWSCURRENT is moved onto it in one UpdateSecretVersionStage (the one
// step that switches consumers; AWS moves AWSPREVIOUS to the version it left) and verified again.
// On any failure AWSCURRENT is put back on the version that held it, AWSPENDING taken off the new
// version, and a DeliveryFailed says what the secret holds. The ClientRequestToken is derived
// from the new key's ID, so a repeated write of the same key is the same version (Secrets
// Manager's idempotency).
import { createHash } from 'node:crypto'
import {
  DescribeSecretCommand,
  PutSecretValueCommand,
  UpdateSecretVersionStageCommand
} from '@aws-sdk/client-secrets-manager'
import { DeliveryFailed } from '../domain/rotation.js'
import { errorMessage } from '../kit/errors.js'
import type { SecretsManagerApi } from './clients.js'

const CURRENT = 'AWSCURRENT'
const PENDING = 'AWSPENDING'

/** A UUID-shaped token (32 to 64 characters, as Secrets Manager requires) for one key. */
function versionToken(accessKeyId: string): string {
  const hex = createHash('sha256').update(`iam-key-sentinel:${accessKeyId}`).digest('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`
}

type Stages = Record<string, string[]>

async function stages(client: SecretsManagerApi, secretId: string): Promise<Stages> {
  const described = await client.send(new DescribeSecretCommand({ SecretId: secretId }))
  return described.VersionIdsToStages ?? {}
}

const holder = (s: Stages, stage: string): string | undefined =>
  Object.entries(s).find(([, labels]) => labels.includes(stage))?.[0]

async function moveStage(
  client: SecretsManagerApi,
  secretId: string,
  stage: string,
  move: { to?: string; from?: string }
): Promise<void> {
  await client.send(
    new UpdateSecretVersionStageCommand({
      SecretId: secretId,
      VersionStage: stage,
      ...(move.to ? { MoveToVersionId: move.to } : {}),
      ...(move.from ? { RemoveFromVersionId: move.from } : {})
    })
  )
}

/** Puts AWSCURRENT back on `previous`, takes AWSPENDING off `version`; says what it holds. */
async function restore(
  client: SecretsManagerApi,
  secretId: string,
  previous: string | undefined,
  version: string
): Promise<string> {
  let now = await stages(client, secretId)
  const current = holder(now, CURRENT)
  if (previous && current !== previous)
    await moveStage(client, secretId, CURRENT, {
      to: previous,
      ...(current ? { from: current } : {})
    })
  if (now[version]?.includes(PENDING)) await moveStage(client, secretId, PENDING, { from: version })
  now = await stages(client, secretId)
  const after = holder(now, CURRENT)
  if (previous === undefined) {
    // Secrets Manager makes a secret's first version AWSCURRENT whatever it is asked, and a
    // version cannot lose AWSCURRENT without another to take it: say so.
    return after === version
      ? `AWSCURRENT is version ${version}, the deleted new key (the secret had no value before, and its first version is always AWSCURRENT)`
      : `no AWSCURRENT version, as before (verified)`
  }
  if (after !== previous)
    throw new Error(`AWSCURRENT is on ${after ?? 'no version'}, not on ${previous}`)
  return `AWSCURRENT is version ${previous}, as before (verified)`
}

/**
 * Writes the key as the secret's new version and makes it AWSCURRENT, verified; returns the
 * version ID. Throws DeliveryFailed, with what the secret holds, when any step fails.
 */
export async function putKeyVersion(
  client: SecretsManagerApi,
  secretId: string,
  key: { accessKeyId: string; secretAccessKey: string }
): Promise<string> {
  // Nothing written yet: a failure here leaves the secret as it was, and says so.
  const previous = holder(await stages(client, secretId), CURRENT)
  const token = versionToken(key.accessKeyId)
  let version = token
  try {
    const put = await client.send(
      new PutSecretValueCommand({
        SecretId: secretId,
        ClientRequestToken: token,
        SecretString: JSON.stringify({
          AccessKeyId: key.accessKeyId,
          SecretAccessKey: key.secretAccessKey
        }),
        VersionStages: [PENDING]
      })
    )
    version = put.VersionId ?? token
    const pending = await stages(client, secretId)
    if (!pending[version])
      throw new Error(`DescribeSecret does not list version ${version} after PutSecretValue`)
    if (holder(pending, CURRENT) !== version)
      await moveStage(client, secretId, CURRENT, {
        to: version,
        ...(previous ? { from: previous } : {})
      })
    if (holder(await stages(client, secretId), CURRENT) !== version)
      throw new Error(`DescribeSecret does not show version ${version} as AWSCURRENT`)
  } catch (error) {
    let holds: string
    try {
      holds = await restore(client, secretId, previous, version)
    } catch (undo) {
      holds = `unknown: putting AWSCURRENT back on ${previous ?? 'the previous version'} failed (${errorMessage(undo)}); check the secret's version stages and move AWSCURRENT back by hand`
    }
    throw new DeliveryFailed(
      `Secrets Manager did not take version ${version} of ${secretId} as AWSCURRENT: ${errorMessage(error)}`,
      holds
    )
  }
  // Done; AWSPENDING off the version now current, so no rotation function takes it for one under way.
  await moveStage(client, secretId, PENDING, { from: version }).catch(() => undefined)
  return version
}
