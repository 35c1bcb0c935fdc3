// Seeds the fake AWS with CloudTrail event history that looks like the real thing: management
// events (the only kind LookupEvents returns) with the record JSON CloudTrail writes, varied
// calls, source IPs, user agents, resources on some and AccessDenied on some. Deterministic, so
// a test can state exact counts; `tally` recounts a list the simple way for those assertions.
import { createHash } from 'node:crypto'
import type { FakeCloudTrailEvent, FaultRule } from './fake-aws/index.js'

interface ApiCall {
  eventSource: string
  eventName: string
  readOnly: boolean
  /** The resources LookupEvents lists for the call, if any; `n` makes names vary. */
  resources?: (n: number, accountId: string, region: string) => SeedResource[]
  requestParameters?: (n: number) => Record<string, unknown> | null
}

interface SeedResource {
  type: string
  name: string
  arn: string
}

/** A mix of reads and writes an attacker with a leaked key typically makes. */
const DEFAULT_CALLS: readonly ApiCall[] = [
  { eventSource: 'sts.amazonaws.com', eventName: 'GetCallerIdentity', readOnly: true },
  { eventSource: 's3.amazonaws.com', eventName: 'ListBuckets', readOnly: true },
  {
    eventSource: 'ec2.amazonaws.com',
    eventName: 'DescribeInstances',
    readOnly: true,
    requestParameters: () => ({ instancesSet: {}, filterSet: {} })
  },
  {
    eventSource: 'iam.amazonaws.com',
    eventName: 'ListUsers',
    readOnly: true,
    requestParameters: () => ({ maxItems: 100 })
  },
  {
    eventSource: 'iam.amazonaws.com',
    eventName: 'CreateAccessKey',
    readOnly: false,
    resources: (n, accountId) => [
      {
        type: 'AWS::IAM::User',
        name: `svc-${n % 3}`,
        arn: `arn:aws:iam::${accountId}:user/svc-${n % 3}`
      }
    ],
    requestParameters: (n) => ({ userName: `svc-${n % 3}` })
  },
  {
    eventSource: 'ec2.amazonaws.com',
    eventName: 'RunInstances',
    readOnly: false,
    resources: (n, accountId, region) => [
      {
        type: 'AWS::EC2::Instance',
        name: `i-0${(n * 7919).toString(16).padStart(16, '0')}`,
        arn: `arn:aws:ec2:${region}:${accountId}:instance/i-0${(n * 7919).toString(16).padStart(16, '0')}`
      },
      {
        type: 'AWS::EC2::Ami',
        name: 'ami-0abcdef1234567890',
        arn: `arn:aws:ec2:${region}::image/ami-0abcdef1234567890`
      }
    ],
    requestParameters: () => ({ instanceType: 'p4d.24xlarge', minCount: 1, maxCount: 8 })
  },
  {
    eventSource: 's3.amazonaws.com',
    eventName: 'PutBucketPolicy',
    readOnly: false,
    resources: (n) => [
      { type: 'AWS::S3::Bucket', name: `data-${n % 2}`, arn: `arn:aws:s3:::data-${n % 2}` }
    ],
    requestParameters: (n) => ({
      bucketName: `data-${n % 2}`,
      bucketPolicy: { Version: '2012-10-17' }
    })
  },
  { eventSource: 'secretsmanager.amazonaws.com', eventName: 'ListSecrets', readOnly: true }
]

const DEFAULT_SOURCE_IPS: readonly string[] = ['203.0.113.7', '198.51.100.23', '192.0.2.44']

const DEFAULT_USER_AGENTS: readonly string[] = [
  'aws-cli/2.15.30 Python/3.11.8 Linux/6.5.0-1016-azure exe/x86_64.ubuntu.22 prompt/off command/sts.get-caller-identity',
  'Boto3/1.34.69 md/Botocore#1.34.69 ua/2.0 os/linux#6.5.0 md/arch#x86_64 lang/python#3.11.8 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.34.69',
  'aws-sdk-js/3.540.0 ua/2.0 os/linux#6.5.0 lang/js md/nodejs#20.11.1 api/sts#3.540.0'
]

export interface MakeEventsOptions {
  /** The key that made the calls; an ASIA… key is a session from GetSessionToken. */
  accessKeyId: string
  userName: string
  region: string
  count: number
  /** Time of the oldest event; the others follow every intervalMs (default 60 s). */
  start: Date
  intervalMs?: number
  accountId?: string
  /** Makes event IDs differ between calls of makeEvents with the same key and region. */
  idPrefix?: string
  /** Every n-th event (n, 2n, …) fails with AccessDenied; 0 for none. Default 5. */
  errorEvery?: number
  /** Every n-th event carries a CloudTrailEvent that is not JSON; 0 for none (default). */
  malformedEvery?: number
  calls?: readonly ApiCall[]
  sourceIps?: readonly string[]
  userAgents?: readonly string[]
}

/** Deterministic UUID-shaped event ID, like the ones CloudTrail assigns. */
export function eventId(seed: string): string {
  const hex = createHash('sha256').update(seed).digest('hex')
  return [
    hex.slice(0, 8),
    hex.slice(8, 12),
    hex.slice(12, 16),
    hex.slice(16, 20),
    hex.slice(20, 32)
  ].join('-')
}

const pick = <T>(list: readonly T[], n: number): T => list[n % list.length] as T

/** The source IP is skewed so the top list has distinct counts: 4/7, 2/7, 1/7. */
function sourceIpFor(list: readonly string[], n: number): string {
  const slot = n % 7
  return pick(list, slot < 4 ? 0 : slot < 6 ? 1 : 2)
}

function userIdentity(options: MakeEventsOptions, accountId: string, eventTime: Date): object {
  const base = {
    type: 'IAMUser',
    principalId: `AIDA${createHash('sha256').update(options.userName).digest('hex').slice(0, 17).toUpperCase()}`,
    arn: `arn:aws:iam::${accountId}:user/${options.userName}`,
    accountId,
    accessKeyId: options.accessKeyId,
    userName: options.userName
  }
  if (!options.accessKeyId.startsWith('ASIA')) return base
  const creationDate = new Date(eventTime.getTime() - 600_000).toISOString().replace(/\.\d+Z$/, 'Z')
  return {
    ...base,
    sessionContext: {
      sessionIssuer: {},
      webIdFederationData: {},
      attributes: { creationDate, mfaAuthenticated: 'false' }
    }
  }
}

function record(
  options: MakeEventsOptions,
  n: number,
  id: string,
  eventTime: Date,
  call: ApiCall,
  resources: SeedResource[]
): Record<string, unknown> {
  const accountId = options.accountId ?? '123456789012'
  const failed = (options.errorEvery ?? 5) > 0 && (n + 1) % (options.errorEvery ?? 5) === 0
  return {
    eventVersion: '1.09',
    userIdentity: userIdentity(options, accountId, eventTime),
    eventTime: eventTime.toISOString().replace(/\.\d+Z$/, 'Z'),
    eventSource: call.eventSource,
    eventName: call.eventName,
    awsRegion: options.region,
    sourceIPAddress: sourceIpFor(options.sourceIps ?? DEFAULT_SOURCE_IPS, n),
    userAgent: pick(options.userAgents ?? DEFAULT_USER_AGENTS, n),
    ...(failed
      ? {
          errorCode: 'AccessDenied',
          errorMessage: `User: arn:aws:iam::${accountId}:user/${options.userName} is not authorized to perform: ${call.eventSource.split('.')[0]}:${call.eventName} because no identity-based policy allows the action`
        }
      : {}),
    requestParameters: call.requestParameters?.(n) ?? null,
    responseElements: null,
    requestID: eventId(`request:${id}`),
    eventID: id,
    readOnly: call.readOnly,
    ...(resources.length > 0
      ? { resources: resources.map((r) => ({ accountId, type: r.type, ARN: r.arn })) }
      : {}),
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: accountId,
    eventCategory: 'Management',
    tlsDetails: {
      tlsVersion: 'TLSv1.3',
      cipherSuite: 'TLS_AES_128_GCM_SHA256',
      clientProvidedHostHeader: `${call.eventSource.split('.')[0]}.${options.region}.amazonaws.com`
    }
  }
}

/** `count` events of one key in one region, oldest first, every one different in some way. */
export function makeEvents(options: MakeEventsOptions): FakeCloudTrailEvent[] {
  const interval = options.intervalMs ?? 60_000
  const prefix = options.idPrefix ?? `${options.accessKeyId}:${options.region}`
  const calls = options.calls ?? DEFAULT_CALLS
  const accountId = options.accountId ?? '123456789012'
  return Array.from({ length: options.count }, (_, n) => {
    const id = eventId(`${prefix}:${n}`)
    const eventTime = new Date(options.start.getTime() + n * interval)
    const call = pick(calls, n)
    const resources = call.resources?.(n, accountId, options.region) ?? []
    const malformed =
      (options.malformedEvery ?? 0) > 0 && (n + 1) % (options.malformedEvery ?? 0) === 0
    return {
      eventId: id,
      eventName: call.eventName,
      eventTime,
      eventSource: call.eventSource,
      username: options.userName,
      accessKeyId: options.accessKeyId,
      region: options.region,
      ...(resources.length > 0
        ? { resources: resources.map((r) => ({ resourceType: r.type, resourceName: r.name })) }
        : {}),
      cloudTrailEvent: malformed
        ? `{"eventVersion":"1.09","eventID":"${id}","truncated`
        : JSON.stringify(record(options, n, id, eventTime, call, resources))
    }
  })
}

export interface Tally {
  /** Well-formed events. */
  total: number
  malformed: number
  errorEvents: number
  eventNames: Record<string, number>
  errorCodes: Record<string, number>
  sourceIps: Record<string, number>
  userAgents: Record<string, number>
  regions: Record<string, number>
  resourceNames: Record<string, number>
  resourceTypes: Record<string, number>
}

const bump = (counts: Record<string, number>, value: unknown): void => {
  if (typeof value === 'string' && value !== '') counts[value] = (counts[value] ?? 0) + 1
}

/** Counts seeded events directly, as a reference for the summarizer's figures in tests. */
export function tally(events: readonly FakeCloudTrailEvent[]): Tally {
  const t: Tally = {
    total: 0,
    malformed: 0,
    errorEvents: 0,
    eventNames: {},
    errorCodes: {},
    sourceIps: {},
    userAgents: {},
    regions: {},
    resourceNames: {},
    resourceTypes: {}
  }
  for (const event of events) {
    let parsed: Record<string, unknown>
    try {
      parsed = JSON.parse(event.cloudTrailEvent) as Record<string, unknown>
    } catch {
      t.malformed++
      continue
    }
    t.total++
    bump(t.eventNames, event.eventName)
    bump(t.errorCodes, parsed.errorCode)
    if (typeof parsed.errorCode === 'string') t.errorEvents++
    bump(t.sourceIps, parsed.sourceIPAddress)
    bump(t.userAgents, parsed.userAgent)
    bump(t.regions, parsed.awsRegion)
    for (const name of new Set(event.resources?.map((r) => r.resourceName)))
      bump(t.resourceNames, name)
    for (const type of new Set(event.resources?.map((r) => r.resourceType)))
      bump(t.resourceTypes, type)
  }
  return t
}

/** A tally's counts as the summary's top list: most first, ties by value, at most `limit`. */
export function topOf(
  counts: Record<string, number>,
  limit = 10
): { value: string; count: number }[] {
  return Object.entries(counts)
    .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0))
    .slice(0, limit)
    .map(([value, count]) => ({ value, count }))
}

/** A fault rule: every LookupEvents in `region` refused, as for a role without the permission. */
export function lookupDeniedIn(region: string): FaultRule {
  return {
    action: 'LookupEvents',
    match: (c) => c.region === region,
    fault: {
      status: 400,
      code: 'AccessDeniedException',
      message: 'not authorized to perform cloudtrail:LookupEvents'
    }
  }
}

export interface CallOptions {
  /** The credentials that made the call: a user's key (AKIA…) or a session (ASIA…). */
  accessKeyId: string
  /** The IAM user behind the key, or, for a role session, `role:<role ARN>/<session name>`. */
  caller: string
  region: string
  eventSource: string
  eventName: string
  time: Date
  requestParameters?: Record<string, unknown>
  responseElements?: Record<string, unknown>
  errorCode?: string
  accountId?: string
}

/**
 * One CloudTrail record of one call, as CloudTrail writes it: an IAM user's (userIdentity type
 * IAMUser, LookupEvents' Username its name) or a role session's (type AssumedRole, Username the
 * session name). AssumeRole's response carries the new session's access key ID, not its secret.
 */
export function makeCall(options: CallOptions): FakeCloudTrailEvent {
  const accountId = options.accountId ?? '111122223333'
  const id = eventId(
    `call:${options.accessKeyId}:${options.eventName}:${options.time.toISOString()}`
  )
  const role = options.caller.startsWith('role:') ? options.caller.slice(5) : undefined
  const sessionName = role?.split('/').pop() ?? ''
  const roleArn = role?.slice(0, role.lastIndexOf('/'))
  const identity = roleArn
    ? {
        type: 'AssumedRole',
        principalId: `AROAEXAMPLE:${sessionName}`,
        arn: `arn:aws:sts::${accountId}:assumed-role/${roleArn.split('/').pop()}/${sessionName}`,
        accountId,
        accessKeyId: options.accessKeyId,
        sessionContext: { sessionIssuer: { type: 'Role', arn: roleArn, accountId } }
      }
    : {
        type: 'IAMUser',
        principalId: 'AIDAEXAMPLE',
        arn: `arn:aws:iam::${accountId}:user/${options.caller}`,
        accountId,
        accessKeyId: options.accessKeyId,
        userName: options.caller
      }
  const eventTime = options.time.toISOString().replace(/\.\d+Z$/, 'Z')
  return {
    eventId: id,
    eventName: options.eventName,
    eventTime: options.time,
    eventSource: options.eventSource,
    username: roleArn ? sessionName : options.caller,
    accessKeyId: options.accessKeyId,
    region: options.region,
    cloudTrailEvent: JSON.stringify({
      eventVersion: '1.09',
      userIdentity: identity,
      eventTime,
      eventSource: options.eventSource,
      eventName: options.eventName,
      awsRegion: options.region,
      sourceIPAddress: '203.0.113.7',
      userAgent: 'aws-cli/2.15.30',
      ...(options.errorCode
        ? { errorCode: options.errorCode, errorMessage: 'is not authorized to perform this' }
        : {}),
      requestParameters: options.requestParameters ?? null,
      responseElements: options.errorCode ? null : (options.responseElements ?? null),
      requestID: eventId(`request:${id}`),
      eventID: id,
      readOnly: false,
      eventType: 'AwsApiCall',
      managementEvent: true,
      recipientAccountId: accountId,
      eventCategory: 'Management'
    })
  }
}

/** An sts:AssumeRole call and, when it succeeded, the session key it handed out. */
export function assumeRoleCall(
  options: Omit<
    CallOptions,
    'eventSource' | 'eventName' | 'requestParameters' | 'responseElements'
  > & {
    roleArn: string
    sessionKeyId?: string
  }
): FakeCloudTrailEvent {
  const { roleArn, sessionKeyId, ...rest } = options
  return makeCall({
    ...rest,
    eventSource: 'sts.amazonaws.com',
    eventName: 'AssumeRole',
    requestParameters: { roleArn, roleSessionName: 'x', durationSeconds: 3600 },
    ...(sessionKeyId
      ? {
          responseElements: {
            credentials: {
              accessKeyId: sessionKeyId,
              sessionToken: 'IQoJb3JpZ2luX2VjEXAMPLE',
              expiration: 'Jan 1, 2027, 1:00:00 AM'
            },
            assumedRoleUser: { assumedRoleId: 'AROAEXAMPLE:x', arn: `${roleArn}/x` }
          }
        }
      : {})
  })
}
