// What the planner is told about keys beyond their class: those it must leave alone, and the
// deactivation dates the staged delete recorded on earlier runs.
import { readDeactivatedAt } from '../domain/lifecycle-tag.js'
import type { Finding } from '../domain/types.js'

/** Keys the plan must leave alone whatever their class, with the reason shown in the report. */
export function blockedKeys(
  findings: readonly Finding[],
  ownAccessKeyId: string | undefined,
  unreadableUsers: ReadonlySet<string>
): Map<string, string> {
  const blocked = new Map<string, string>()
  for (const key of findings) {
    if (key.accessKeyId === ownAccessKeyId) {
      blocked.set(key.accessKeyId, 'the action is running with this key')
    } else if (unreadableUsers.has(key.userName)) {
      blocked.set(
        key.accessKeyId,
        "the user's tags or groups could not be read, so exemptions are unknown"
      )
    }
  }
  return blocked
}

/** When each key was deactivated by an earlier run's staged delete, from its owner's tags. */
export function recordedDeactivations(
  findings: readonly Finding[],
  tags: ReadonlyMap<string, ReadonlyMap<string, string>>
): Map<string, Date> {
  const deactivatedAt = new Map<string, Date>()
  for (const key of findings) {
    const date = readDeactivatedAt(tags.get(key.userName), key.accessKeyId)
    if (date) deactivatedAt.set(key.accessKeyId, date)
  }
  return deactivatedAt
}
