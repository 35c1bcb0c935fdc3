// No silent misses on the credential-report path (dist/index.js, the runner's defaults): a user
// renamed after the report was generated, two keys created in the same second and listed in
// another order than the report's, a user name with a comma (quoted and unquoted rows), and a
// report older than AWS's 4-hour window. Each of these lost a finding without an error before.
// And a due-soon key of a user read for nothing else: named by user and slot in every channel
// with the defaults, by ID (its user read live) when issue-for: due-soon needs the ID.
import { afterEach, describe, expect, it } from '@jest/globals'
import type { FakeAccount, FakeAwsOptions, FakeKey, FakeUser } from '../support/fake-aws/index.js'
import { readReport, startFakes, type Fakes } from '../support/harness.js'
import { SAMPLE_ROLE_ARN, SAMPLE_TOPIC_ARN } from '../support/sample-account.js'

const DAY = 86_400_000
const now = Date.now()
/** Whole seconds, as IAM's wire format has them, `ms` into the second. */
const daysAgo = (days: number, ms = 0): Date =>
  new Date(Math.floor((now - days * DAY) / 1000) * 1000 + ms)

const key = (id: string, ageDays: number, usedDaysAgo?: number, ms = 0): FakeKey => ({
  accessKeyId: id.padEnd(20, '0'),
  status: 'Active',
  createDate: daysAgo(ageDays, ms),
  ...(usedDaysAgo === undefined
    ? {}
    : { lastUsed: { date: daysAgo(usedDaysAgo), serviceName: 's3', region: 'us-east-1' } })
})

/** `count` healthy users plus `extra`; every healthy key is 10 days old and used yesterday. */
function account(count: number, extra: FakeUser[]): FakeAccount {
  const healthy = Array.from({ length: count }, (_, i) => ({
    userName: `user-${String(i).padStart(4, '0')}`,
    keys: [key(`AKIAHEALTHY${String(i).padStart(5, '0')}`, 10, 1)]
  }))
  return { accountId: '111122223333', roles: [SAMPLE_ROLE_ARN], users: [...healthy, ...extra] }
}

const INPUTS = { 'role-to-assume': SAMPLE_ROLE_ARN, 'unused-days': '45', 'create-issues': 'false' }

let fakes: Fakes | undefined
afterEach(async () => {
  await fakes?.stop()
  fakes = undefined
})

async function run(
  model: FakeAccount,
  inputs: Record<string, string>,
  options: FakeAwsOptions = {},
  before?: (f: Fakes) => void
) {
  fakes = await startFakes(model, { pageSize: 1000, ...options })
  before?.(fakes)
  const result = await fakes.run({ ...INPUTS, ...inputs }, { timeoutMs: 120_000 })
  const report = await readReport(result)
  return { result, report: report as typeof report & { counts: Record<string, number> } }
}

const classOf = (report: Awaited<ReturnType<typeof readReport>>, id: string) =>
  report.keys.find((k) => k.accessKeyId === id.padEnd(20, '0'))

describe('a user renamed after the report was generated', () => {
  const overdue = () => ({ userName: 'old-name', keys: [key('AKIARENAMED', 130, 2)] })

  it('credential-report: the new name is read live (it is not in the report)', async () => {
    const { result, report } = await run(
      account(5, [overdue()]),
      { 'scan-method': 'credential-report' },
      {},
      (f) =>
        f.aws.setOnCall((call) => {
          const user = f.aws.account().users.find((u) => u.userName === 'old-name')
          if (call.action === 'GetCredentialReport' && user) user.userName = 'new-name'
        })
    )
    expect(report.scan).toMatchObject({ method: 'credential-report' })
    expect(classOf(report, 'AKIARENAMED')).toMatchObject({ userName: 'new-name', class: 'overdue' })
    expect(report.counts).toMatchObject({ overdue: 1, total: 6 })
    expect(result.code).toBe(1)
  }, 150_000)

  it('auto: ListAccessKeys answers NoSuchEntity for the old name, and the user is re-found', async () => {
    const { result, report } = await run(account(120, [overdue()]), {}, {}, (f) =>
      f.aws.setOnCall((call) => {
        const user = f.aws.account().users.find((u) => u.userName === 'old-name')
        if (call.action === 'ListAccessKeys' && call.params.UserName === 'old-name' && user) {
          user.userName = 'new-name'
        }
      })
    )
    const listed = fakes?.aws.callsTo('ListAccessKeys').map((c) => c.params.UserName)
    expect(listed).toEqual(expect.arrayContaining(['old-name', 'new-name']))
    expect(classOf(report, 'AKIARENAMED')).toMatchObject({ userName: 'new-name', class: 'overdue' })
    expect(report.counts).toMatchObject({ overdue: 1, total: 121 })
    expect(report.userCount).toBe(121)
    expect(result.code).toBe(1)
  }, 150_000)
})

describe('two keys created in the same second', () => {
  it('never swap last-use dates: both are read live and the unused one is found', async () => {
    // Listed B then A; the report orders them A (slot 1) then B: same second, so only the
    // milliseconds IAM does not show tell them apart.
    const user: FakeUser = {
      userName: 'twin',
      keys: [key('AKIATWINRECENT', 60, 1, 900), key('AKIATWINIDLE', 60, 59, 100)]
    }
    const { report } = await run(account(5, [user]), { 'scan-method': 'credential-report' })
    expect(classOf(report, 'AKIATWINIDLE')).toMatchObject({ class: 'unused' })
    expect(classOf(report, 'AKIATWINRECENT')).toMatchObject({ class: 'ok' })
    const lastUseReads = fakes?.aws.callsTo('GetAccessKeyLastUsed').map((c) => c.params.AccessKeyId)
    expect(lastUseReads?.sort()).toEqual(
      ['AKIATWINIDLE', 'AKIATWINRECENT'].map((id) => id.padEnd(20, '0'))
    )
  }, 150_000)
})

describe('a user name with a comma', () => {
  const comma = (): FakeUser => ({ userName: 'ops,team', keys: [key('AKIACOMMA', 130, 2)] })

  it.each([
    ['quoted (RFC 4180)', false],
    ['unquoted, as moto writes it', true]
  ])(
    '%s: its key is found',
    async (_, unquoted) => {
      const { result, report } = await run(
        account(5, [comma()]),
        { 'scan-method': 'credential-report' },
        { credentialReport: { unquoted } }
      )
      expect(report.scan).toMatchObject({ method: 'credential-report' })
      expect(classOf(report, 'AKIACOMMA')).toMatchObject({ userName: 'ops,team', class: 'overdue' })
      expect(report.counts).toMatchObject({ overdue: 1, total: 6 })
      expect(fakes?.aws.callsTo('ListAccessKeys').map((c) => c.params.UserName)).toContain(
        'ops,team'
      )
      expect(result.code).toBe(1)
    },
    150_000
  )
})

describe('a credential report older than 4 hours', () => {
  it('is said so in the summary and not trusted: the walk reads every user', async () => {
    const { result, report } = await run(
      account(5, [{ userName: 'late', keys: [key('AKIALATE', 130, 2)] }]),
      { 'scan-method': 'credential-report' },
      { credentialReport: { generatedAgeMs: 5 * 3_600_000 } }
    )
    expect(report.scan).toMatchObject({ method: 'api' })
    expect(result.summary).toContain('more than 4 hours ago')
    expect(classOf(report, 'AKIALATE')).toMatchObject({ class: 'overdue' })
    expect(fakes?.aws.callsTo('ListAccessKeys')).toHaveLength(6)
  }, 150_000)
})

describe('a due-soon key of a user with nothing else to read', () => {
  // 80 days old: due soon at the defaults (max-age-days 90, warn-days 14), used yesterday.
  const bob = (): FakeUser => ({ userName: 'bob', keys: [key('AKIADUESOON', 80, 1)] })
  const created = daysAgo(80).toISOString().slice(0, 10)
  const listed = () => fakes?.aws.callsTo('ListAccessKeys').map((c) => c.params.UserName)

  it('defaults: named by slot in the summary, SNS, outputs and JSON report; bob not read live', async () => {
    const model = { ...account(5, [bob()]), topics: [SAMPLE_TOPIC_ARN] }
    const { result, report } = await run(model, {
      'scan-method': 'credential-report',
      'sns-topic-arn': SAMPLE_TOPIC_ARN,
      'notify-on': 'always'
    })
    expect(report.scan).toMatchObject({ method: 'credential-report' })
    expect(listed()).not.toContain('bob')
    expect(classOf(report, 'AKIADUESOON')).toBeUndefined()
    const where = 'aws iam list-access-keys --user-name bob'
    const bySlot = {
      userName: 'bob',
      slot: 1,
      class: 'due-soon',
      name: `access key 1 of bob, created ${created}`,
      idWhere: expect.stringContaining(where)
    }
    expect(report.keysBySlot).toEqual([expect.objectContaining(bySlot)])
    expect(report.counts).toMatchObject({ 'due-soon': 1, ok: 5, total: 6 })
    expect(result.outputs['due-soon-count']).toBe('1')
    expect(JSON.parse(result.outputs.findings ?? '[]')).toEqual([expect.objectContaining(bySlot)])
    expect(result.summary).toContain('### Due soon, named by slot (1 key)')
    expect(result.summary).toContain(`access key 1, created ${created}`)
    expect(result.summary).toContain('Keys needing action (1 key of 1 user)')
    const message = fakes?.aws.published[0]?.message ?? ''
    expect(message).toContain(`Access key:  access key 1, created ${created} (ID not read)`)
    expect(message).toContain(where)
    expect(JSON.stringify(report)).not.toContain('AKIADUESOON')
    expect(result.code).toBe(0)
  }, 150_000)

  it('issue-for: due-soon: named by ID, bob read live, and the issue carries the ID', async () => {
    const { result, report } = await run(account(5, [bob()]), {
      'scan-method': 'credential-report',
      'create-issues': 'true',
      'issue-for': 'due-soon'
    })
    expect(listed()).toEqual(['bob'])
    expect(classOf(report, 'AKIADUESOON')).toMatchObject({ userName: 'bob', class: 'due-soon' })
    expect(report.keysBySlot).toBeUndefined()
    expect(report.scan).toMatchObject({
      credentialReport: { candidateUsers: 1, dueSoonIdsFor: ['issue-for: due-soon'] }
    })
    const issue = fakes?.github.issues.find((i) => i.title.includes('of bob'))
    expect(issue?.body).toContain('AKIADUESOON'.padEnd(20, '0'))
    expect(result.summary).not.toContain('named by slot')
    expect(result.code).toBe(0)
  }, 150_000)
})
