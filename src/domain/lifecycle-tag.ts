// AWS keeps no deactivation date, so the staged delete records one per key as an IAM user
// tag on the key's owner. The next run reads it to know when the grace period ends; it is
// removed when the key is deleted.

export const DEACTIVATED_TAG_PREFIX = 'iam-key-sentinel:deactivated:'

export function deactivatedTagKey(accessKeyId: string): string {
  return `${DEACTIVATED_TAG_PREFIX}${accessKeyId}`
}

/** The recorded date, or undefined when absent or not a date (a hand-edited tag restarts the grace). */
export function readDeactivatedAt(
  tags: ReadonlyMap<string, string> | undefined,
  accessKeyId: string
): Date | undefined {
  const value = tags?.get(deactivatedTagKey(accessKeyId))
  if (value === undefined) return undefined
  const date = new Date(value)
  return Number.isNaN(date.getTime()) ? undefined : date
}
