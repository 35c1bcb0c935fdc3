// The benchmark's account, as a 90-day rotation leaves one: key ages spread evenly over the
// cycle (0 to 90 days), so about one key in six is due soon at any time; 10% of users have no
// key, 60% one, 30% two (both within the cycle). 5% of users are abandoned: their one or two keys
// are years old and last used long ago (overdue and unused). Active keys were used in the last
// three days. Deterministic for a given size and time.
import type { FakeAccount, FakeKey, FakeUser } from '../../test/support/fake-aws/index.js'
import { seededRandom } from '../../test/support/seeded-random.js'
import { classifyRaw } from '../../src/domain/classify.js'
import type { Thresholds } from '../../src/domain/types.js'

const BENCH_ACCOUNT_ID = '999988887777'
const DAY = 86_400_000
const ROTATION_DAYS = 90
const ABANDONED_SHARE = 0.05

export interface BenchAccountShape {
  users: number
  keys: number
  abandonedUsers: number
}

const seconds = (ms: number): Date => new Date(Math.floor(ms / 1000) * 1000)

export function benchAccount(
  users: number,
  now: Date
): { account: FakeAccount; shape: BenchAccountShape } {
  const next = seededRandom(users)
  const shape: BenchAccountShape = { users, keys: 0, abandonedUsers: 0 }
  const list: FakeUser[] = []
  for (let i = 0; i < users; i++) {
    const userName = `user-${String(i).padStart(5, '0')}`
    const abandoned = next() < ABANDONED_SHARE
    const roll = next()
    const count = abandoned ? (roll < 0.5 ? 1 : 2) : roll < 0.1 ? 0 : roll < 0.7 ? 1 : 2
    const keys: FakeKey[] = []
    for (let k = 0; k < count; k++) {
      const ageDays = abandoned ? 200 + next() * 1000 : next() * ROTATION_DAYS
      const usedDaysAgo = abandoned ? 150 + next() * 50 : Math.min(ageDays, next() * 3)
      keys.push({
        accessKeyId: `AKIABENCH${String(i).padStart(6, '0')}${k}${'ABCD'.charAt(k)}`.padEnd(
          20,
          'X'
        ),
        status: 'Active',
        createDate: seconds(now.getTime() - ageDays * DAY),
        lastUsed: {
          date: seconds(now.getTime() - usedDaysAgo * DAY),
          serviceName: 's3',
          region: 'us-east-1'
        }
      })
    }
    shape.keys += count
    if (abandoned) shape.abandonedUsers++
    list.push({ userName, createDate: new Date(now.getTime() - 1500 * DAY), keys })
  }
  return { account: { accountId: BENCH_ACCOUNT_ID, users: list }, shape }
}

/**
 * Counted from the account itself, not from what the action did: the users with a key someone
 * needs the ID of (overdue, unused or inactive; with the runner's defaults no channel needs a
 * due-soon key's ID), and the users with any flagged key (their tags are read for exemptions).
 */
export function usersToRead(
  account: FakeAccount,
  at: Date,
  t: Thresholds
): { idUsers: number; flaggedUsers: number } {
  let idUsers = 0
  let flaggedUsers = 0
  for (const user of account.users) {
    const classes = user.keys.map((k) =>
      classifyRaw(
        {
          status: k.status,
          createDate: k.createDate,
          lastUse: k.lastUsed ? { kind: 'used', ...k.lastUsed } : { kind: 'never' }
        },
        at,
        t
      )
    )
    if (classes.some((c) => c !== 'ok' && c !== 'due-soon')) idUsers++
    if (classes.some((c) => c !== 'ok')) flaggedUsers++
  }
  return { idUsers, flaggedUsers }
}
