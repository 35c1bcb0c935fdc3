// Where a new key goes: the destination's adapter, chosen by the rotation map. GitHub secrets are
// written with delivery-token (never the job's GITHUB_TOKEN); Secrets Manager with the run's AWS
// credentials, in the secret's region.
import { secretsManagerClient, type AwsCredentials } from '../aws/clients.js'
import { putKeyVersion } from '../aws/secrets-manager.js'
import { createOctokit } from '../github/client.js'
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

export function keyDelivery(options: {
  deliveryToken: string
  region: string
  credentials?: AwsCredentials
  log: Log
}): DeliverKey {
  return async (destination, key) => {
    if (destination.kind === 'secrets-manager') {
      const client = secretsManagerClient({
        region: destination.region ?? options.region,
        credentials: options.credentials
      })
      try {
        const version = await putKeyVersion(client, destination.secretId, key)
        return `version ${version} is AWSCURRENT`
      } finally {
        client.destroy()
      }
    }
    const octokit = createOctokit(options.deliveryToken, options.log)
    const at = await putSecretPair(octokit, targetOf(destination), destination.names, key)
    return `GitHub shows both secrets updated at ${at}`
  }
}
