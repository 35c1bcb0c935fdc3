// One place that builds the SDK clients, so every call shares the same credentials,
// retry policy, timeouts and proxy (src/aws-network.ts). AWS_ENDPOINT_URL (the SDK's own
// variable) is honoured as is.
import { IAMClient } from '@aws-sdk/client-iam'
import { STSClient } from '@aws-sdk/client-sts'
import type { AwsCredentialIdentity } from '@aws-sdk/types'
import { awsClientConfig } from './aws-network.js'
import {
  DEFAULT_IAM_BURST,
  DEFAULT_IAM_REQUESTS_PER_SECOND,
  paceClient,
  RequestPacer
} from './pacing.js'

export interface AwsClients {
  iam: IAMClient
  sts: STSClient
  destroy(): void
}

export interface ClientOptions {
  region: string
  /** Undefined: the SDK's default credential chain (e.g. after configure-aws-credentials). */
  credentials?: AwsCredentialIdentity
  /**
   * Pace of all IAM requests (src/pacing.ts); 0 leaves pacing to the SDK's adaptive retry alone.
   * Not an input: the benchmark sets it to the rate its fake enforces.
   */
  iamRequestsPerSecond?: number
  iamBurst?: number
}

export function createClients(options: ClientOptions): AwsClients {
  // Adaptive retry paces requests client-side once IAM starts throttling; retry-max-attempts
  // (default 8) lets a large scan ride out bursts instead of failing.
  const config = () => ({
    region: options.region,
    credentials: options.credentials,
    retryMode: 'adaptive',
    ...awsClientConfig()
  })
  const iam = new IAMClient(config())
  const rate = options.iamRequestsPerSecond ?? DEFAULT_IAM_REQUESTS_PER_SECOND
  if (rate > 0) paceClient(iam, new RequestPacer(rate, options.iamBurst ?? DEFAULT_IAM_BURST))
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
