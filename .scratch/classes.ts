import { variedAccount } from '../test/support/varied-account.js'
import { classifyRaw } from '../src/classify.js'
const now = new Date()
for (const n of [12, 40, 120]) {
  const acc = variedAccount(n, now)
  const counts: Record<string, number> = {}
  for (const u of acc.users) for (const k of u.keys) {
    const c = classifyRaw({ ...k, userName: u.userName, lastUse: k.lastUsed ? { kind: 'used', ...k.lastUsed } : { kind: 'never' } }, now, { maxAgeDays: 90, warnDays: 14, unusedDays: 30 })
    const ex = u.userName.startsWith('ci-') || u.tags || u.groups ? 'X' : ''
    counts[c + ex] = (counts[c + ex] ?? 0) + 1
  }
  console.log(n, counts, acc.users.map(u => u.userName + (u.tags ? '[tag]' : '') + (u.groups ? '[grp]' : '') + ':' + u.keys.length).join(' '))
}
