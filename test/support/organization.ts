// The organization of the fleet e2e tests: management account (lists it), security account (hub
// role and topic), three audited members, Dev (no member role: its audit fails) and a suspended
// sandbox. Key dates are relative to `now`.
import type { FakeAccount, FakeKey, FakeOrganization } from './fake-aws/index.js'

export const MGMT = '100000000001'
export const SECURITY = '200000000002'
export const PROD_A = '300000000003'
export const PROD_B = '300000000004'
export const DEV = '300000000005'
export const STAGING = '300000000006'
const SANDBOX = '300000000009'

export const ORG_READER = `arn:aws:iam::${MGMT}:role/iam-key-sentinel-org-reader`
export const HUB = `arn:aws:iam::${SECURITY}:role/iam-key-sentinel-hub`
export const member = (id: string): string => `arn:aws:iam::${id}:role/iam-key-sentinel-member`
export const ORG_TOPIC = `arn:aws:sns:us-east-1:${SECURITY}:security-alerts`

const ROOT = 'r-ab12'
export const WORKLOADS = 'ou-ab12-workload'
export const PROD_OU = 'ou-ab12-prod0001'
export const DEV_OU = 'ou-ab12-dev00001'
const SECURITY_OU = 'ou-ab12-security'

const DAY = 86_400_000

/** The inputs of every member audit: 120 → overdue, 80 → due soon, 50 (idle 40) → unused. */
export const ORG_AUDIT_INPUTS = {
  'max-age-days': '90',
  'warn-days': '14',
  'unused-days': '30',
  'exclude-users': '',
  'fail-on': 'never'
}

export function organizationAccounts(now: Date = new Date()): FakeAccount[] {
  const ago = (days: number): Date => new Date(now.getTime() - days * DAY - 3_600_000)
  let keySeq = 0
  const key = (ageDays: number, lastUsedDaysAgo?: number): FakeKey => {
    keySeq += 1
    return {
      accessKeyId: `AKIAFLEET${String(keySeq).padStart(11, '0')}`,
      status: 'Active',
      createDate: ago(ageDays),
      ...(lastUsedDaysAgo === undefined
        ? {}
        : { lastUsed: { date: ago(lastUsedDaysAgo), serviceName: 's3', region: 'us-east-1' } })
    }
  }
  const account = (
    accountId: string,
    keyAges: [number, number?][],
    extra: Partial<FakeAccount> = {}
  ): FakeAccount => ({
    accountId,
    roles: [member(accountId)],
    users: keyAges.map(([age, used], i) => ({
      userName: `user-${accountId.slice(-2)}-${i}`,
      keys: [key(age, used)]
    })),
    ...extra
  })
  return [
    {
      accountId: MGMT,
      roles: [ORG_READER],
      users: [{ userName: 'root-admin', keys: [key(400, 1)] }]
    },
    account(SECURITY, [[10, 1]], { roles: [HUB, member(SECURITY)], topics: [ORG_TOPIC] }),
    account(PROD_A, [
      [120, 1],
      [200, 2],
      [80, 0],
      [10, 0]
    ]),
    account(PROD_B, [
      [95, 1],
      [50, 40],
      [5, 1]
    ]),
    // The StackSet never reached Dev: no member role, so its audit job fails.
    { accountId: DEV, users: [{ userName: 'dev-user', keys: [key(300, 1)] }] },
    account(STAGING, [
      [130, 3],
      [20, 1]
    ])
  ]
}

export const ORGANIZATION: FakeOrganization = {
  id: 'o-exampleorg1',
  managementAccountId: MGMT,
  rootId: ROOT,
  units: [
    { id: WORKLOADS, name: 'Workloads', parentId: ROOT },
    { id: PROD_OU, name: 'Prod', parentId: WORKLOADS },
    { id: DEV_OU, name: 'Dev', parentId: WORKLOADS },
    { id: SECURITY_OU, name: 'Security', parentId: ROOT }
  ],
  accounts: [
    { accountId: MGMT, name: 'Management', parentId: ROOT },
    { accountId: SECURITY, name: 'Security', parentId: SECURITY_OU },
    { accountId: PROD_A, name: 'Prod A', parentId: PROD_OU },
    { accountId: PROD_B, name: 'Prod B', parentId: PROD_OU },
    { accountId: DEV, name: 'Dev', parentId: DEV_OU },
    { accountId: STAGING, name: 'Staging', parentId: WORKLOADS },
    { accountId: SANDBOX, name: 'Old sandbox', parentId: DEV_OU, state: 'SUSPENDED' }
  ]
}
