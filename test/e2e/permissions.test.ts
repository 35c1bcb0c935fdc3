// Least privilege, proven: every mode runs against the fake AWS, and the AWS actions it really
// calls must be exactly what examples/aws/permissions.json (and so the CloudFormation roles and
// the README) grant: nothing missing, nothing unused.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tempRoot } from '../support/temp-root.js'
import { basename, join } from 'node:path'
import { assumeRoleCall, makeEvents } from '../support/cloudtrail-events.js'
import type { FakeAccount, FakeOrganization } from '../support/fake-aws/index.js'
import { advanceClock, startFakes, type Fakes } from '../support/harness.js'
import { startRotationFakes, useKey, userKeys } from '../support/rotation-account.js'
import { SAMPLE_TOPIC_ARN, sampleAccount } from '../support/sample-account.js'

const permissions = JSON.parse(readFileSync('examples/aws/permissions.json', 'utf8')) as {
  audit: string[]
  remediation: string[]
  member: string[]
  hub: string[]
  'organization-reader': string[]
  rotation: string[]
  'security-hub': string[]
}
// Calls no identity policy governs: the OIDC exchange is allowed by the role's trust policy,
// and GetCallerIdentity needs no permission.
const NOT_IN_POLICIES = new Set(['sts:AssumeRoleWithWebIdentity', 'sts:GetCallerIdentity'])

const DEPLOY_ROLE = 'arn:aws:iam::111122223333:role/deploy'

function accountWithEverything() {
  const account = sampleAccount()
  const alice = account.users.find((u) => u.userName === 'alice')
  if (alice) alice.groups = ['developers']
  account.cloudTrail = [
    ...makeEvents({
      accessKeyId: 'AKIASAMPLEALICE00001',
      userName: 'alice',
      region: 'us-east-1',
      count: 5,
      start: new Date(Date.now() - 3_600_000)
    }),
    // A role alice's key reached: the incident's role-session deny.
    assumeRoleCall({
      accessKeyId: 'AKIASAMPLEALICE00001',
      caller: 'alice',
      region: 'us-east-1',
      time: new Date(Date.now() - 1_800_000),
      roleArn: DEPLOY_ROLE,
      sessionKeyId: 'ASIAALICEDEPLOY00001'
    })
  ]
  account.roles = [...(account.roles ?? []), DEPLOY_ROLE]
  return account
}

let fakes: Fakes
let org: Fakes
const called = { audit: new Set<string>(), remediation: new Set<string>() }
// The organization audit's roles, by the role of the session that made each call.
const calledByRole = new Map<string, Set<string>>()

const MGMT = '100000000001'
const SECURITY = '200000000002'
const MEMBER_ACCOUNT = '300000000003'
const ORG_READER = `arn:aws:iam::${MGMT}:role/iam-key-sentinel-org-reader`
const HUB = `arn:aws:iam::${SECURITY}:role/iam-key-sentinel-hub`
const MEMBER = `arn:aws:iam::${MEMBER_ACCOUNT}:role/iam-key-sentinel-member`
const TOPIC = `arn:aws:sns:us-east-1:${SECURITY}:security-alerts`
const ORGANIZATION: FakeOrganization = {
  id: 'o-exampleorg1',
  managementAccountId: MGMT,
  rootId: 'r-ab12',
  units: [{ id: 'ou-ab12-workload', name: 'Workloads', parentId: 'r-ab12' }],
  accounts: [
    { accountId: MGMT, name: 'Management', parentId: 'r-ab12' },
    { accountId: SECURITY, name: 'Security', parentId: 'r-ab12' },
    { accountId: MEMBER_ACCOUNT, name: 'Prod', parentId: 'ou-ab12-workload' }
  ]
}

function organizationAccounts(): FakeAccount[] {
  return [
    { accountId: MGMT, roles: [ORG_READER], users: [] },
    { accountId: SECURITY, roles: [HUB], users: [], topics: [TOPIC] },
    { ...accountWithEverything(), accountId: MEMBER_ACCOUNT, roles: [MEMBER] }
  ]
}

/**
 * The organization audit as examples/workflows/organization-audit.yml runs it, every feature a
 * member audit may use on: list-accounts (whole organization and an OU), the member audit
 * through the hub role with both scan methods, and aggregate publishing the digest.
 */
async function runOrganizationAudit(): Promise<void> {
  org = await startFakes(organizationAccounts(), { organization: ORGANIZATION, pageSize: 2 })
  const list = { mode: 'list-accounts', 'role-to-assume': ORG_READER }
  await org.run(list)
  await org.run({ ...list, 'organizational-units': 'ou-ab12-workload' })
  const audit = {
    'role-to-assume': HUB,
    'member-role-arn': MEMBER,
    'activity-for': 'flagged',
    'exempt-groups': 'break-glass',
    'fail-on': 'never',
    'create-issues': 'false'
  }
  await org.run({ ...audit, 'scan-method': 'api' })
  const last = await org.run({ ...audit, 'scan-method': 'credential-report' })
  const dir = await mkdtemp(join(tempRoot(), 'iam-key-sentinel-permissions-'))
  try {
    const report = last.outputs['report-path'] ?? ''
    await mkdir(join(dir, 'iam-key-report'))
    await copyFile(report, join(dir, 'iam-key-report', basename(report)))
    await org.run({
      mode: 'aggregate',
      'role-to-assume': HUB,
      'reports-directory': dir,
      'expected-accounts': MEMBER_ACCOUNT,
      'sns-topic-arn': TOPIC,
      'notify-on': 'always'
    })
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
  collectByRole(org)
  // A member account with one flagged user: its tags come from one ListUserTags, fewer calls
  // than the GetAccountAuthorizationDetails walk the runs above made.
  const single = await startFakes(
    [
      { accountId: SECURITY, roles: [HUB], users: [], topics: [TOPIC] },
      {
        ...sampleAccount(),
        accountId: MEMBER_ACCOUNT,
        roles: [MEMBER],
        users: sampleAccount().users.filter((u) => u.userName === 'alice')
      }
    ],
    { organization: ORGANIZATION }
  )
  await single.run({ ...audit, 'exempt-groups': '' })
  collectByRole(single)
  await single.stop()
}

function collectByRole(from: Fakes): void {
  for (const call of from.aws.calls) {
    const action = `${call.service}:${call.action}`
    const role = from.aws.sessionOf(call.accessKeyId)?.roleArn
    if (!role || NOT_IN_POLICIES.has(action)) continue
    calledByRole.set(role, (calledByRole.get(role) ?? new Set()).add(action))
  }
}

function collect(into: Set<string>): void {
  for (const call of fakes.aws.calls) {
    const action = `${call.service}:${call.action}`
    if (!NOT_IN_POLICIES.has(action)) into.add(action)
  }
  fakes.aws.calls.length = 0
}

beforeAll(async () => {
  fakes = await startFakes(accountWithEverything())
  const everything = {
    'sns-topic-arn': SAMPLE_TOPIC_ARN,
    'notify-on': 'always',
    'activity-for': 'flagged',
    'exempt-groups': 'break-glass',
    'fail-on': 'never'
  }
  // The audit role: report mode, both scan methods, every read-only feature on.
  await fakes.run({ ...everything, 'scan-method': 'api' })
  await fakes.run({ ...everything, 'scan-method': 'credential-report' })
  collect(called.audit)
  // Tags alone for one flagged user: one ListUserTags is fewer calls than the
  // GetAccountAuthorizationDetails walk the runs above (exempt-groups) made.
  const single = await startFakes({
    ...sampleAccount(),
    users: sampleAccount().users.filter((u) => u.userName === 'alice')
  })
  await single.run({ 'fail-on': 'never' })
  for (const call of single.aws.calls) {
    const action = `${call.service}:${call.action}`
    if (!NOT_IN_POLICIES.has(action)) called.audit.add(action)
  }
  await single.stop()
  // The remediation role: the audit's calls plus staged delete, immediate delete and incidents.
  for (const s of called.audit) called.remediation.add(s)
  await fakes.run({ ...everything, action: 'delete', 'delete-grace-days': '7' })
  await fakes.run({ ...everything, action: 'delete', 'delete-grace-days': '0' })
  await fakes.run({ ...everything, 'revoke-access-key-ids': 'AKIASAMPLECAROL00001' })
  // alice's key, deleted by the run above: STS and CloudTrail name its account and user, and the
  // role it reached gets the deny.
  await fakes.run({
    ...everything,
    'revoke-access-key-ids': 'AKIASAMPLEALICE00001',
    'revoke-role-sessions': 'true'
  })
  // Secret scanning: a leaked key of this account, mapped with sts:GetAccessKeyInfo and revoked.
  fakes.github.seedSecretScanningAlert({ secret: 'AKIASAMPLEDAVE000001' })
  await fakes.run({ ...everything, mode: 'secret-scanning', 'github-token': fakes.github.token })
  collect(called.remediation)
  await runOrganizationAudit()
}, 360_000)
afterAll(async () => {
  await fakes.stop()
  await org?.stop()
})

describe('least privilege', () => {
  it('the audit role grants exactly what report mode calls', () => {
    expect([...called.audit].sort()).toEqual([...permissions.audit].sort())
  })

  it('the remediation role grants exactly what every mode calls', () => {
    expect([...called.remediation].sort()).toEqual([...permissions.remediation].sort())
  })

  it.each([
    ['organization-reader', ORG_READER],
    ['hub', HUB],
    ['member', MEMBER]
  ] as const)(
    'the %s role grants exactly what the organization audit calls with it',
    (name, role) => {
      expect([...(calledByRole.get(role) ?? [])].sort()).toEqual([...permissions[name]].sort())
    }
  )

  it('the organization audit calls nothing with any other role', () => {
    expect([...calledByRole.keys()].sort()).toEqual([HUB, MEMBER, ORG_READER].sort())
  })

  it('report mode calls no write action at all', () => {
    const writes = [...called.audit].filter((a) =>
      /^iam:(Update|Delete|Tag|Untag|Put|Create|Attach)/.test(a)
    )
    expect(writes).toEqual([])
  })

  it('docs/permissions.md documents every action of both roles', () => {
    const page = readFileSync('docs/permissions.md', 'utf8')
    const section = page.slice(page.indexOf('## IAM permissions'))
    for (const action of permissions.remediation) expect(section).toContain(`"${action}"`)
  })
})

describe('least privilege of the rotation role', () => {
  const rotationCalls = new Set<string>()
  const secretIds = new Set<string>()
  beforeAll(async () => {
    const rot = await startRotationFakes()
    try {
      const account = rot.aws.account()
      const everything = {
        'sns-topic-arn': SAMPLE_TOPIC_ARN,
        'notify-on': 'always',
        'activity-for': 'flagged',
        'exempt-groups': 'break-glass'
      }
      // Create and deliver (and delete a leftover first), then watch, deactivate and delete.
      await rot.rotate({ ...everything, 'scan-method': 'api' })
      await rot.rotate({ ...everything, 'scan-method': 'credential-report' })
      advanceClock(account, 1)
      const fresh = userKeys(account, 'deploy-bot').find(
        (k) => k.accessKeyId !== 'AKIAROTATEDEPLOY0001'
      )
      useKey(account, fresh?.accessKeyId ?? '', 1)
      await rot.rotate(everything)
      advanceClock(account, 7)
      await rot.rotate(everything)
      expect(userKeys(account, 'deploy-bot').map((k) => k.accessKeyId)).toEqual([
        fresh?.accessKeyId
      ])
      for (const call of rot.aws.calls) {
        const action = `${call.service}:${call.action}`
        if (!NOT_IN_POLICIES.has(action)) rotationCalls.add(action)
        if (call.service === 'secretsmanager') secretIds.add(call.params.SecretId ?? '')
      }
    } finally {
      await rot.stop()
    }
  }, 360_000)

  it('the rotation role grants exactly what a rotation calls, from create to delete', () => {
    expect([...rotationCalls].sort()).toEqual([...permissions.rotation].sort())
  })

  it('Secrets Manager is called only on the secrets the rotation map names', () => {
    expect([...secretIds]).toEqual(['batch/aws-key'])
  })
})

describe('least privilege of security-hub', () => {
  it('adds exactly what security-hub calls: import, read back, resolve', async () => {
    const hub = await startFakes()
    try {
      const inputs = { 'security-hub': 'true', 'fail-on': 'never', 'create-issues': 'false' }
      await hub.run(inputs)
      // A key deleted since: the second run resolves its finding.
      const dave = hub.aws.account().users.find((u) => u.userName === 'dave')
      if (dave) dave.keys = []
      await hub.run(inputs)
      const added = new Set(
        hub.aws.calls
          .map((c) => `${c.service}:${c.action}`)
          .filter((a) => !NOT_IN_POLICIES.has(a) && !permissions.audit.includes(a))
      )
      expect([...added].sort()).toEqual([...permissions['security-hub']].sort())
    } finally {
      await hub.stop()
    }
  })
})
