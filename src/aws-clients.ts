// One place that builds the SDK clients, so every call shares the same credentials,
// retry policy and timeouts. AWS_ENDPOINT_URL (the SDK's own variable) is honoured as is.
import { IAMClient } from '@aws-sdk/client-iam'
import { STSClient } from '@aws-sdk/client-sts'
import type { AwsCredentialIdentity } from '@aws-sdk/types'
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
  /** Cap on the pace of all IAM requests (`iam-max-rps`; src/pacing.ts finds the rate below it). */
  iamMaxRps?: number
}

// Adaptive retry paces requests client-side once IAM starts throttling; a generous
// attempt count lets a large scan ride out bursts instead of failing.
const RETRY = { retryMode: 'adaptive', maxAttempts: 8 } as const
// IAM answers in milliseconds; a request still open after 10 s is stuck, so it is abandoned and
// retried rather than left to hang the job.
const TIMEOUTS = { requestHandler: { connectionTimeout: 5_000, requestTimeout: 10_000 } }

export function createClients(options: ClientOptions): AwsClients {
  const config = { region: options.region, credentials: options.credentials, ...RETRY, ...TIMEOUTS }
  // IAM is paced by src/pacing.ts, which adapts to Throttling itself; the SDK's adaptive
  // limiter on top would halve the rate again at each throttled answer, so IAM retries in
  // standard mode (same attempts).
  const iam = new IAMClient({ ...config, retryMode: 'standard' })
  // One pacer for the one IAM client of a run: every IAM call shares what it learns.
  paceClient(iam, new AdaptivePacer({ max: options.iamMaxRps ?? DEFAULT_IAM_MAX_RPS }))
  const sts = new STSClient(config)
  return {
    iam,
    sts,
    destroy: () => {
      iam.destroy()
      sts.destroy()
    }
  }
}
