// The built action (dist/index.js), run as the runner runs it (every action.yml default as
// INPUT_*, through GitHub OIDC from the fake GitHub), against moto: a second AWS that nobody here
// wrote. Keys are made "in the past" by moving moto's clock with libfaketime.
//
// Where moto differs from AWS's documentation, a comment says so; the product follows AWS.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { AssumeRoleCommand, STSClient, type AssumeRoleCommandOutput } from '@aws-sdk/client-sts'
import {
  CreateAccessKeyCommand,
  CreateUserCommand,
  GetUserPolicyCommand,
  IAMClient,
  ListAccessKeysCommand,
  ListUserTagsCommand,
  TagUserCommand
} from '@aws-sdk/client-iam'
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns'
import {
  CreateAccountCommand,
  CreateOrganizationCommand,
  DescribeCreateAccountStatusCommand,
  OrganizationsClient
} from '@aws-sdk/client-organizations'
import { GetFindingsCommand, SecurityHubClient } from '@aws-sdk/client-securityhub'
import { FakeGitHub } from '../support/fake-github/index.js'
import { readReport } from '../support/harness.js'
import {
  actionClockEnv,
  MOTO_ACCOUNT_ID,
  MOTO_CREDENTIALS,
  MOTO_REPORT_GENERATED_AT,
  startMoto,
  type Moto
} from '../support/moto.js'
import { runAction, type RunResult } from '../support/run-action.js'

const REGION = 'us-east-1'
const AUDIT_ROLE = `arn:aws:iam::${MOTO_ACCOUNT_ID}:role/iam-key-sentinel-audit`
const POLICY = {
  'max-age-days': '90',
  'warn-days': '14',
  'fail-on': 'never',
  'create-issues': 'false'
}

let moto: Moto
let github: FakeGitHub
let githubUrl: string

beforeAll(async () => {
  github = new FakeGitHub({ owner: 'acme', repo: 'security' })
  ;[moto, githubUrl] = await Promise.all([startMoto(), github.start()])
})
afterAll(async () => {
  for (const made of clients) made.destroy()
  await Promise.all([moto?.stop(), github?.stop()])
})
beforeEach(async () => {
  await moto.shiftWorld(0)
  await moto.reset()
})

type Credentials = typeof MOTO_CREDENTIALS & { sessionToken?: string }
const config = (credentials: Credentials = MOTO_CREDENTIALS) => ({
  endpoint: moto.endpoint,
  region: REGION,
  credentials
})
/** Every SDK client the test makes, destroyed at the end so no socket keeps jest alive. */
const clients: { destroy(): void }[] = []
function client<T extends { destroy(): void }>(made: T): T {
  clients.push(made)
  return made
}
const iam = (credentials?: Credentials) => client(new IAMClient(config(credentials)))

/** One run of dist/index.js through OIDC, as a scheduled workflow would run it. */
function run(
  inputs: Record<string, string>,
  event?: unknown,
  env: Record<string, string> = {}
): Promise<RunResult> {
  return runAction({
    env,
    awsEndpoint: moto.endpoint,
    githubUrl,
    oidcUrl: github.oidcUrl(),
    oidcRequestToken: github.idTokenRequestToken,
    githubToken: github.token,
    inputs: { 'role-to-assume': AUDIT_ROLE, ...inputs },
    ...(event === undefined ? {} : { event, eventName: 'workflow_dispatch' })
  })
}

const log = (result: RunResult): string => `${result.stdout}\n${result.stderr}`

/** Fails with the run's log, so a failure says why. */
function expectSuccess(result: RunResult): void {
  if (result.code !== 0) throw new Error(`the action exited ${result.code}:\n${log(result)}`)
}

/** Creates `userName` if needed and a key for it made `ageDays` ago on moto's clock. */
async function keyAged(client: IAMClient, userName: string, ageDays: number): Promise<string> {
  return moto.inThePast(ageDays, async () => {
    await client.send(new CreateUserCommand({ UserName: userName })).catch((error: unknown) => {
      if ((error as Error).name !== 'EntityAlreadyExistsException') throw error
    })
    const { AccessKey } = await client.send(new CreateAccessKeyCommand({ UserName: userName }))
    return AccessKey?.AccessKeyId as string
  })
}

/** With max-age-days 90 and warn-days 14: far from every boundary, whatever the hour. */
async function seedAccount(client: IAMClient) {
  return {
    alice: await keyAged(client, 'alice', 200),
    bobOld: await keyAged(client, 'bob', 120),
    bobNew: await keyAged(client, 'bob', 10),
    carol: await keyAged(client, 'carol', 80),
    dave: await keyAged(client, 'dave', 30)
  }
}

describe('moto: audit', () => {
  it('makes keys in the past under libfaketime, then returns to the present', async () => {
    const keys = await seedAccount(iam())
    const { AccessKeyMetadata = [] } = await iam().send(
      new ListAccessKeysCommand({ UserName: 'alice' })
    )
    const age = (Date.now() - (AccessKeyMetadata[0]?.CreateDate?.getTime() ?? 0)) / 86_400_000
    expect(AccessKeyMetadata[0]?.AccessKeyId).toBe(keys.alice)
    expect(Math.round(age)).toBe(200)
    // And back: a key made now is new.
    const fresh = await iam().send(new CreateAccessKeyCommand({ UserName: 'dave' }))
    expect(Date.now() - (fresh.AccessKey?.CreateDate?.getTime() ?? 0)).toBeLessThan(86_400_000)
  })

  it('finds the same keys, key by key, with the api walk and the credential report', async () => {
    // moto's report always says it was generated at 2015-02-02T20:02:02Z, which the action rightly
    // calls stale (next test). So moto and the action both live an hour after that instant here,
    // where moto's report is as fresh as AWS's would be.
    const world = (MOTO_REPORT_GENERATED_AT + 3_600_000 - Date.now()) / 1000
    await moto.shiftWorld(world)
    const keys = await seedAccount(iam())
    const clock = actionClockEnv(world)
    const api = await run({ ...POLICY, 'scan-method': 'api' }, undefined, clock)
    const report = await run({ ...POLICY, 'scan-method': 'credential-report' }, undefined, clock)
    expectSuccess(api)
    expectSuccess(report)
    expect(api.outputs['scan-method-used']).toBe('api')
    expect(report.outputs['scan-method-used']).toBe('credential-report')
    // moto's credential report differs from AWS's documented one, and the action reads it the
    // documented way: GeneratedTime is always 2015-02-02T20:02:02Z (AWS: when the report was made);
    // there is no <root_account> row (AWS: always the first); a user without a password has
    // password_last_changed set to its creation time (AWS: N/A) and 'not_supported' in
    // password_last_used and access_key_N_last_used_region/service (AWS: N/A or no_information).

    const byKey = async (result: RunResult) =>
      Object.fromEntries(
        (await readReport(result)).keys.map((k) => [k.accessKeyId, [k.userName, k.class, k.status]])
      )
    const expected = {
      [keys.alice]: ['alice', 'overdue', 'Active'],
      [keys.bobOld]: ['bob', 'overdue', 'Active'],
      [keys.bobNew]: ['bob', 'ok', 'Active'],
      [keys.carol]: ['carol', 'due-soon', 'Active'],
      [keys.dave]: ['dave', 'ok', 'Active']
    }
    expect(await byKey(api)).toEqual(expected)
    // The credential report path reads live only the users the report makes candidates, and
    // counts the ok keys of the others without listing them (scan.credentialReport.unlistedOkKeys):
    // here dave's. Every key it lists is the api walk's, with the same class and status.
    // Carol's due-soon key is named by slot (no channel of this run needs its ID, issue 28):
    // the report's slot, class and status, and the api walk's creation time.
    const { [keys.dave]: unlisted, [keys.carol]: carol, ...listed } = expected
    expect(unlisted?.[1]).toBe('ok')
    expect(await byKey(report)).toEqual(listed)
    const reportFile = await readReport(report)
    // The report's creation time has whole seconds; the api walk's has milliseconds.
    const seconds = (iso: unknown) => String(iso).slice(0, 19)
    const apiFile = (await readReport(api)) as unknown as { keys: { createDate: string }[] }
    const byId = (await readReport(api)).keys.findIndex((k) => k.accessKeyId === keys.carol)
    const bySlot = (reportFile as unknown as { keysBySlot?: Record<string, unknown>[] }).keysBySlot
    expect(
      (bySlot ?? []).map((k) => [k.userName, k.class, k.status, seconds(k.createDate)])
    ).toEqual([[carol?.[0], carol?.[1], carol?.[2], seconds(apiFile.keys[byId]?.createDate)]])
    expect(reportFile.scan).toMatchObject({
      method: 'credential-report',
      // Alice and bob read live; carol's due-soon key named by slot, dave's ok key counted.
      credentialReport: { candidateUsers: 2, unlistedOkKeys: 1 }
    })
    expect(reportFile.counts).toEqual((await readReport(api)).counts)
    // GetAccountSummary in every audit: moto models AccountAccessKeysPresent as always 0 (it has
    // no root user keys), and bob's two active keys are found by both methods.
    for (const result of [api, report]) {
      expect(result.outputs['root-access-keys-present']).toBe('false')
      expect(result.outputs['two-active-keys-count']).toBe('1')
    }
    for (const output of ['key-count', 'overdue-count', 'due-soon-count', 'unused-count']) {
      expect([output, report.outputs[output]]).toEqual([output, api.outputs[output]])
    }
    // The findings output names carol's key as the report does: by slot, without an ID.
    const named = (r: RunResult) =>
      (JSON.parse(r.outputs.findings ?? '[]') as { userName: string; accessKeyId?: string }[]).map(
        (f) => [f.userName, f.accessKeyId ?? 'by slot']
      )
    expect(named(report)).toEqual(
      named(api).map(([user, id]) => [user, user === 'carol' ? 'by slot' : id])
    )
  })

  it("calls moto's 2015 report stale in the present, and walks the API instead, saying why", async () => {
    // AWS regenerates a report older than 4 hours on GenerateCredentialReport, so a report that
    // old after a Generate is not current data: the action does not trust it (AWS's IAM guide,
    // "Getting credential reports"). moto serves one generated in 2015, whatever the time.
    const keys = await seedAccount(iam())
    const result = await run({ ...POLICY, 'scan-method': 'credential-report' })
    expectSuccess(result)
    expect(result.outputs['scan-method-used']).toBe('api')
    expect(result.summary).toContain('2015-02-02T20:02:02.000Z')
    expect(result.summary).toMatch(/stale|not trusted/)
    const found = (await readReport(result)).keys.map((k) => k.accessKeyId).sort()
    expect(found).toEqual(Object.values(keys).sort())
  })
})

/** Each key's status in moto, or 'Deleted'. */
async function statuses(client: IAMClient, users: string[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {}
  for (const UserName of users) {
    const { AccessKeyMetadata = [] } = await client.send(new ListAccessKeysCommand({ UserName }))
    for (const k of AccessKeyMetadata) out[k.AccessKeyId as string] = k.Status as string
  }
  return out
}

describe('moto: remediation', () => {
  it('deactivates overdue keys and verifies them, then deletes them after the grace period', async () => {
    const keys = await seedAccount(iam())
    const users = ['alice', 'bob', 'carol', 'dave']

    const first = await run({ ...POLICY, action: 'delete', 'delete-grace-days': '7' })
    expectSuccess(first)
    expect(await statuses(iam(), users)).toEqual({
      [keys.alice]: 'Inactive',
      [keys.bobOld]: 'Inactive',
      [keys.bobNew]: 'Active',
      [keys.carol]: 'Active',
      [keys.dave]: 'Active'
    })
    const firstChanges = (await readReport(first)).remediation?.changes ?? []
    expect(
      firstChanges.map((c) => [c.kind, c.accessKeyId, c.result, c.after?.status]).sort()
    ).toEqual(
      [
        ['deactivate', keys.alice, 'applied', 'Inactive'],
        ['deactivate', keys.bobOld, 'applied', 'Inactive']
      ].sort()
    )
    expect(first.outputs['deactivated-count']).toBe('2')

    // The deactivation date is a user tag the action wrote; eight days pass.
    for (const userName of ['alice', 'bob']) {
      const { Tags = [] } = await iam().send(new ListUserTagsCommand({ UserName: userName }))
      const stamps = Tags.filter((t) => t.Key?.startsWith('iam-key-sentinel:deactivated:'))
      expect(stamps).toHaveLength(1)
      const eightDaysAgo = new Date(Date.parse(stamps[0]?.Value ?? '') - 8 * 86_400_000)
      await iam().send(
        new TagUserCommand({
          UserName: userName,
          Tags: [{ Key: stamps[0]?.Key, Value: eightDaysAgo.toISOString() }]
        })
      )
    }

    const second = await run({ ...POLICY, action: 'delete', 'delete-grace-days': '7' })
    expectSuccess(second)
    expect(await statuses(iam(), users)).toEqual({
      [keys.bobNew]: 'Active',
      [keys.carol]: 'Active',
      [keys.dave]: 'Active'
    })
    const deletes = (await readReport(second)).remediation?.changes ?? []
    expect(deletes.map((c) => [c.kind, c.accessKeyId, c.result]).sort()).toEqual(
      [
        ['delete', keys.alice, 'applied'],
        ['delete', keys.bobOld, 'applied']
      ].sort()
    )
    expect(second.outputs['deleted-count']).toBe('2')
  })
})

describe('moto: claims', () => {
  it("leaves a key another run's live claim holds, takes the others, and cleans a killed run's claim", async () => {
    const keys = await seedAccount(iam())
    const claim = (key: string, run: string) => `iam-key-sentinel:claim:${key}:${run}`
    // Another run is changing alice's key; a run killed two hours ago left a claim on bob's.
    await iam().send(
      new TagUserCommand({
        UserName: 'alice',
        Tags: [{ Key: claim(keys.alice, 'run-9.1.abcdef01'), Value: new Date().toISOString() }]
      })
    )
    const killed = claim(keys.bobOld, 'run-8.1.deadbeef')
    await iam().send(
      new TagUserCommand({
        UserName: 'bob',
        Tags: [{ Key: killed, Value: new Date(Date.now() - 2 * 3_600_000).toISOString() }]
      })
    )

    const result = await run({ ...POLICY, action: 'deactivate' })
    expectSuccess(result)
    const changes = (await readReport(result)).remediation?.changes ?? []
    const of = (id: string) => changes.find((c) => c.accessKeyId === id)
    expect(of(keys.alice)).toMatchObject({ result: 'claimed' })
    expect(of(keys.alice)?.detail).toContain('another run (run-9.1.abcdef01) claimed this key')
    expect(of(keys.bobOld)).toMatchObject({ result: 'applied' })
    expect(await statuses(iam(), ['alice', 'bob'])).toMatchObject({
      [keys.alice]: 'Active',
      [keys.bobOld]: 'Inactive'
    })
    // The other run's claim stays; this run's and the killed run's are gone.
    const claims = async (userName: string) =>
      ((await iam().send(new ListUserTagsCommand({ UserName: userName }))).Tags ?? [])
        .map((t) => t.Key ?? '')
        .filter((k) => k.startsWith('iam-key-sentinel:claim:'))
    expect(await claims('alice')).toEqual([claim(keys.alice, 'run-9.1.abcdef01')])
    expect(await claims('bob')).toEqual([])
  })
})

describe('moto: revoke', () => {
  it('deactivates the exposed key and denies sessions issued before the revocation', async () => {
    const keys = await seedAccount(iam())
    const before = Date.now()
    const result = await run({
      mode: 'revoke',
      'revoke-access-key-ids': keys.carol,
      'create-issues': 'false'
    })
    expectSuccess(result)
    expect((await statuses(iam(), ['carol']))[keys.carol]).toBe('Inactive')

    const { PolicyDocument } = await iam().send(
      new GetUserPolicyCommand({
        UserName: 'carol',
        PolicyName: 'iam-key-sentinel-revoke-older-sessions'
      })
    )
    // IAM returns policy documents URL-encoded (RFC 3986), as AWS documents for GetUserPolicy.
    const policy = JSON.parse(decodeURIComponent(PolicyDocument ?? '')) as {
      Statement: { Effect: string; Action: string; Resource: string; Condition: unknown }[]
    }
    expect(policy.Statement).toHaveLength(1)
    const [statement] = policy.Statement
    expect(statement).toMatchObject({ Effect: 'Deny', Action: '*', Resource: '*' })
    const cutoff = (statement?.Condition as { DateLessThan: Record<string, string> }).DateLessThan[
      'aws:TokenIssueTime'
    ]
    expect(Date.parse(cutoff ?? '')).toBeGreaterThanOrEqual(before - 1000)
    expect(Date.parse(cutoff ?? '')).toBeLessThanOrEqual(Date.now())
    // The other keys are untouched.
    expect(await statuses(iam(), ['alice', 'bob', 'dave'])).toEqual({
      [keys.alice]: 'Active',
      [keys.bobOld]: 'Active',
      [keys.bobNew]: 'Active',
      [keys.dave]: 'Active'
    })

    // moto answers every CloudTrail LookupEvents with a 500 (AWS's LookupEvents works): the
    // region is reported unavailable after the few quick attempts for server errors.
    const activity = JSON.parse(result.outputs.activity ?? '[]') as {
      accessKeyId: string
      regions: { region: string; status: string; message?: string }[]
    }[]
    expect(
      activity.map((a) => [a.accessKeyId, a.regions.map((r) => [r.region, r.status])])
    ).toEqual([[keys.carol, [[REGION, 'unavailable']]]])
    expect(activity[0]?.regions[0]?.message).toMatch(/after 3 attempts/)
  })
})

interface MotoTopic {
  arn: string
  /** [message id, message, subject, attributes, group id] per Publish. */
  sent_notifications: [
    string,
    string,
    string | null,
    Record<string, { Type: string; Value: string }>,
    unknown
  ][]
}

describe('moto: SNS', () => {
  it('publishes one message per run to the topic, in the region of the topic', async () => {
    const keys = await seedAccount(iam())
    // Another region than aws-region: the client must follow the topic's ARN.
    const sns = client(new SNSClient({ ...config(), region: 'eu-west-1' }))
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'security-alerts' }))

    const result = await run({ ...POLICY, 'sns-topic-arn': TopicArn as string })
    expectSuccess(result)

    // Read back from moto's own record of what was published.
    const topics = (await moto.data()).sns?.Topic as MotoTopic[]
    const sent = topics.find((t) => t.arn === TopicArn)?.sent_notifications ?? []
    expect(sent).toHaveLength(1)
    const [messageId, message, subject, attributes] = sent[0] ?? []
    expect(result.outputs['sns-message-id']).toBe(messageId)
    expect(subject).toMatch(/^[\x20-\x7e]{1,100}$/)
    expect(subject).toContain(MOTO_ACCOUNT_ID)
    for (const key of [keys.alice, keys.bobOld, keys.carol]) expect(message).toContain(key)
    expect(attributes).toMatchObject({
      account: { Type: 'String', Value: MOTO_ACCOUNT_ID }
    })
  })
})

describe('moto: Security Hub', () => {
  it('imports each finding as ASFF, and a second run updates them in place', async () => {
    const keys = await seedAccount(iam())
    const inputs = { ...POLICY, 'scan-method': 'api', 'security-hub': 'true' }
    const first = await run(inputs)
    expectSuccess(first)
    const hub = client(new SecurityHubClient(config()))
    // moto's GetFindings ignores Filters (AWS applies them); the action filters what it reads
    // back by product ARN and generator itself, so it reads the same either way.
    const read = async () =>
      new Map(((await hub.send(new GetFindingsCommand({}))).Findings ?? []).map((f) => [f.Id, f]))
    const id = (subject: string) => `iam-key-sentinel/${MOTO_ACCOUNT_ID}/${subject}`
    const before = await read()
    expect([...before.keys()].sort()).toEqual(
      [id(keys.alice), id(keys.bobOld), id(keys.carol), id('user/bob/two-active-keys')].sort()
    )
    const alice = before.get(id(keys.alice))
    expect(alice?.ProductArn).toBe(
      `arn:aws:securityhub:${REGION}:${MOTO_ACCOUNT_ID}:product/${MOTO_ACCOUNT_ID}/default`
    )
    expect(alice?.Severity?.Label).toBe('HIGH')
    expect(alice?.Resources?.map((r) => r.Type)).toEqual(['AwsIamAccessKey', 'AwsIamUser'])

    // Nothing changed: the same findings, first seen when they were, observed again now. (Nothing
    // to resolve either: moto 5.2.1 has no BatchUpdateFindings, so resolving is tested against
    // the fake, test/e2e/security-hub.test.ts, which follows AWS's API reference.)
    const second = await run(inputs)
    expectSuccess(second)
    const after = await read()
    expect(after.size).toBe(4)
    expect(after.get(id(keys.alice))?.CreatedAt).toBe(alice?.CreatedAt)
    expect(after.get(id(keys.alice))?.FirstObservedAt).toBe(alice?.FirstObservedAt)
    expect(Date.parse(after.get(id(keys.alice))?.UpdatedAt ?? '')).toBeGreaterThan(
      Date.parse(alice?.UpdatedAt ?? '')
    )
    expect(second.summary).toContain('0 new findings, 4 updated, 0 resolved')
  })
})

describe('moto: Organizations', () => {
  it('lists the accounts and audits each member through role chaining', async () => {
    const org = client(new OrganizationsClient(config()))
    await org.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }))
    const members: Record<string, string> = {}
    for (const name of ['Prod', 'Dev']) {
      const { CreateAccountStatus } = await org.send(
        new CreateAccountCommand({ AccountName: name, Email: `${name.toLowerCase()}@example.com` })
      )
      // AWS documents CreateAccount as asynchronous (IN_PROGRESS, then poll
      // DescribeCreateAccountStatus); moto answers SUCCEEDED at once.
      const { CreateAccountStatus: status } = await org.send(
        new DescribeCreateAccountStatusCommand({ CreateAccountRequestId: CreateAccountStatus?.Id })
      )
      expect(status?.State).toBe('SUCCEEDED')
      members[name] = status?.AccountId as string
    }
    const memberRole = (id: string) => `arn:aws:iam::${id}:role/iam-key-sentinel-member`

    // Keys in each member account, made with credentials of a role there. moto lets anyone assume
    // any role ARN, existing or not (AWS requires the role and a trust policy naming the caller).
    const sts = client(new STSClient(config()))
    const memberKeys: Record<string, { old: string; fresh: string }> = {}
    for (const id of Object.values(members)) {
      const { Credentials }: AssumeRoleCommandOutput = await sts.send(
        new AssumeRoleCommand({ RoleArn: memberRole(id), RoleSessionName: 'seed' })
      )
      const inMember = iam({
        accessKeyId: Credentials?.AccessKeyId as string,
        secretAccessKey: Credentials?.SecretAccessKey as string,
        sessionToken: Credentials?.SessionToken as string
      })
      memberKeys[id] = {
        old: await keyAged(inMember, `user-${id}`, 150),
        fresh: await keyAged(inMember, `user-${id}`, 5)
      }
    }

    const listed = await run({
      mode: 'list-accounts',
      'role-to-assume': `arn:aws:iam::${MOTO_ACCOUNT_ID}:role/iam-key-sentinel-org-reader`,
      'exclude-accounts': MOTO_ACCOUNT_ID
    })
    expectSuccess(listed)
    const matrix = JSON.parse(listed.outputs.matrix ?? '{}') as {
      include: { 'account-id': string; 'account-name': string; 'role-arn': string }[]
    }
    expect(
      matrix.include.map((e) => [e['account-id'], e['account-name'], e['role-arn']]).sort()
    ).toEqual(
      [
        [members.Prod, 'Prod', memberRole(members.Prod as string)],
        [members.Dev, 'Dev', memberRole(members.Dev as string)]
      ].sort()
    )
    expect(listed.summary).toContain('Prod')

    for (const entry of matrix.include) {
      const audit = await run({
        ...POLICY,
        'role-to-assume': `arn:aws:iam::${MOTO_ACCOUNT_ID}:role/iam-key-sentinel-hub`,
        'member-role-arn': entry['role-arn']
      })
      expectSuccess(audit)
      const report = await readReport(audit)
      const own = memberKeys[entry['account-id']]
      expect(audit.outputs['account-id']).toBe(entry['account-id'])
      expect(report.accountId).toBe(entry['account-id'])
      expect(Object.fromEntries(report.keys.map((k) => [k.accessKeyId, k.class]))).toEqual({
        [own?.old as string]: 'overdue',
        [own?.fresh as string]: 'ok'
      })
    }
  })
})
