// The built-in sample account of `npm run demo` and the e2e tests: a dozen users covering
// every class. Dates are relative to `now`, so the classes hold whenever it runs.
import type { FakeAccount, FakeKey, FakeUser } from './fake-aws/index.js'

export const SAMPLE_ACCOUNT_ID = '111122223333'
export const SAMPLE_ROLE_ARN = `arn:aws:iam::${SAMPLE_ACCOUNT_ID}:role/iam-key-sentinel-audit`
/** The security team's topic, deliberately in another region than aws-region. */
export const SAMPLE_TOPIC_ARN = `arn:aws:sns:eu-west-1:${SAMPLE_ACCOUNT_ID}:security-alerts`
/** GitHub logins that may be assigned in the fake security repository. */
export const SAMPLE_COLLABORATORS = ['alice-gh', 'secops-lead']
export const SAMPLE_FIFO_TOPIC_ARN = `arn:aws:sns:us-east-2:${SAMPLE_ACCOUNT_ID}:security-alerts.fifo`
/** The inputs the demo runs with; unused-days is on so the unused class shows. */
export const SAMPLE_INPUTS = {
  'role-to-assume': SAMPLE_ROLE_ARN,
  'max-age-days': '90',
  'warn-days': '14',
  'unused-days': '30',
  'exclude-users': 'ci-*'
}

const DAY = 86_400_000

/** Expected class of every sample key at SAMPLE_INPUTS, for the tests to check against. */
export const SAMPLE_EXPECTED: Record<string, string> = {
  AKIASAMPLEALICE00001: 'overdue',
  AKIASAMPLEBOBOLD0001: 'overdue',
  AKIASAMPLEBOBNEW0002: 'ok',
  AKIASAMPLECAROL00001: 'due-soon',
  AKIASAMPLEDAVE000001: 'unused',
  AKIASAMPLEERIN000001: 'unused',
  AKIASAMPLEFRANK00001: 'inactive',
  AKIASAMPLECIDEPLOY01: 'exempt',
  AKIASAMPLEVENDOR0001: 'exempt',
  AKIASAMPLEGRACE00001: 'ok',
  AKIASAMPLEIVAN000001: 'ok',
  AKIASAMPLEJUDY000001: 'overdue'
}

/** The sample keys an action acts on at SAMPLE_INPUTS (overdue, then unused), most urgent first. */
export const SAMPLE_OFFENDERS = [
  'AKIASAMPLEBOBOLD0001',
  'AKIASAMPLEALICE00001',
  'AKIASAMPLEJUDY000001',
  'AKIASAMPLEDAVE000001',
  'AKIASAMPLEERIN000001'
]

export function sampleAccount(now: Date = new Date()): FakeAccount {
  const ago = (days: number): Date => new Date(now.getTime() - days * DAY - 3_600_000)
  const key = (
    accessKeyId: string,
    ageDays: number,
    lastUsedDaysAgo: number | undefined,
    status: FakeKey['status'] = 'Active',
    serviceName = 's3'
  ): FakeKey => ({
    accessKeyId,
    status,
    createDate: ago(ageDays),
    ...(lastUsedDaysAgo === undefined
      ? {}
      : { lastUsed: { date: ago(lastUsedDaysAgo), serviceName, region: 'eu-west-1' } })
  })
  const user = (userName: string, keys: FakeKey[], extra: Partial<FakeUser> = {}): FakeUser => ({
    userName,
    createDate: ago(400),
    keys,
    ...extra
  })
  return {
    accountId: SAMPLE_ACCOUNT_ID,
    alias: 'acme-prod',
    roles: [SAMPLE_ROLE_ARN],
    topics: [SAMPLE_TOPIC_ARN, SAMPLE_FIFO_TOPIC_ARN],
    users: [
      user('alice', [key('AKIASAMPLEALICE00001', 120, 1, 'Active', 'dynamodb')], {
        tags: { github: 'alice-gh' }
      }),
      // bob's GitHub login is not a collaborator of the security repository.
      user('bob', [key('AKIASAMPLEBOBOLD0001', 200, 3), key('AKIASAMPLEBOBNEW0002', 10, 0)], {
        tags: { github: 'bob-outsider' }
      }),
      user('carol', [key('AKIASAMPLECAROL00001', 80, 0, 'Active', 'sqs')]),
      user('dave', [key('AKIASAMPLEDAVE000001', 50, 40)]),
      user('erin', [key('AKIASAMPLEERIN000001', 35, undefined)]),
      user('frank', [key('AKIASAMPLEFRANK00001', 150, 120, 'Inactive')]),
      user('ci-deploy', [key('AKIASAMPLECIDEPLOY01', 300, 0, 'Active', 'cloudformation')]),
      user('vendor-sync', [key('AKIASAMPLEVENDOR0001', 100, 2)], {
        tags: { 'iam-key-sentinel-exempt': 'vendor contract, rotated by vendor', team: 'data' }
      }),
      user('grace', [key('AKIASAMPLEGRACE00001', 5, 1, 'Active', 'ec2')]),
      user('heidi', []),
      user('ivan', [key('AKIASAMPLEIVAN000001', 20, 0)]),
      user('judy', [key('AKIASAMPLEJUDY000001', 91, 2, 'Active', 'lambda')])
    ]
  }
}
