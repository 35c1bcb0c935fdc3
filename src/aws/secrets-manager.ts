// AWS Secrets Manager as a rotation destination: the new key written as a new version of the
// secret, JSON {AccessKeyId, SecretAccessKey}, staged AWSCURRENT, then DescribeSecret to verify
// that the version is current. The ClientRequestToken is derived from the new key's ID, so a
// repeated write of the same key is the same version (Secrets Manager's idempotency).
import { createHash } from 'node:crypto'
import { DescribeSecretCommand, PutSecretValueCommand } from '@aws-sdk/client-secrets-manager'
import type { SecretsManagerApi } from './clients.js'

/** A UUID-shaped token (32 to 64 characters, as Secrets Manager requires) for one key. */
function versionToken(accessKeyId: string): string {
  const hex = createHash('sha256').update(`iam-key-sentinel:${accessKeyId}`).digest('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`
}

class SecretVersionNotCurrent extends Error {
  constructor(secretId: string, versionId: string) {
    super(
      `Secrets Manager took version ${versionId} of ${secretId}, but DescribeSecret does not show it as AWSCURRENT`
    )
    this.name = 'SecretVersionNotCurrent'
  }
}

/** Writes the key as the secret's AWSCURRENT version and verifies it; returns the version ID. */
export async function putKeyVersion(
  client: SecretsManagerApi,
  secretId: string,
  key: { accessKeyId: string; secretAccessKey: string }
): Promise<string> {
  const put = await client.send(
    new PutSecretValueCommand({
      SecretId: secretId,
      ClientRequestToken: versionToken(key.accessKeyId),
      SecretString: JSON.stringify({
        AccessKeyId: key.accessKeyId,
        SecretAccessKey: key.secretAccessKey
      }),
      VersionStages: ['AWSCURRENT']
    })
  )
  const versionId = put.VersionId ?? versionToken(key.accessKeyId)
  const described = await client.send(new DescribeSecretCommand({ SecretId: secretId }))
  if (!described.VersionIdsToStages?.[versionId]?.includes('AWSCURRENT'))
    throw new SecretVersionNotCurrent(secretId, versionId)
  return versionId
}
