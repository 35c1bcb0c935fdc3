// Which users are exempt: exclude-users globs (no AWS call) and the exempt tag (read per user).
import type { Exemption } from './types.js'

/** Glob with '*' and '?' only, anchored; case-insensitive because IAM user names are unique regardless of case. */
export function globToRegExp(glob: string): RegExp {
  const body = glob
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('')
  return new RegExp(`^${body}$`, 'i')
}

export function excludedBy(userName: string, patterns: readonly string[]): Exemption | undefined {
  const pattern = patterns.find((p) => globToRegExp(p).test(userName))
  return pattern === undefined ? undefined : { kind: 'excluded-user', pattern }
}

/** A user carrying the exempt tag is exempt whatever its value; the value is shown as the reason. */
export function exemptByTag(
  tags: ReadonlyMap<string, string> | undefined,
  tag: string | undefined
): Exemption | undefined {
  if (tag === undefined || tags === undefined || !tags.has(tag)) return undefined
  return { kind: 'tag', tag, value: tags.get(tag) ?? '' }
}

/** Members of an exempt group are never acted on; group names are case-insensitive in IAM. */
export function exemptByGroup(
  userGroups: readonly string[] | undefined,
  exemptGroups: readonly string[]
): Exemption | undefined {
  const wanted = new Set(exemptGroups.map((g) => g.toLowerCase()))
  const group = userGroups?.find((g) => wanted.has(g.toLowerCase()))
  return group === undefined ? undefined : { kind: 'group', group }
}
