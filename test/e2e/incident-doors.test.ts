// The doors an exposed key opened, end to end: the roles it reached (directly and through the
// sessions it minted) get AWS's revoke-older-sessions deny in a dry run, for real (with its undo,
// and an attacker's session of the role refused afterwards), by hand and over the cap; the
// persistence calls it made at the top of every channel; the lookups in us-east-1, where IAM and
// STS record their events; and one shared lookup by user name for two keys of one user.
import { afterEach, describe, expect, it } from '@jest/globals'
import { IAMClient, ListUsersCommand } from '@aws-sdk/client-iam'
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts'
import { assumeRoleCall, makeCall, makeEvents } from '../support/cloudtrail-events.js'
import type { FakeAccount, FakeCloudTrailEvent } from '../support/fake-aws/index.js'
import { readReport, startFakes, type Fakes } from '../support/harness.js'
import {
  SAMPLE_ACCOUNT_ID,
  SAMPLE_ROLE_ARN,
  SAMPLE_TOPIC_ARN,
  sampleAccount
} from '../support/sample-account.js'

let fakes: Fakes
afterEach(() => fakes.stop())

const MINUTE = 60_000
const ALICE_KEY = 'AKIASAMPLEALICE00001'
const DEPLOY = `arn:aws:iam::${SAMPLE_ACCOUNT_ID}:role/deploy`
const ADMIN = `arn:aws:iam::${SAMPLE_ACCOUNT_ID}:role/ops/admin`
const BILLING = `arn:aws:iam::${SAMPLE_ACCOUNT_ID}:role/billing`
const DEPLOY_SESSION = 'ASIAROLEDEPLOY000001'
const ADMIN_SESSION = 'ASIAROLEADMIN0000001'
const BACKDOOR_KEY = 'AKIABACKDOOR00000001'
// Where the run works; the events are in us-east-1 only, as IAM and STS record them.
const REGION = { 'aws-region': 'eu-west-1' }

/**
 * Five hours ago alice's key assumed deploy (and was refused billing), made a user with a key,
 * was refused AdministratorAccess for it; deploy's session assumed ops/admin, whose session put
 * an inline policy on a role. Every event is in us-east-1.
 */
function attackedAccount(): FakeAccount {
  const account = sampleAccount()
  account.roles = [...(account.roles ?? []), DEPLOY, ADMIN, BILLING]
  const t0 = Date.now() - 5 * 60 * MINUTE
  const at = (m: number) => new Date(t0 + m * MINUTE)
  const base = { region: 'us-east-1', accountId: SAMPLE_ACCOUNT_ID }
  const alice = { ...base, accessKeyId: ALICE_KEY, caller: 'alice' }
  const iam = { eventSource: 'iam.amazonaws.com' }
  const events: FakeCloudTrailEvent[] = [
    assumeRoleCall({ ...alice, time: at(0), roleArn: DEPLOY, sessionKeyId: DEPLOY_SESSION }),
    assumeRoleCall({ ...alice, time: at(1), roleArn: BILLING, errorCode: 'AccessDenied' }),
    makeCall({
      ...alice,
      ...iam,
      time: at(2),
      eventName: 'CreateUser',
      requestParameters: { userName: 'backdoor' }
    }),
    makeCall({
      ...alice,
      ...iam,
      time: at(3),
      eventName: 'CreateAccessKey',
      requestParameters: { userName: 'backdoor' },
      responseElements: {
        accessKey: { accessKeyId: BACKDOOR_KEY, status: 'Active', userName: 'backdoor' }
      }
    }),
    makeCall({
      ...alice,
      ...iam,
      time: at(4),
      eventName: 'AttachUserPolicy',
      requestParameters: {
        userName: 'backdoor',
        policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess'
      },
      errorCode: 'AccessDenied'
    }),
    makeCall({
      ...alice,
      ...iam,
      time: at(5),
      eventName: 'CreateLoginProfile',
      requestParameters: { userName: '@secops-lead <b>x</b>' }
    }),
    assumeRoleCall({
      ...base,
      accessKeyId: DEPLOY_SESSION,
      caller: `role:${DEPLOY}/x`,
      time: at(6),
      roleArn: ADMIN,
      sessionKeyId: ADMIN_SESSION
    }),
    makeCall({
      ...base,
      ...iam,
      accessKeyId: ADMIN_SESSION,
      caller: `role:${ADMIN}/x`,
      time: at(7),
      eventName: 'PutRolePolicy',
      requestParameters: { roleName: 'deploy', policyName: 'keep-me' }
    })
  ]
  account.cloudTrail = events
  return account
}

function incidentRun(f: Fakes, inputs: Record<string, string>) {
  return f.run(
    {
      'github-token': f.github.token,
      'sns-topic-arn': SAMPLE_TOPIC_ARN,
      'revoke-access-key-ids': ALICE_KEY,
      ...REGION,
      ...inputs
    },
    { eventName: 'workflow_dispatch' }
  )
}

interface RoleJson {
  roleArn: string
  outcome: string
  reason?: string
  undo?: string
  command?: string
  reachedBy: string[]
}

async function rolesOf(result: Awaited<ReturnType<typeof incidentRun>>): Promise<RoleJson[]> {
  const report = (await readReport(result)) as unknown as { roleSessions: RoleJson[] }
  return report.roleSessions
}

const lookupsOf = (f: Fakes) =>
  f.aws.callsTo('LookupEvents').map((c) => `${c.region} ${c.params.LookupAttributes ?? ''}`)

describe('incident: role sessions opened with the key', () => {
  it('dry run: lists both roles it reached (one through its session) as planned, writes nothing', async () => {
    fakes = await startFakes(attackedAccount())
    const result = await incidentRun(fakes, { 'revoke-role-sessions': 'true', 'dry-run': 'true' })

    expect(result.code).toBe(0)
    expect(fakes.aws.callsTo('PutRolePolicy')).toEqual([])
    const roles = await rolesOf(result)
    expect(roles.map((r) => [r.roleArn, r.outcome])).toEqual(
      [
        [DEPLOY, 'planned'],
        [ADMIN, 'planned']
      ].sort()
    )
    expect(roles.every((r) => r.reachedBy.join() === ALICE_KEY)).toBe(true)
    // The refused AssumeRole opened no session.
    expect(roles.some((r) => r.roleArn === BILLING)).toBe(false)
    // Found through the sessions it minted, looked up in turn.
    const lookups = lookupsOf(fakes)
    expect(lookups.some((l) => l.includes(DEPLOY_SESSION))).toBe(true)
    expect(lookups.some((l) => l.includes(ADMIN_SESSION))).toBe(true)
    expect(result.summary).toContain('### Role sessions opened with the keys')
    expect(result.summary).toContain('📝 planned (dry run)')
  })

  it('for real: both roles get the verified deny with its undo, and an older session of one is refused', async () => {
    fakes = await startFakes(attackedAccount())
    // The attacker's own session of deploy, opened before the run.
    const endpoint = fakes.awsEndpoint
    const sts = new STSClient({
      region: 'us-east-1',
      endpoint,
      credentials: { accessKeyId: ALICE_KEY, secretAccessKey: 'unknown-to-the-fake' }
    })
    const { Credentials } = await sts.send(
      new AssumeRoleCommand({ RoleArn: DEPLOY, RoleSessionName: 'attacker' })
    )
    const attacker = new IAMClient({
      region: 'us-east-1',
      endpoint,
      maxAttempts: 1,
      credentials: {
        accessKeyId: Credentials?.AccessKeyId ?? '',
        secretAccessKey: Credentials?.SecretAccessKey ?? '',
        sessionToken: Credentials?.SessionToken ?? ''
      }
    })
    await expect(attacker.send(new ListUsersCommand({}))).resolves.toBeDefined()

    const result = await incidentRun(fakes, { 'revoke-role-sessions': 'true' })

    expect(result.code).toBe(0)
    expect(
      fakes.aws
        .callsTo('PutRolePolicy')
        .map((c) => `${c.params.RoleName} ${c.params.PolicyName}`)
        .sort()
    ).toEqual(['admin AWSRevokeOlderSessions', 'deploy AWSRevokeOlderSessions'])
    // Re-checked before and read back after each write.
    expect(fakes.aws.callsTo('GetRolePolicy').length).toBeGreaterThanOrEqual(4)
    const stored = fakes.aws.account().rolePolicies?.deploy?.AWSRevokeOlderSessions ?? '{}'
    const statement = JSON.parse(stored).Statement[0]
    expect(statement).toMatchObject({ Effect: 'Deny', Action: '*', Resource: '*' })
    expect(Date.parse(statement.Condition.DateLessThan['aws:TokenIssueTime'])).toBeGreaterThan(
      Date.now() - 10 * MINUTE
    )
    const roles = await rolesOf(result)
    expect(roles.map((r) => [r.roleArn, r.outcome, r.undo])).toEqual([
      [
        DEPLOY,
        'revoked',
        'aws iam delete-role-policy --role-name deploy --policy-name AWSRevokeOlderSessions'
      ],
      [
        ADMIN,
        'revoked',
        'aws iam delete-role-policy --role-name admin --policy-name AWSRevokeOlderSessions'
      ]
    ])
    await expect(attacker.send(new ListUsersCommand({}))).rejects.toThrow(/explicit deny/)
    expect(result.summary).toContain(
      'aws iam delete-role-policy --role-name deploy --policy-name AWSRevokeOlderSessions'
    )
    expect(result.summary).toContain('at least 36 hours')
    expect(fakes.aws.published[0]?.message).toContain(
      'undo later with: aws iam delete-role-policy --role-name admin --policy-name AWSRevokeOlderSessions'
    )
    // The run's own role was never touched, and it kept working.
    expect(fakes.aws.account().rolePolicies?.['iam-key-sentinel-audit']).toBeUndefined()
    attacker.destroy()
    sts.destroy()
  })

  it('by default lists the roles to revoke by hand, with the command, and passes', async () => {
    fakes = await startFakes(attackedAccount())
    const result = await incidentRun(fakes, {})

    expect(result.code).toBe(0)
    expect(fakes.aws.callsTo('PutRolePolicy')).toEqual([])
    const roles = await rolesOf(result)
    expect(roles.map((r) => [r.outcome, r.reason])).toEqual([
      ['by-hand', 'off'],
      ['by-hand', 'off']
    ])
    expect(result.summary).toContain('✋ revoke by hand')
    expect(result.summary).toContain(
      'aws iam put-role-policy --role-name deploy --policy-name AWSRevokeOlderSessions --policy-document'
    )
  })

  it("off (the default): the run's own role and another account's role are listed, and the step passes; on, they fail it", async () => {
    const OTHER = 'arn:aws:iam::999988887777:role/deploy'
    const t0 = Date.now() - 4 * 60 * MINUTE
    const alice = {
      region: 'us-east-1',
      accountId: SAMPLE_ACCOUNT_ID,
      accessKeyId: ALICE_KEY,
      caller: 'alice'
    }
    const account = (): FakeAccount => ({
      ...attackedAccount(),
      cloudTrail: [
        assumeRoleCall({
          ...alice,
          time: new Date(t0),
          roleArn: SAMPLE_ROLE_ARN,
          sessionKeyId: 'ASIAROLEOWN000000001'
        }),
        assumeRoleCall({
          ...alice,
          time: new Date(t0 + MINUTE),
          roleArn: OTHER,
          sessionKeyId: 'ASIAROLEOTHER0000001'
        })
      ]
    })
    fakes = await startFakes(account())
    const off = await incidentRun(fakes, {})
    const reasons = async (r: typeof off) =>
      (await rolesOf(r)).map((x) => [x.roleArn, x.outcome, x.reason]).sort()
    const expected = [
      [OTHER, 'by-hand', 'other-account'],
      [SAMPLE_ROLE_ARN, 'by-hand', 'own-role']
    ].sort()
    expect(await reasons(off)).toEqual(expected)
    expect(off.code).toBe(0)
    expect(off.summary).not.toContain('Manual intervention required** for the sessions')
    expect(off.summary).toContain('--role-name iam-key-sentinel-audit')
    await fakes.stop()

    // Asked to revoke role sessions, the roles it could not change are left to a person: red.
    fakes = await startFakes(account())
    const on = await incidentRun(fakes, { 'revoke-role-sessions': 'true' })
    expect(await reasons(on)).toEqual(expected)
    expect(on.code).toBe(1)
    expect(on.summary).toContain('Manual intervention required** for the sessions of 2 roles')
    expect(fakes.aws.callsTo('PutRolePolicy')).toEqual([])
  })

  it('over max-role-revocations changes no role and fails the step', async () => {
    fakes = await startFakes(attackedAccount())
    const result = await incidentRun(fakes, {
      'revoke-role-sessions': 'true',
      'max-role-revocations': '1'
    })

    expect(result.code).toBe(1)
    expect(fakes.aws.callsTo('PutRolePolicy')).toEqual([])
    expect((await rolesOf(result)).map((r) => r.reason)).toEqual(['over-cap', 'over-cap'])
    expect(result.summary).toContain('more than max-role-revocations (1)')
  })
})

describe('incident: persistence to review', () => {
  it('lists the calls that leave a door open, successful or denied, at the top of every channel, escaped', async () => {
    fakes = await startFakes(attackedAccount())
    const result = await incidentRun(fakes, {})

    const summary = result.summary
    const top = summary.indexOf('### Persistence to review')
    expect(top).toBeGreaterThan(0)
    expect(top).toBeLessThan(summary.indexOf('| Access key |'))
    for (const call of [
      'CreateUser',
      'CreateAccessKey',
      'AttachUserPolicy',
      'CreateLoginProfile',
      'PutRolePolicy'
    ]) {
      expect(summary).toContain(`\`${call}\``)
    }
    expect(summary).toContain(BACKDOOR_KEY)
    expect(summary).toContain('⛔ denied (AccessDenied)')
    // Made by the admin session the key's deploy session minted.
    expect(summary).toContain(ADMIN_SESSION)
    // No mention, no HTML from a value in an event.
    expect(summary).not.toContain('@secops-lead')
    expect(summary).not.toContain('<b>')
    // Not the read-only or STS calls.
    expect(summary.slice(top, summary.indexOf('| Access key |'))).not.toContain('`AssumeRole`')

    const message = fakes.aws.published[0]?.message ?? ''
    expect(message.indexOf('PERSISTENCE TO REVIEW: 5 calls')).toBeGreaterThan(0)
    expect(message.indexOf('PERSISTENCE TO REVIEW')).toBeLessThan(
      message.indexOf(`IAM access key ${ALICE_KEY}`)
    )
    expect(message).toContain(
      `CreateAccessKey on user backdoor: succeeded, new key ${BACKDOOR_KEY}`
    )
    expect(message).toContain(
      'AttachUserPolicy on user backdoor, policy arn:aws:iam::aws:policy/AdministratorAccess: denied (AccessDenied)'
    )

    const issue = fakes.github.issues.find((i) =>
      i.labels.some((l) => l.name === 'security-incident')
    )
    const body = issue?.body ?? ''
    expect(body.indexOf('### Persistence to review')).toBeGreaterThan(0)
    expect(body.indexOf('### Persistence to review')).toBeLessThan(body.indexOf('| Access key |'))
    expect(body).toContain(BACKDOOR_KEY)
  })
})

describe('incident: lookups', () => {
  it('always include us-east-1, where IAM and STS record their events', async () => {
    fakes = await startFakes(attackedAccount())
    const result = await incidentRun(fakes, {})

    const regions = new Set(fakes.aws.callsTo('LookupEvents').map((c) => c.region))
    expect([...regions].sort()).toEqual(['eu-west-1', 'us-east-1'])
    const report = (await readReport(result)) as unknown as {
      activity: { accessKeyId: string; regions: { region: string }[]; totalEvents: number }[]
    }
    const alice = report.activity.find((a) => a.accessKeyId === ALICE_KEY)
    expect(alice?.regions.map((r) => r.region)).toEqual(['eu-west-1', 'us-east-1'])
    expect(alice?.totalEvents).toBe(8)
  })

  it('two exposed keys of one user share one lookup by user name, and their events are split by key', async () => {
    const account = sampleAccount()
    const start = new Date(Date.now() - 3 * 60 * MINUTE)
    const bob = { userName: 'bob', region: 'us-east-1', start, accountId: SAMPLE_ACCOUNT_ID }
    account.cloudTrail = [
      ...makeEvents({ ...bob, accessKeyId: 'AKIASAMPLEBOBOLD0001', count: 12 }),
      ...makeEvents({ ...bob, accessKeyId: 'AKIASAMPLEBOBNEW0002', count: 7 })
    ]
    fakes = await startFakes(account)
    const result = await incidentRun(fakes, {
      'revoke-access-key-ids': 'AKIASAMPLEBOBOLD0001,AKIASAMPLEBOBNEW0002'
    })

    expect(result.code).toBe(0)
    const byUser = lookupsOf(fakes).filter((l) => l.includes('Username'))
    // One lookup of bob per region (one page each), not one per key.
    expect(byUser.sort()).toEqual([
      'eu-west-1 [{"AttributeKey":"Username","AttributeValue":"bob"}]',
      'us-east-1 [{"AttributeKey":"Username","AttributeValue":"bob"}]'
    ])
    const report = (await readReport(result)) as unknown as {
      activity: { accessKeyId: string; totalEvents: number; otherKeyEvents: number }[]
    }
    expect(report.activity.map((a) => [a.accessKeyId, a.totalEvents, a.otherKeyEvents])).toEqual([
      ['AKIASAMPLEBOBOLD0001', 12, 0],
      ['AKIASAMPLEBOBNEW0002', 7, 0]
    ])
  })
})
