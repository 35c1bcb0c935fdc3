// Least privilege, proven: every mode runs against the fake AWS, and the AWS actions it really
// calls must be exactly what examples/aws/permissions.json (and so the CloudFormation roles and
// the README) grant: nothing missing, nothing unused.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { makeEvents } from '../support/cloudtrail-events.js'
import { startFakes, type Fakes } from '../support/harness.js'
import { SAMPLE_TOPIC_ARN, sampleAccount } from '../support/sample-account.js'

const permissions = JSON.parse(readFileSync('examples/aws/permissions.json', 'utf8')) as {
  audit: string[]
  remediation: string[]
}
// Calls no identity policy governs: the OIDC exchange is allowed by the role's trust policy,
// and GetCallerIdentity needs no permission.
const NOT_IN_POLICIES = new Set(['sts:AssumeRoleWithWebIdentity', 'sts:GetCallerIdentity'])

function accountWithEverything() {
  const account = sampleAccount()
  const alice = account.users.find((u) => u.userName === 'alice')
  if (alice) alice.groups = ['developers']
  account.cloudTrail = makeEvents({
    accessKeyId: 'AKIASAMPLEALICE00001',
    userName: 'alice',
    region: 'us-east-1',
    count: 5,
    start: new Date(Date.now() - 3_600_000)
  })
  return account
}

let fakes: Fakes
const called = { audit: new Set<string>(), remediation: new Set<string>() }

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
  await fakes.run({ ...everything, 'access-key-id': 'AKIASAMPLECAROL00001' })
  collect(called.remediation)
}, 240_000)
afterAll(() => fakes.stop())

describe('least privilege', () => {
  it('the audit role grants exactly what report mode calls', () => {
    expect([...called.audit].sort()).toEqual([...permissions.audit].sort())
  })

  it('the remediation role grants exactly what every mode calls', () => {
    expect([...called.remediation].sort()).toEqual([...permissions.remediation].sort())
  })

  it('report mode calls no write action at all', () => {
    const writes = [...called.audit].filter((a) =>
      /^iam:(Update|Delete|Tag|Untag|Put|Create|Attach)/.test(a)
    )
    expect(writes).toEqual([])
  })

  it('the README documents every action of both roles', () => {
    const readme = readFileSync('README.md', 'utf8')
    const section = readme.slice(readme.indexOf('## IAM permissions'))
    for (const action of permissions.remediation) expect(section).toContain(`"${action}"`)
  })
})
