// Where a new key goes: the destination's adapter, chosen by the rotation map. GitHub secrets are
// written with delivery-token (never the job's GITHUB_TOKEN); Secrets Manager with the run's AWS
// credentials, in the secret's region. The clients are made once for the whole run's deliveries
// (one Octokit for the token, one Secrets Manager client per region), not once per destination.
import {
  secretsManagerClient,
  type AwsCredentials,
  type SecretsManagerApi
} from '../aws/clients.js'
import { putKeyVersion } from '../aws/secrets-manager.js'
import { createOctokit, type Octokit } from '../github/client.js'
import { putSecretPair, type SecretsTarget } from '../github/secrets.js'
import type { RotationDestination } from '../domain/rotation.js'
import type { Log } from '../kit/log.js'
import type { DeliverKey } from './act.js'

function targetOf(d: Exclude<RotationDestination, { kind: 'secrets-manager' }>): SecretsTarget {
  switch (d.kind) {
    case 'github-repository':
      return { kind: 'repository', owner: d.owner, repo: d.repo }
    case 'github-environment':
      return { kind: 'environment', owner: d.owner, repo: d.repo, environment: d.environment }
    case 'github-organization':
      return { kind: 'organization', org: d.org, selectedRepositories: d.selectedRepositories }
  }
}

export interface KeyDelivery {
  deliver: DeliverKey
  /** Releases the clients' connections; call once the run's deliveries are done. */
  close(): void
}

export function keyDelivery(options: {
  deliveryToken: string
  region: string
  credentials?: AwsCredentials
  log: Log
}): KeyDelivery {
  let octokit: Octokit | undefined
  const secretsManager = new Map<string, SecretsManagerApi>()
  const smClient = (region: string): SecretsManagerApi => {
    let client = secretsManager.get(region)
    if (!client) {
      client = secretsManagerClient({ region, credentials: options.credentials })
      secretsManager.set(region, client)
    }
    return client
  }
  return {
    deliver: async (destination, key, oldAccessKeyId) => {
      if (destination.kind === 'secrets-manager') {
        const client = smClient(destination.region ?? options.region)
        const version = await putKeyVersion(client, destination.secretId, key)
        return `version ${version} is AWSCURRENT`
      }
      octokit ??= createOctokit(options.deliveryToken, options.log)
      const at = await putSecretPair(
        octokit,
        targetOf(destination),
        destination.names,
        key,
        oldAccessKeyId
      )
      return `GitHub shows both secrets updated at ${at}`
    },
    close: () => {
      for (const client of secretsManager.values()) client.destroy()
      secretsManager.clear()
    }
  }
}
