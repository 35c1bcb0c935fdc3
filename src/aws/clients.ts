// The one place that builds the SDK clients of the seven services the action calls, so every
// request shares the same credentials, attempts (retry-max-attempts), timeouts and proxy
// (src/aws/network.ts), and each service is retried and paced the one way it needs (PROFILES).
// AWS_ENDPOINT_URL (the SDK's own variable) is honoured as is. The stages never see these
// classes: they pass the clients to the typed reads and writes of src/aws.
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail'
import { IAMClient } from '@aws-sdk/client-iam'
import { OrganizationsClient } from '@aws-sdk/client-organizations'
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager'
import { SecurityHubClient } from '@aws-sdk/client-securityhub'
import { SNSClient } from '@aws-sdk/client-sns'
import { STSClient } from '@aws-sdk/client-sts'
import type { AwsCredentialIdentity } from '@aws-sdk/types'
import { awsClientConfig, DEFAULT_TIMEOUTS, type Timeouts } from './network.js'
import { AdaptivePacer, DEFAULT_IAM_MAX_RPS, paceClient } from './pacing.js'

/** Credentials to sign with; undefined wherever they appear: the SDK's default chain. */
export type AwsCredentials = AwsCredentialIdentity
export type IamClient = IAMClient
export type StsClient = STSClient
export type SnsClient = SNSClient
export type OrganizationsApi = OrganizationsClient
export type CloudTrailApi = CloudTrailClient
export type SecretsManagerApi = SecretsManagerClient
export type SecurityHubApi = SecurityHubClient

export interface ClientOptions {
  region: string
  /** Undefined: the SDK's default credential chain (e.g. after configure-aws-credentials). */
  credentials?: AwsCredentials
}

interface Profile {
  /** Unset: the SDK's default (AWS_RETRY_MODE, else standard). */
  retryMode?: 'standard' | 'adaptive'
  /** One attempt per send: the caller retries, and paces, every attempt itself (src/kit/retry.ts). */
  callerRetries?: true
  timeouts?: Timeouts
}

/** How each service is retried, timed and paced: the SDK makes retry-max-attempts unless the caller retries. */
const PROFILES = {
  // Paced by src/aws/pacing.ts, which adapts to Throttling itself; the SDK's adaptive limiter on
  // top would halve the rate again at each throttled answer, so IAM retries in standard mode.
  iam: { retryMode: 'standard' },
  sts: { retryMode: 'adaptive' },
  // Signing in (src/credentials): one attempt per send, so the retry around it is the only one.
  signIn: { callerRetries: true },
  organizations: { retryMode: 'adaptive' },
  sns: {},
  secretsManager: { retryMode: 'adaptive' },
  // GetFindings allows 3 requests per second, the batch writes 10 (burst 30): the SDK's adaptive
  // limiter slows down at TooManyRequestsException and retries, up to retry-max-attempts.
  securityHub: { retryMode: 'adaptive' },
  // LookupEvents allows 2 requests per second per account and region: each attempt takes a token
  // from its region's bucket (src/activity), so the SDK must not send again without asking it.
  // A page of events can take a while to come.
  cloudTrail: {
    callerRetries: true,
    timeouts: { connectionTimeout: 5_000, requestTimeout: 30_000 }
  }
} satisfies Record<string, Profile>

function config(profile: Profile, options: ClientOptions & { endpoint?: string }) {
  return {
    region: options.region,
    credentials: options.credentials,
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
    ...(profile.retryMode ? { retryMode: profile.retryMode } : {}),
    ...awsClientConfig({
      ...(profile.callerRetries ? { maxAttempts: 1 } : {}),
      timeouts: profile.timeouts ?? DEFAULT_TIMEOUTS
    })
  }
}

/**
 * The IAM client, paced: one pacer for the one IAM client of a run, so every IAM call shares what
 * it learns. `maxRps` is iam-max-rps (the pacer finds the rate below it).
 */
function iamClient(options: ClientOptions & { maxRps?: number }): IamClient {
  const iam = new IAMClient(config(PROFILES.iam, options))
  paceClient(iam, new AdaptivePacer({ max: options.maxRps ?? DEFAULT_IAM_MAX_RPS }))
  return iam
}

/** STS for sts:GetCallerIdentity; `signIn` for the role assumptions, which retry themselves. */
export function stsClient(options: ClientOptions & { signIn?: boolean }): StsClient {
  return new STSClient(config(options.signIn ? PROFILES.signIn : PROFILES.sts, options))
}

/** Organizations has one endpoint per partition; the SDK maps any region of it there. */
export function organizationsClient(options: ClientOptions): OrganizationsApi {
  return new OrganizationsClient(config(PROFILES.organizations, options))
}

/** SNS in the topic's own region. */
export function snsClient(options: ClientOptions): SnsClient {
  return new SNSClient(config(PROFILES.sns, options))
}

/** CloudTrail in one region; `endpoint` overrides AWS_ENDPOINT_URL, for tests. */
export function cloudTrailClient(options: ClientOptions & { endpoint?: string }): CloudTrailApi {
  return new CloudTrailClient(config(PROFILES.cloudTrail, options))
}

/** Secrets Manager in the secret's region (rotation's destination). */
export function secretsManagerClient(options: ClientOptions): SecretsManagerApi {
  return new SecretsManagerClient(config(PROFILES.secretsManager, options))
}

/** Security Hub in the region findings are imported to (aws-region). */
export function securityHubClient(options: ClientOptions): SecurityHubApi {
  return new SecurityHubClient(config(PROFILES.securityHub, options))
}

/** The pair an account's audit works with. */
export interface AwsClients {
  iam: IamClient
  sts: StsClient
  destroy(): void
}

export function createClients(
  options: ClientOptions & {
    /** Cap on the pace of all IAM requests (`iam-max-rps`). */
    iamMaxRps?: number
  }
): AwsClients {
  const iam = iamClient({ ...options, maxRps: options.iamMaxRps })
  const sts = stsClient(options)
  return {
    iam,
    sts,
    destroy: () => {
      iam.destroy()
      sts.destroy()
    }
  }
}
