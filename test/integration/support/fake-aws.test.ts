/**
 * Drives the fake AWS server with the real SDK v3 clients, so every answer shape, date, error
 * class and pagination token below is what the SDK makes of the fake's wire format.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import {
  CloudTrailClient,
  LookupEventsCommand,
  paginateLookupEvents,
  type CloudTrailClientConfig
} from '@aws-sdk/client-cloudtrail'
import {
  DeleteAccessKeyCommand,
  DeleteUserPolicyCommand,
  GenerateCredentialReportCommand,
  GetAccessKeyLastUsedCommand,
  GetAccountAuthorizationDetailsCommand,
  GetCredentialReportCommand,
  GetUserCommand,
  GetUserPolicyCommand,
  IAMClient,
  ListAccessKeysCommand,
  ListAccountAliasesCommand,
  ListGroupsForUserCommand,
  ListUserPoliciesCommand,
  ListUserTagsCommand,
  ListUsersCommand,
  NoSuchEntityException,
  paginateListAccessKeys,
  paginateListUsers,
  PutUserPolicyCommand,
  TagUserCommand,
  UntagUserCommand,
  UpdateAccessKeyCommand,
  type IAMClientConfig
} from '@aws-sdk/client-iam'
import { GetTopicAttributesCommand, PublishCommand, SNSClient } from '@aws-sdk/client-sns'
import {
  AssumeRoleCommand,
  AssumeRoleWithWebIdentityCommand,
  GetCallerIdentityCommand,
  STSClient,
  type Credentials
} from '@aws-sdk/client-sts'
import { FakeAws } from '../../support/fake-aws/index.js'
import type {
  FakeAccount,
  FakeAwsOptions,
  FakeCloudTrailEvent,
  FakeKey,
  FakeUser
} from '../../support/fake-aws/index.js'

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

const STATIC_CREDENTIALS = { accessKeyId: 'AKIAFAKE', secretAccessKey: 'x' }
const MAIN = '111111111111'
const OTHER = '222222222222'
const AUDITOR_ROLE = `arn:aws:iam::${OTHER}:role/auditor`
const CHAINED_ROLE = `arn:aws:iam::${MAIN}:role/path/reader`
const TOPIC = `arn:aws:sns:eu-west-1:${MAIN}:key-alerts`
const FIFO_TOPIC = `arn:aws:sns:eu-west-1:${MAIN}:key-alerts.fifo`

interface Served {
  fake: FakeAws
  endpoint: string
}

/** One fake per describe block, started before its tests and stopped after. */
function serve(accounts: () => FakeAccount | FakeAccount[], options?: FakeAwsOptions): Served {
  const served = {} as Served
  beforeAll(async () => {
    served.fake = new FakeAws(accounts(), options)
    served.endpoint = await served.fake.start()
  })
  afterAll(async () => {
    await served.fake.stop()
  })
  return served
}

function config(served: Served) {
  return { endpoint: served.endpoint, region: 'us-east-1', credentials: STATIC_CREDENTIALS }
}

const iam = (served: Served, extra: IAMClientConfig = {}): IAMClient =>
  new IAMClient({ ...config(served), ...extra })
const trail = (served: Served, extra: CloudTrailClientConfig = {}): CloudTrailClient =>
  new CloudTrailClient({ ...config(served), ...extra })

type SdkError = Error & { $metadata?: { httpStatusCode?: number }; $fault?: string; code?: string }

/** The error a call rejects with; fails the test if it resolves. */
async function failure(promise: Promise<unknown>): Promise<SdkError> {
  try {
    await promise
  } catch (error) {
    return error as SdkError
  }
  throw new Error('expected the call to fail')
}

/** Drops the SDK's $metadata so outputs compare as plain shapes. */
function shape<T extends { $metadata?: unknown }>(output: T): Omit<T, '$metadata'> {
  const copy: Partial<T> = { ...output }
  delete copy.$metadata
  return copy as Omit<T, '$metadata'>
}

async function collect<T>(pages: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = []
  for await (const page of pages) all.push(page)
  return all
}

/** A JWT-shaped token: STS reads the claims, and the fake (like our tests) never checks the signature. */
function jwt(claims: Record<string, unknown>): string {
  const part = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url')
  return `${part({ alg: 'RS256', typ: 'JWT' })}.${part(claims)}.${part({ sig: 1 })}`
}

const githubToken = (aud = 'sts.amazonaws.com'): string =>
  jwt({
    iss: 'https://token.actions.githubusercontent.com',
    sub: 'repo:o/r:ref:refs/heads/main',
    aud
  })

const key = (accessKeyId: string, extra: Partial<FakeKey> = {}): FakeKey => ({
  accessKeyId,
  status: 'Active',
  createDate: new Date('2025-03-04T05:06:07Z'),
  ...extra
})

const user = (userName: string, extra: Partial<FakeUser> = {}): FakeUser => ({
  userName,
  keys: [],
  ...extra
})

const daysAgo = (days: number): Date =>
  new Date(Math.floor(Date.now() / 1000 - days * 86400) * 1000)

function event(
  eventId: string,
  days: number,
  extra: Partial<FakeCloudTrailEvent> = {}
): FakeCloudTrailEvent {
  return {
    eventId,
    eventName: 'ListBuckets',
    eventTime: daysAgo(days),
    eventSource: 's3.amazonaws.com',
    accessKeyId: 'AKIAUSED',
    username: 'alice',
    region: 'us-east-1',
    cloudTrailEvent: JSON.stringify({ eventID: eventId, readOnly: true }),
    ...extra
  }
}

// ---------------------------------------------------------------------------------------------
// IAM reads
// ---------------------------------------------------------------------------------------------

describe('IAM pagination through the SDK paginators', () => {
  const manyKeys = ['AKIA0001', 'AKIA0002', 'AKIA0003', 'AKIA0004', 'AKIA0005'].map((id) => key(id))
  const served = serve(() => ({
    accountId: MAIN,
    users: [
      user('erin'),
      user('bob'),
      user('dave'),
      user('alice', { keys: manyKeys }),
      user('carol')
    ]
  }))

  it('returns every user exactly once, sorted by name, two per page', async () => {
    const pages = await collect(paginateListUsers({ client: iam(served) }, {}))
    const names = pages.flatMap((p) => (p.Users ?? []).map((u) => u.UserName))
    expect(names).toEqual(['alice', 'bob', 'carol', 'dave', 'erin'])
    expect(pages.map((p) => p.Users?.length)).toEqual([2, 2, 1])
    expect(pages.map((p) => p.IsTruncated)).toEqual([true, true, false])
  })

  it('honours a smaller MaxItems than the page size', async () => {
    const pages = await collect(paginateListUsers({ client: iam(served), pageSize: 1 }, {}))
    expect(pages).toHaveLength(5)
    expect(served.fake.callsTo('ListUsers').at(-1)?.params.MaxItems).toBe('1')
  })

  it('returns every access key exactly once with Date objects', async () => {
    const pages = await collect(
      paginateListAccessKeys({ client: iam(served) }, { UserName: 'alice' })
    )
    const keys = pages.flatMap((p) => p.AccessKeyMetadata ?? [])
    expect(keys.map((k) => k.AccessKeyId)).toEqual(manyKeys.map((k) => k.accessKeyId))
    expect(keys[0]).toEqual({
      UserName: 'alice',
      AccessKeyId: 'AKIA0001',
      Status: 'Active',
      CreateDate: new Date('2025-03-04T05:06:07Z')
    })
  })

  it('answers NoSuchEntity (404) for an unknown user', async () => {
    const error = await failure(iam(served).send(new ListAccessKeysCommand({ UserName: 'nobody' })))
    expect(error).toBeInstanceOf(NoSuchEntityException)
    expect(error.message).toBe('The user with name nobody cannot be found.')
    expect(error.$metadata?.httpStatusCode).toBe(404)
  })

  it('rejects a marker that belongs to another listing', async () => {
    const first = await iam(served).send(new ListUsersCommand({}))
    const command = new ListAccessKeysCommand({ UserName: 'alice', Marker: first.Marker })
    expect((await failure(iam(served).send(command))).name).toBe('ValidationError')
  })
})

describe('IAM key and user details', () => {
  const lastUsed = {
    date: new Date('2026-10-01T12:00:00Z'),
    serviceName: 's3',
    region: 'eu-west-1'
  }
  const served = serve(() => ({
    accountId: MAIN,
    alias: 'acme-prod',
    users: [
      user('alice', {
        keys: [key('AKIANEVER'), key('AKIAUSED', { lastUsed })],
        tags: { team: 'platform', owner: 'alice@example.com' },
        groups: ['admins', 'devs', 'oncall']
      })
    ]
  }))

  it('answers a never-used key with N/A service and region and no date, as AWS does', async () => {
    const out = await iam(served).send(
      new GetAccessKeyLastUsedCommand({ AccessKeyId: 'AKIANEVER' })
    )
    expect(shape(out)).toEqual({
      UserName: 'alice',
      AccessKeyLastUsed: { ServiceName: 'N/A', Region: 'N/A' }
    })
  })

  it('answers a used key with its last use', async () => {
    const out = await iam(served).send(new GetAccessKeyLastUsedCommand({ AccessKeyId: 'AKIAUSED' }))
    expect(out.AccessKeyLastUsed).toEqual({
      LastUsedDate: lastUsed.date,
      ServiceName: 's3',
      Region: 'eu-west-1'
    })
  })

  it('answers NoSuchEntity for a key that does not exist', async () => {
    const error = await failure(
      iam(served).send(new GetAccessKeyLastUsedCommand({ AccessKeyId: 'AKIAGONE' }))
    )
    expect(error).toBeInstanceOf(NoSuchEntityException)
  })

  it('lists tags, groups and aliases', async () => {
    const client = iam(served)
    const tags = await client.send(new ListUserTagsCommand({ UserName: 'alice' }))
    expect(tags.Tags).toEqual([
      { Key: 'team', Value: 'platform' },
      { Key: 'owner', Value: 'alice@example.com' }
    ])
    const groups = await client.send(new ListGroupsForUserCommand({ UserName: 'alice' }))
    expect(groups.Groups?.map((g) => g.GroupName)).toEqual(['admins', 'devs'])
    expect(groups.Groups?.[0]?.CreateDate).toBeInstanceOf(Date)
    expect(groups.IsTruncated).toBe(true)
    const aliases = await client.send(new ListAccountAliasesCommand({}))
    expect(shape(aliases)).toEqual({ AccountAliases: ['acme-prod'], IsTruncated: false })
  })

  it('answers GetAccountAuthorizationDetails (Filter User) with tags and groups, paginated', async () => {
    const client = iam(served)
    const first = await client.send(
      new GetAccountAuthorizationDetailsCommand({ Filter: ['User'], MaxItems: 1000 })
    )
    const alice = first.UserDetailList?.find((u) => u.UserName === 'alice')
    expect(alice?.Tags).toEqual([
      { Key: 'team', Value: 'platform' },
      { Key: 'owner', Value: 'alice@example.com' }
    ])
    // Every group in one answer: the list in a UserDetail is not paginated.
    expect(alice?.GroupList).toEqual(['admins', 'devs', 'oncall'])
    expect(alice?.CreateDate).toBeInstanceOf(Date)
    expect(first.RoleDetailList).toEqual([])
    const roles = await client.send(new GetAccountAuthorizationDetailsCommand({ Filter: ['Role'] }))
    expect(roles.UserDetailList).toEqual([])
    const error = await failure(
      client.send(new GetAccountAuthorizationDetailsCommand({ Filter: ['Users' as 'User'] }))
    )
    expect(error.name).toBe('ValidationError')
  })

  it('looks user names up case-insensitively, as IAM does', async () => {
    const out = await iam(served).send(new GetUserCommand({ UserName: 'ALICE' }))
    expect(out.User?.UserName).toBe('alice')
    expect(out.User?.Arn).toBe(`arn:aws:iam::${MAIN}:user/alice`)
  })
})

// ---------------------------------------------------------------------------------------------
// IAM writes
// ---------------------------------------------------------------------------------------------

describe('IAM mutations', () => {
  const served = serve(() => ({
    accountId: MAIN,
    users: [
      user('alice', {
        createDate: new Date('2024-01-01T00:00:00Z'),
        keys: [
          key('AKIAOLD', { createDate: new Date('2024-02-02T00:00:00Z') }),
          key('AKIANEW', {
            lastUsed: {
              date: new Date('2026-11-01T00:00:00Z'),
              serviceName: 'iam',
              region: 'us-east-1'
            }
          })
        ]
      }),
      user('bob', { tags: { keep: 'yes', drop: 'no' } })
    ]
  }))

  it('deactivates and deletes keys in the live model, and records them as mutating', async () => {
    const client = iam(served)
    const alice = served.fake.account().users[0]
    await client.send(
      new UpdateAccessKeyCommand({ UserName: 'alice', AccessKeyId: 'AKIAOLD', Status: 'Inactive' })
    )
    expect(alice?.keys[0]?.status).toBe('Inactive')
    await client.send(new DeleteAccessKeyCommand({ UserName: 'alice', AccessKeyId: 'AKIAOLD' }))
    expect(alice?.keys.map((k) => k.accessKeyId)).toEqual(['AKIANEW'])
    const gone = await failure(
      client.send(new DeleteAccessKeyCommand({ UserName: 'alice', AccessKeyId: 'AKIAOLD' }))
    )
    expect(gone).toBeInstanceOf(NoSuchEntityException)
    expect(gone.message).toBe('The Access Key with id AKIAOLD cannot be found.')
    expect(served.fake.mutatingCalls().map((c) => c.action)).toEqual([
      'UpdateAccessKey',
      'DeleteAccessKey',
      'DeleteAccessKey'
    ])
  })

  it('tags and untags, rejecting characters IAM does not allow in tags', async () => {
    const client = iam(served)
    await client.send(
      new TagUserCommand({
        UserName: 'bob',
        Tags: [{ Key: 'sentinel:notified', Value: '2026-11-21T00:00:00Z' }]
      })
    )
    await client.send(new UntagUserCommand({ UserName: 'bob', TagKeys: ['drop'] }))
    expect(served.fake.account().users[1]?.tags).toEqual({
      keep: 'yes',
      'sentinel:notified': '2026-11-21T00:00:00Z'
    })
    const comma = await failure(
      client.send(new TagUserCommand({ UserName: 'bob', Tags: [{ Key: 'list', Value: 'a,b' }] }))
    )
    expect(comma.name).toBe('ValidationError')
    expect(served.fake.callsTo('TagUser')[0]?.params['Tags.member.1.Key']).toBe('sentinel:notified')
  })

  it('stores inline policies and returns them URL-encoded, as AWS does', async () => {
    const client = iam(served)
    const document = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Deny', Action: '*', Resource: '*' }]
    })
    await client.send(
      new PutUserPolicyCommand({
        UserName: 'bob',
        PolicyName: 'quarantine',
        PolicyDocument: document
      })
    )
    const got = await client.send(
      new GetUserPolicyCommand({ UserName: 'bob', PolicyName: 'quarantine' })
    )
    expect(decodeURIComponent(got.PolicyDocument ?? '')).toBe(document)
    const listed = await client.send(new ListUserPoliciesCommand({ UserName: 'bob' }))
    expect(listed.PolicyNames).toEqual(['quarantine'])
    await client.send(new DeleteUserPolicyCommand({ UserName: 'bob', PolicyName: 'quarantine' }))
    const malformed = await failure(
      client.send(
        new PutUserPolicyCommand({ UserName: 'bob', PolicyName: 'p', PolicyDocument: '{' })
      )
    )
    expect(malformed.name).toBe('MalformedPolicyDocumentException')
  })

  it('serves the credential report as AWS formats it, once generated', async () => {
    const client = iam(served)
    const missing = await failure(client.send(new GetCredentialReportCommand({})))
    expect(missing.name).toBe('CredentialReportNotPresentException')
    const generated = await client.send(new GenerateCredentialReportCommand({}))
    expect(generated.State).toBe('COMPLETE')
    const report = await client.send(new GetCredentialReportCommand({}))
    expect(report.ReportFormat).toBe('text/csv')
    expect(report.GeneratedTime).toBeInstanceOf(Date)
    const [header, root, alice, bob] = Buffer.from(report.Content ?? new Uint8Array())
      .toString('utf8')
      .split('\n')
    expect(header?.split(',')).toHaveLength(22)
    expect(root).toMatch(
      new RegExp(`^<root_account>,arn:aws:iam::${MAIN}:root,[^,]+,not_supported,`)
    )
    expect(alice).toBe(
      `alice,arn:aws:iam::${MAIN}:user/alice,2024-01-01T00:00:00+00:00,false,N/A,N/A,N/A,false,` +
        'true,2025-03-04T05:06:07+00:00,2026-11-01T00:00:00+00:00,us-east-1,iam,' +
        'false,N/A,N/A,N/A,N/A,false,N/A,false,N/A'
    )
    expect(bob).toContain(',false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,')
  })
})

// ---------------------------------------------------------------------------------------------
// Faults, retries and rate limits
// ---------------------------------------------------------------------------------------------

describe('faults and rate limits', () => {
  const served = serve(
    () => ({
      accountId: MAIN,
      users: [user('alice', { keys: [key('AKIAONE')] })],
      topics: [TOPIC]
    }),
    { iamRateLimit: { perSecond: 1000 }, cloudTrailRateLimit: { perSecond: 2 } }
  )

  it('surfaces an injected Throttling as an error named Throttling', async () => {
    served.fake.addFault({
      action: 'ListUsers',
      times: 1,
      fault: { status: 400, code: 'Throttling' }
    })
    const error = await failure(iam(served, { maxAttempts: 1 }).send(new ListUsersCommand({})))
    expect(error.name).toBe('Throttling')
    expect(error.message).toBe('Rate exceeded')
    expect(error.$metadata?.httpStatusCode).toBe(400)
    expect(served.fake.callsTo('ListUsers').at(-1)?.status).toBe(400)
  })

  it('lets the SDK retry through two throttles with its default retry strategy', async () => {
    served.fake.addFault({
      action: 'ListAccessKeys',
      times: 2,
      fault: { status: 400, code: 'Throttling' }
    })
    const out = await iam(served).send(new ListAccessKeysCommand({ UserName: 'alice' }))
    expect(out.AccessKeyMetadata).toHaveLength(1)
    expect(served.fake.callsTo('ListAccessKeys').map((c) => c.status)).toEqual([400, 400, 200])
  })

  it('turns a reset fault into a network error', async () => {
    served.fake.addFault({ action: 'ListUserTags', times: 1, fault: { reset: true } })
    const error = await failure(
      iam(served, { maxAttempts: 1 }).send(new ListUserTagsCommand({ UserName: 'alice' }))
    )
    expect(error.$metadata?.httpStatusCode).toBeUndefined()
    expect(`${error.code ?? ''} ${error.message}`).toMatch(/ECONNRESET|socket hang up/)
    expect(served.fake.callsTo('ListUserTags')[0]?.status).toBe(0)
  })

  it('delays an answer without changing it', async () => {
    served.fake.addFault({ action: 'ListAccountAliases', times: 1, fault: { delayMs: 200 } })
    const started = Date.now()
    await iam(served).send(new ListAccountAliasesCommand({}))
    expect(Date.now() - started).toBeGreaterThanOrEqual(190)
  })

  it('answers an error of the fault service protocol, here SNS', async () => {
    const match = (call: { params: Record<string, string> }): boolean => call.params.Subject === 'x'
    served.fake.addFault({
      service: 'sns',
      match,
      fault: { status: 403, code: 'AuthorizationError' }
    })
    const sns = new SNSClient({ ...config(served), region: 'eu-west-1', maxAttempts: 1 })
    const error = await failure(
      sns.send(new PublishCommand({ TopicArn: TOPIC, Message: 'm', Subject: 'x' }))
    )
    expect(error.name).toBe('AuthorizationErrorException')
    served.fake.clearFaults()
  })

  it('throttles CloudTrail per region beyond its rate', async () => {
    const client = trail(served, { maxAttempts: 1 })
    const results = await Promise.allSettled(
      [1, 2, 3].map(() => client.send(new LookupEventsCommand({})))
    )
    const rejected = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as SdkError] : []))
    expect(rejected.map((e) => e.name)).toEqual(['ThrottlingException'])
    const elsewhere = trail(served, { maxAttempts: 1, region: 'eu-west-1' })
    await expect(elsewhere.send(new LookupEventsCommand({}))).resolves.toBeDefined()
  })

  it('answers InvalidAction for operations it does not know, and records them', async () => {
    const response = await fetch(served.endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization:
          'AWS4-HMAC-SHA256 Credential=AKIAFAKE/20261121/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=00'
      },
      body: 'Action=CreateLoginProfile&Version=2010-05-08&UserName=alice'
    })
    expect(response.status).toBe(400)
    expect(await response.text()).toContain('<Code>InvalidAction</Code>')
    expect(served.fake.mutatingCalls().map((c) => c.action)).toContain('CreateLoginProfile')
  })

  it('lets a test change the model when a call arrives', async () => {
    served.fake.setOnCall((call) => {
      if (call.action === 'GetAccessKeyLastUsed') {
        const found = served.fake.account().users[0]?.keys[0]
        if (found) found.status = 'Inactive'
      }
    })
    const client = iam(served)
    await client.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: 'AKIAONE' }))
    served.fake.setOnCall(undefined)
    const out = await client.send(new ListAccessKeysCommand({ UserName: 'alice' }))
    expect(out.AccessKeyMetadata?.[0]?.Status).toBe('Inactive')
  })
})

describe('a broken onCall hook', () => {
  const served = serve(() => ({ accountId: MAIN, users: [] }))

  it('answers 500 with the hook message instead of hanging up', async () => {
    served.fake.setOnCall(() => {
      throw new Error('boom')
    })
    const error = await failure(iam(served, { maxAttempts: 1 }).send(new ListUsersCommand({})))
    served.fake.setOnCall(undefined)
    expect(error.name).toBe('InternalFailure')
    expect(error.message).toBe('setOnCall hook threw: boom')
  })
})

describe('IAM rate limit', () => {
  const served = serve(() => ({ accountId: MAIN, users: [] }), {
    iamRateLimit: { perSecond: 1, burst: 2 }
  })

  it('answers Throttling beyond the burst', async () => {
    const client = iam(served, { maxAttempts: 1 })
    const results = await Promise.allSettled(
      [1, 2, 3].map(() => client.send(new ListUsersCommand({})))
    )
    const names = results.map((r) => (r.status === 'rejected' ? (r.reason as SdkError).name : 'ok'))
    expect(names.sort()).toEqual(['Throttling', 'ok', 'ok'])
  })
})

// ---------------------------------------------------------------------------------------------
// STS
// ---------------------------------------------------------------------------------------------

describe('STS federation', () => {
  const served = serve(() => [
    { accountId: MAIN, users: [user('main-user')], roles: [CHAINED_ROLE] },
    { accountId: OTHER, users: [user('other-user')], roles: [AUDITOR_ROLE] }
  ])

  /** Unsigned, like the SDK's web identity provider: no credentials configured. */
  const unsignedSts = (): STSClient =>
    new STSClient({ endpoint: served.endpoint, region: 'us-east-1' })

  function withCredentials(credentials: Credentials | undefined) {
    return {
      ...config(served),
      credentials: {
        accessKeyId: credentials?.AccessKeyId ?? '',
        secretAccessKey: credentials?.SecretAccessKey ?? '',
        sessionToken: credentials?.SessionToken
      }
    }
  }

  async function federate(sessionName = 'gh-run-1'): Promise<Credentials | undefined> {
    const command = new AssumeRoleWithWebIdentityCommand({
      RoleArn: AUDITOR_ROLE,
      RoleSessionName: sessionName,
      WebIdentityToken: githubToken()
    })
    return (await unsignedSts().send(command)).Credentials
  }

  it('federates over OIDC into the role account and identifies the session', async () => {
    const out = await unsignedSts().send(
      new AssumeRoleWithWebIdentityCommand({
        RoleArn: AUDITOR_ROLE,
        RoleSessionName: 'gh-run-1',
        WebIdentityToken: githubToken()
      })
    )
    expect(out.Credentials?.AccessKeyId).toMatch(/^ASIA[A-Z0-9]{16}$/)
    expect(out.Credentials?.SecretAccessKey).toHaveLength(40)
    expect(out.Credentials?.Expiration?.getTime()).toBeGreaterThan(Date.now() + 3500_000)
    expect(out.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${OTHER}:assumed-role/auditor/gh-run-1`)
    expect(out.SubjectFromWebIdentityToken).toBe('repo:o/r:ref:refs/heads/main')
    expect(served.fake.callsTo('AssumeRoleWithWebIdentity').at(-1)?.accessKeyId).toBeUndefined()

    const sts = new STSClient(withCredentials(out.Credentials))
    const identity = await sts.send(new GetCallerIdentityCommand({}))
    expect(identity.Account).toBe(OTHER)
    expect(identity.Arn).toBe(`arn:aws:sts::${OTHER}:assumed-role/auditor/gh-run-1`)
    expect(identity.UserId).toMatch(/^AROA[A-Z2-7]{17}:gh-run-1$/)
  })

  it('acts on the role account for later IAM calls with the issued credentials', async () => {
    const credentials = await federate()
    const out = await new IAMClient(withCredentials(credentials)).send(new ListUsersCommand({}))
    expect(out.Users?.map((u) => u.UserName)).toEqual(['other-user'])
    expect(served.fake.callsTo('ListUsers').at(-1)?.accessKeyId).toBe(credentials?.AccessKeyId)
  })

  it('checks the signature of issued credentials, and that they are not used as a user', async () => {
    const credentials = await federate()
    const good = withCredentials(credentials)
    const iamUser = await failure(new IAMClient(good).send(new ListAccessKeysCommand({})))
    expect(iamUser.message).toBe('Must specify userName when calling with non-User credentials')
    const forged = { ...good, credentials: { ...good.credentials, secretAccessKey: 'wrong' } }
    const error = await failure(new STSClient(forged).send(new GetCallerIdentityCommand({})))
    expect(error.name).toBe('SignatureDoesNotMatch')
  })

  it('rejects issued credentials sent without their session token', async () => {
    const credentials = await federate()
    const config = withCredentials(credentials)
    const bare = { ...config, credentials: { ...config.credentials, sessionToken: undefined } }
    const error = await failure(new STSClient(bare).send(new GetCallerIdentityCommand({})))
    expect(error.name).toBe('InvalidClientTokenId')
    expect(error.$metadata?.httpStatusCode).toBe(403)
  })

  it('rejects a token for another audience, a non-JWT and a role nobody trusts', async () => {
    const attempt = (
      over: Partial<{ RoleArn: string; WebIdentityToken: string; RoleSessionName: string }>
    ) =>
      failure(
        unsignedSts().send(
          new AssumeRoleWithWebIdentityCommand({
            RoleArn: AUDITOR_ROLE,
            RoleSessionName: 'gh-run-1',
            WebIdentityToken: githubToken(),
            ...over
          })
        )
      )
    expect((await attempt({ WebIdentityToken: githubToken('other') })).name).toBe(
      'InvalidIdentityTokenException'
    )
    expect((await attempt({ WebIdentityToken: 'not-a-jwt' })).name).toBe(
      'InvalidIdentityTokenException'
    )
    const denied = await attempt({ RoleArn: `arn:aws:iam::${OTHER}:role/unknown` })
    expect(denied.name).toBe('AccessDenied')
    expect(denied.$metadata?.httpStatusCode).toBe(403)
    expect((await attempt({ RoleSessionName: 'has space' })).name).toBe('ValidationError')
  })

  it('chains roles for at most an hour, mapping to the new role account', async () => {
    const sts = new STSClient(withCredentials(await federate()))
    const chained = await sts.send(
      new AssumeRoleCommand({ RoleArn: CHAINED_ROLE, RoleSessionName: 'chain' })
    )
    const identity = await new STSClient(withCredentials(chained.Credentials)).send(
      new GetCallerIdentityCommand({})
    )
    expect(identity.Arn).toBe(`arn:aws:sts::${MAIN}:assumed-role/reader/chain`)
    const tooLong = new AssumeRoleCommand({
      RoleArn: CHAINED_ROLE,
      RoleSessionName: 'c',
      DurationSeconds: 7200
    })
    expect((await failure(sts.send(tooLong))).name).toBe('ValidationError')
  })

  it('identifies any other signing key as the default user of the first account', async () => {
    const identity = await new STSClient(config(served)).send(new GetCallerIdentityCommand({}))
    expect(shape(identity)).toEqual({
      UserId: expect.stringMatching(/^AIDA/),
      Account: MAIN,
      Arn: `arn:aws:iam::${MAIN}:user/default`
    })
  })
})

describe('signing with keys of modelled users', () => {
  const bot = user('ci-bot', {
    keys: [key('AKIABOT', { secretAccessKey: 's3cret' }), key('AKIAOFF', { status: 'Inactive' })]
  })
  const served = serve(() => [
    { accountId: MAIN, users: [] },
    { accountId: OTHER, users: [bot] }
  ])
  const signedBy = (accessKeyId: string, secretAccessKey: string) => ({
    ...config(served),
    credentials: { accessKeyId, secretAccessKey }
  })

  it('acts as that user in its account', async () => {
    const identity = await new STSClient(signedBy('AKIABOT', 's3cret')).send(
      new GetCallerIdentityCommand({})
    )
    expect(identity.Arn).toBe(`arn:aws:iam::${OTHER}:user/ci-bot`)
    const own = await new IAMClient(signedBy('AKIABOT', 's3cret')).send(
      new ListAccessKeysCommand({})
    )
    expect(own.AccessKeyMetadata?.map((k) => k.AccessKeyId)).toEqual(['AKIABOT', 'AKIAOFF'])
  })

  it('rejects a wrong secret and an inactive key, per protocol', async () => {
    const forged = signedBy('AKIABOT', 'wrong')
    expect((await failure(new STSClient(forged).send(new GetCallerIdentityCommand({})))).name).toBe(
      'SignatureDoesNotMatch'
    )
    const json = await failure(new CloudTrailClient(forged).send(new LookupEventsCommand({})))
    expect(json.name).toBe('InvalidSignatureException')
    const inactive = new IAMClient(signedBy('AKIAOFF', 'any')).send(new ListUsersCommand({}))
    expect((await failure(inactive)).name).toBe('InvalidClientTokenId')
  })
})

describe('AWS_ENDPOINT_URL', () => {
  const served = serve(() => ({ accountId: MAIN, users: [user('alice')] }))

  it('routes clients built without an endpoint to the fake', async () => {
    const saved = process.env.AWS_ENDPOINT_URL
    process.env.AWS_ENDPOINT_URL = served.endpoint
    try {
      const client = new IAMClient({ region: 'us-east-1', credentials: STATIC_CREDENTIALS })
      const out = await client.send(new ListUsersCommand({}))
      expect(out.Users?.map((u) => u.UserName)).toEqual(['alice'])
    } finally {
      if (saved === undefined) delete process.env.AWS_ENDPOINT_URL
      else process.env.AWS_ENDPOINT_URL = saved
    }
  })
})

describe('STS with a custom audience', () => {
  const served = serve(() => ({ accountId: MAIN, users: [], roles: [CHAINED_ROLE] }), {
    expectedAudience: 'sigstore'
  })

  it('accepts tokens for the configured audience only', async () => {
    const sts = new STSClient({ endpoint: served.endpoint, region: 'us-east-1' })
    const send = (aud: string) =>
      sts.send(
        new AssumeRoleWithWebIdentityCommand({
          RoleArn: CHAINED_ROLE,
          RoleSessionName: 'custom',
          WebIdentityToken: githubToken(aud)
        })
      )
    await expect(send('sigstore')).resolves.toHaveProperty('Audience', 'sigstore')
    expect((await failure(send('sts.amazonaws.com'))).name).toBe('InvalidIdentityTokenException')
  })
})

// ---------------------------------------------------------------------------------------------
// SNS
// ---------------------------------------------------------------------------------------------

describe('SNS', () => {
  const served = serve(() => ({ accountId: MAIN, users: [], topics: [TOPIC, FIFO_TOPIC] }))
  const sns = (region = 'eu-west-1'): SNSClient => new SNSClient({ ...config(served), region })

  it('publishes with attributes, recording the region the client used', async () => {
    const out = await sns().send(
      new PublishCommand({
        TopicArn: TOPIC,
        Subject: 'Access keys due for rotation',
        Message: 'alice: AKIAONE is 91 days old',
        MessageAttributes: {
          dueCount: { DataType: 'Number', StringValue: '3' },
          severity: { DataType: 'String', StringValue: 'high' }
        }
      })
    )
    expect(served.fake.published).toEqual([
      {
        topicArn: TOPIC,
        region: 'eu-west-1',
        subject: 'Access keys due for rotation',
        message: 'alice: AKIAONE is 91 days old',
        attributes: {
          dueCount: { DataType: 'Number', StringValue: '3' },
          severity: { DataType: 'String', StringValue: 'high' }
        },
        messageId: out.MessageId
      }
    ])
    expect(served.fake.callsTo('Publish')[0]?.region).toBe('eu-west-1')
  })

  it('rejects a topic in another region, and one that does not exist', async () => {
    const wrongRegion = await failure(
      sns('us-east-1').send(new PublishCommand({ TopicArn: TOPIC, Message: 'm' }))
    )
    expect(wrongRegion.name).toBe('InvalidParameterException')
    const missing = await failure(
      sns().send(new PublishCommand({ TopicArn: `${TOPIC}-gone`, Message: 'm' }))
    )
    expect(missing.name).toBe('NotFoundException')
    expect(missing.$metadata?.httpStatusCode).toBe(404)
  })

  it('requires group and deduplication ids on FIFO topics, and deduplicates', async () => {
    const noGroup = await failure(
      sns().send(new PublishCommand({ TopicArn: FIFO_TOPIC, Message: 'm' }))
    )
    expect(noGroup.name).toBe('InvalidParameterException')
    const fifo = new PublishCommand({
      TopicArn: FIFO_TOPIC,
      Message: 'm',
      MessageGroupId: 'keys',
      MessageDeduplicationId: 'run-1'
    })
    const first = await sns().send(fifo)
    const again = await sns().send(fifo)
    expect(first.SequenceNumber).toMatch(/^\d{20}$/)
    expect(again.MessageId).toBe(first.MessageId)
    expect(served.fake.published.filter((p) => p.topicArn === FIFO_TOPIC)).toHaveLength(1)
  })

  it('answers topic attributes as a map', async () => {
    const out = await sns().send(new GetTopicAttributesCommand({ TopicArn: FIFO_TOPIC }))
    expect(out.Attributes).toMatchObject({ TopicArn: FIFO_TOPIC, Owner: MAIN, FifoTopic: 'true' })
  })
})

// ---------------------------------------------------------------------------------------------
// CloudTrail
// ---------------------------------------------------------------------------------------------

describe('CloudTrail LookupEvents', () => {
  const used = [1, 2, 3, 4, 5].map((d) => event(`used-${d}`, d))
  const served = serve(() => ({
    accountId: MAIN,
    users: [],
    cloudTrail: [
      ...used,
      event('other-key', 1, {
        accessKeyId: 'AKIAOTHER',
        eventName: 'DeleteBucket',
        cloudTrailEvent: '{}'
      }),
      event('eu', 1, { region: 'eu-west-1' }),
      event('ancient', 120),
      event('with-resource', 6, {
        resources: [{ resourceType: 'AWS::S3::Bucket', resourceName: 'logs' }]
      })
    ]
  }))

  it('pages newest first through every matching event exactly once', async () => {
    const filter = {
      LookupAttributes: [{ AttributeKey: 'AccessKeyId' as const, AttributeValue: 'AKIAUSED' }]
    }
    const pages = await collect(
      paginateLookupEvents({ client: trail(served), pageSize: 2 }, filter)
    )
    const ids = pages.flatMap((p) => (p.Events ?? []).map((e) => e.EventId))
    expect(ids).toEqual(['used-1', 'used-2', 'used-3', 'used-4', 'used-5', 'with-resource'])
    expect(pages).toHaveLength(3)
    const first = pages[0]?.Events?.[0]
    expect(first?.EventTime).toEqual(used[0]?.eventTime)
    expect(first?.ReadOnly).toBe('true')
    expect(JSON.parse(first?.CloudTrailEvent ?? '{}')).toEqual({
      eventID: 'used-1',
      readOnly: true
    })
  })

  it('filters by time, event name and resource, and by the calling region', async () => {
    const client = trail(served)
    const recent = await client.send(
      new LookupEventsCommand({ StartTime: daysAgo(2.5), EndTime: daysAgo(1.5) })
    )
    expect(recent.Events?.map((e) => e.EventId)).toEqual(['used-2'])
    const byName = await client.send(
      new LookupEventsCommand({
        LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'DeleteBucket' }]
      })
    )
    expect(byName.Events?.map((e) => [e.EventId, e.ReadOnly])).toEqual([['other-key', 'false']])
    const byResource = await client.send(
      new LookupEventsCommand({
        LookupAttributes: [{ AttributeKey: 'ResourceName', AttributeValue: 'logs' }]
      })
    )
    expect(byResource.Events?.[0]?.Resources).toEqual([
      { ResourceType: 'AWS::S3::Bucket', ResourceName: 'logs' }
    ])
    const eu = await trail(served, { region: 'eu-west-1' }).send(new LookupEventsCommand({}))
    expect(eu.Events?.map((e) => e.EventId)).toEqual(['eu'])
  })

  it('leaves out events older than the 90 days of event history', async () => {
    const all = await trail(served).send(new LookupEventsCommand({ StartTime: daysAgo(365) }))
    expect(all.Events?.map((e) => e.EventId)).not.toContain('ancient')
  })

  it('answers its modelled errors', async () => {
    const client = trail(served)
    const twoAttributes = new LookupEventsCommand({
      LookupAttributes: [
        { AttributeKey: 'EventName', AttributeValue: 'a' },
        { AttributeKey: 'Username', AttributeValue: 'b' }
      ]
    })
    expect((await failure(client.send(twoAttributes))).name).toBe(
      'InvalidLookupAttributesException'
    )
    const backwards = new LookupEventsCommand({ StartTime: daysAgo(1), EndTime: daysAgo(2) })
    expect((await failure(client.send(backwards))).name).toBe('InvalidTimeRangeException')
    const tooMany = new LookupEventsCommand({ MaxResults: 51 })
    expect((await failure(client.send(tooMany))).name).toBe('InvalidMaxResultsException')
    const foreign = new LookupEventsCommand({ NextToken: 'bm9wZQ==' })
    expect((await failure(client.send(foreign))).name).toBe('InvalidNextTokenException')
  })

  it('records JSON params with non-string fields stringified', async () => {
    await trail(served).send(new LookupEventsCommand({ MaxResults: 5 }))
    expect(served.fake.callsTo('LookupEvents').at(-1)?.params).toEqual({ MaxResults: '5' })
  })
})

// ---------------------------------------------------------------------------------------------
// XML escaping
// ---------------------------------------------------------------------------------------------

describe('XML escaping of hostile values', () => {
  const hostile = [
    'a<b>&c',
    'end]]>of cdata',
    `"double" and 'single'`,
    'emoji 😀 and ümlaut',
    'carriage\r\nreturn',
    '  padded  ',
    '&amp; already escaped'
  ]
  const served = serve(() => ({
    accountId: MAIN,
    users: hostile.map((name, i) =>
      user(name, { tags: Object.fromEntries(hostile.map((value, j) => [`${i}-${j}`, value])) })
    )
  }))

  it('round-trips user names exactly', async () => {
    const pages = await collect(paginateListUsers({ client: iam(served) }, {}))
    const names = pages.flatMap((p) => (p.Users ?? []).map((u) => u.UserName))
    expect([...names].sort()).toEqual([...hostile].sort())
  })

  it('round-trips tag values exactly', async () => {
    const name = hostile[0] ?? ''
    const pages: string[] = []
    let marker: string | undefined
    do {
      const out = await iam(served).send(
        new ListUserTagsCommand({ UserName: name, Marker: marker })
      )
      pages.push(...(out.Tags ?? []).map((t) => t.Value ?? ''))
      marker = out.Marker
    } while (marker)
    expect(pages).toEqual(hostile)
  })

  it('round-trips through JSON for CloudTrail too', async () => {
    served.fake.account().cloudTrail = [event('x', 1, { username: hostile.join('|') })]
    const out = await trail(served).send(new LookupEventsCommand({}))
    expect(out.Events?.[0]?.Username).toBe(hostile.join('|'))
  })
})
