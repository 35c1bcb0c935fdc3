// One place that builds the SDK clients, so every call shares the same credentials,
// retry policy, timeouts and proxy (src/aws/network.ts). AWS_ENDPOINT_URL (the SDK's own
// variable) is honoured as is.
import { IAMClient } from '@aws-sdk/client-iam'
import { STSClient } from '@aws-sdk/client-sts'
import type { AwsCredentialIdentity } from '@aws-sdk/types'
import { awsClientConfig } from './network.js'
import { AdaptivePacer, DEFAULT_IAM_MAX_RPS, paceClient } from './pacing.js'

export interface AwsClients {
  iam: IAMClient
  sts: STSClient
  destroy(): void
}

export interface ClientOptions {
  region: string
  /** Undefined: the SDK's default credential chain (e.g. after configure-aws-credentials). */
  credentials?: AwsCredentialIdentity
  /** Cap on the pace of all IAM requests (`iam-max-rps`; src/aws/pacing.ts finds the rate below it). */
  iamMaxRps?: number
}

export function createClients(options: ClientOptions): AwsClients {
  // retry-max-attempts (default 8) lets a large scan ride out bursts instead of failing.
  const config = () => ({
    region: options.region,
    credentials: options.credentials,
    retryMode: 'adaptive',
    ...awsClientConfig()
  })
  // IAM is paced by src/aws/pacing.ts, which adapts to Throttling itself; the SDK's adaptive
  // limiter on top would halve the rate again at each throttled answer, so IAM retries in
  // standard mode (same attempts).
  const iam = new IAMClient({ ...config(), retryMode: 'standard' })
  // One pacer for the one IAM client of a run: every IAM call shares what it learns.
  paceClient(iam, new AdaptivePacer({ max: options.iamMaxRps ?? DEFAULT_IAM_MAX_RPS }))
  const sts = new STSClient(config())
  return {
    iam,
    sts,
    destroy: () => {
      iam.destroy()
      sts.destroy()
    }
  }
}
