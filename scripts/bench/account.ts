// The benchmark's account: `users` users with 1.6 keys each on average (10% none, 20% one,
// 70% two) and 5% of the keys overdue. Overdue keys belong to abandoned users, whose two keys
// are both years old (4% of users); every other key is within its rotation period (0 to 70 days
// old at the default 90-day limit). Deterministic for a given size and time.
import type { FakeAccount, FakeKey, FakeUser } from '../../test/support/fake-aws.js'
import { seededRandom } from '../../test/support/seeded-random.js'

export const BENCH_ACCOUNT_ID = '999988887777'
const DAY = 86_400_000

const random = seededRandom

export interface BenchAccountShape {
  users: number
  keys: number
  overdueKeys: number
  /** Users with an overdue key. */
  overdueUsers: number
}

export function benchAccount(
  users: number,
  now: Date
): { account: FakeAccount; shape: BenchAccountShape } {
  const next = random(users)
  const shape: BenchAccountShape = { users, keys: 0, overdueKeys: 0, overdueUsers: 0 }
  // Abandoned users among the two-key users, so that 5% of all keys are overdue.
  const abandonedShare = (0.05 * 1.6) / (2 * 0.7)
  const list: FakeUser[] = []
  for (let i = 0; i < users; i++) {
    const userName = `user-${String(i).padStart(5, '0')}`
    const roll = next()
    const count = roll < 0.1 ? 0 : roll < 0.3 ? 1 : 2
    const abandoned = count === 2 && next() < abandonedShare
    const keys: FakeKey[] = []
    for (let k = 0; k < count; k++) {
      const ageDays = abandoned ? 200 + next() * 1000 : next() * 70
      const createDate = new Date(Math.floor((now.getTime() - ageDays * DAY) / 1000) * 1000)
      const usedDaysAgo = next() < 0.1 ? undefined : Math.min(ageDays, next() * 10)
      keys.push({
        accessKeyId: `AKIABENCH${String(i).padStart(6, '0')}${k}${'ABCD'.charAt(k)}`.padEnd(
          20,
          'X'
        ),
        status: 'Active',
        createDate,
        ...(usedDaysAgo === undefined
          ? {}
          : {
              lastUsed: {
                date: new Date(Math.floor((now.getTime() - usedDaysAgo * DAY) / 1000) * 1000),
                serviceName: 's3',
                region: 'us-east-1'
              }
            })
      })
    }
    shape.keys += count
    if (abandoned) {
      shape.overdueKeys += count
      shape.overdueUsers++
    }
    list.push({ userName, createDate: new Date(now.getTime() - 1500 * DAY), keys })
  }
  return { account: { accountId: BENCH_ACCOUNT_ID, users: list }, shape }
}
