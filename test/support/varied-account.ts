// An account that exercises every class and exemption on both scan methods: keys of every age
// around the thresholds (90/14/30), used and never used, active and inactive, one and two per
// user, exempt by tag, group and name, and a root access key. Dates are relative to `now`.
import type { FakeAccount, FakeKey, FakeUser } from './fake-aws/index.js'

const VARIED_ACCOUNT_ID = '444455556666'
const VARIED_ROLE_ARN = `arn:aws:iam::${VARIED_ACCOUNT_ID}:role/audit`
export const VARIED_INPUTS = {
  'max-age-days': '90',
  'warn-days': '14',
  'unused-days': '30',
  'exclude-users': 'ci-*',
  'exempt-groups': 'breakglass',
  'fail-on': 'never'
}

const DAY = 86_400_000
const AGES = [5, 20, 29, 31, 45, 75, 76, 77, 80, 90, 91, 150, 400]
const IDLE = [0, 3, 29, 30, 31, 60, 200]

export function variedAccount(users = 40, now: Date = new Date()): FakeAccount {
  // Whole seconds, as IAM has them; the extra hour keeps day counts clear of boundaries.
  const ago = (days: number): Date =>
    new Date(Math.floor((now.getTime() - days * DAY - 3_600_000) / 1000) * 1000)
  let n = 0
  const key = (): FakeKey => {
    const i = n++
    const age = AGES[i % AGES.length] ?? 0
    const idle = Math.min(age, IDLE[(i * 3) % IDLE.length] ?? 0)
    return {
      accessKeyId: `AKIAVARIED${String(i).padStart(10, '0')}`,
      status: i % 7 === 3 ? 'Inactive' : 'Active',
      createDate: ago(age),
      ...(i % 5 === 2
        ? {}
        : { lastUsed: { date: ago(idle), serviceName: i % 2 ? 's3' : 'sts', region: 'eu-west-1' } })
    }
  }
  const list: FakeUser[] = Array.from({ length: users }, (_, u) => {
    const name = u % 13 === 5 ? `ci-runner-${u}` : `user-${String(u).padStart(3, '0')}`
    return {
      userName: name,
      createDate: ago(500),
      keys: Array.from({ length: u % 4 === 0 ? 0 : u % 4 === 1 ? 1 : 2 }, key),
      ...(u % 11 === 3 ? { tags: { 'iam-key-sentinel-exempt': 'vendor rotates it' } } : {}),
      ...(u % 9 === 7 ? { groups: ['breakglass'] } : {})
    }
  })
  return {
    accountId: VARIED_ACCOUNT_ID,
    roles: [VARIED_ROLE_ARN],
    users: list,
    rootKeys: [{ accessKeyId: 'AKIAROOTROOTROOT0001', status: 'Active', createDate: ago(400) }]
  }
}
