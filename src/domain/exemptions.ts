// Which users are exempt and until when: exclude-users globs (no AWS call), grants of the owners
// file, the exempt tag (read per user, its value parsed here) and exempt groups; and the status
// of an exemption on the day of a run.
import { addDays, isoDate } from './dates.js'
import type { OwnersConfig } from './owners.js'
import type { Exemption, ExemptionStatus, ExemptionTerms } from './types.js'

/** exemption-max-days' default: an exemption may run at most this many days ahead unflagged. */
export const DEFAULT_EXEMPTION_MAX_DAYS = 365

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

/** A real calendar day written YYYY-MM-DD. */
export function isIsoDay(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false
  const date = new Date(`${value}T00:00:00Z`)
  return !Number.isNaN(date.getTime()) && isoDate(date) === value
}

/** The field names an exempt tag's value may hold, each with the term it sets. */
const FIELDS: Record<string, keyof ExemptionTerms> = {
  until: 'until',
  reason: 'reason',
  ticket: 'ticket',
  'approved-by': 'approvedBy',
  approved_by: 'approvedBy',
  approver: 'approvedBy'
}
// A field starts a value or follows a space, ';' or ','; IAM tag values cannot hold ';' or ',',
// so in a tag the fields are separated by spaces, but the other separators read the same.
const FIELD = /(^|[\s;,]+)(until|reason|ticket|approved-by|approved_by|approver)\s*=\s*/gi

const trimValue = (value: string): string => value.replace(/^[\s;,]+|[\s;,]+$/g, '')

export type ParsedExemptValue = ExemptionTerms & { untilUnreadable?: string }

/**
 * The exempt tag's value: `until=2027-01-31 reason=vendor contract ticket=SEC-123
 * approved-by=alice`, field names in any case, spaces around '=' allowed. A value without fields
 * (the old form) is the reason, with no end; text before the first field is the reason when no
 * `reason=` is given. An `until` that is not a YYYY-MM-DD date is kept as `untilUnreadable`, and
 * the exemption then has no end (flagged, never silently ending nor silently endless).
 */
export function parseExemptValue(value: string): ParsedExemptValue {
  const matches = [...value.matchAll(FIELD)]
  const terms: ParsedExemptValue = {}
  const lead = trimValue(value.slice(0, matches[0]?.index ?? value.length))
  matches.forEach((m, i) => {
    const name = FIELDS[(m[2] ?? '').toLowerCase()]
    const start = (m.index ?? 0) + m[0].length
    const text = trimValue(value.slice(start, matches[i + 1]?.index ?? value.length))
    if (!name || text === '' || terms[name] !== undefined) return
    terms[name] = text
  })
  if (terms.reason === undefined && lead !== '') terms.reason = lead
  if (terms.until !== undefined && !isIsoDay(terms.until)) {
    terms.untilUnreadable = terms.until
    delete terms.until
  }
  return terms
}

/** A user carrying the exempt tag is exempt whatever its value; the value says why and until when. */
export function exemptByTag(
  tags: ReadonlyMap<string, string> | undefined,
  tag: string | undefined
): Exemption | undefined {
  if (tag === undefined || tags === undefined || !tags.has(tag)) return undefined
  const value = tags.get(tag) ?? ''
  return { kind: 'tag', tag, value, ...parseExemptValue(value) }
}

/** The owners file's grants that cover the user, in the file's order. */
export function exemptByOwnersFile(
  userName: string,
  owners: OwnersConfig | undefined
): Exemption[] {
  return (owners?.exemptions ?? [])
    .filter((grant) => globToRegExp(grant.users).test(userName))
    .map(({ users, until, reason, ticket, approvedBy }) => ({
      kind: 'owners-file' as const,
      users,
      path: owners?.path ?? '',
      ...(until !== undefined ? { until } : {}),
      ...(reason !== undefined ? { reason } : {}),
      ...(ticket !== undefined ? { ticket } : {}),
      ...(approvedBy !== undefined ? { approvedBy } : {})
    }))
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

/**
 * An exemption's status on the run's day (UTC). `until` is inclusive: an exemption until
 * 2027-01-31 still holds on that day and has expired on 2027-02-01.
 */
export function exemptionStatus(e: Exemption, now: Date, maxDays: number): ExemptionStatus {
  if (e.kind === 'excluded-user' || e.kind === 'group') return 'standing'
  if (e.until === undefined) return 'no-end'
  if (e.until < isoDate(now)) return 'expired'
  return e.until > isoDate(addDays(now, maxDays)) ? 'too-far' : 'active'
}

/** Statuses that keep an exemption but list it as needing an end. */
export function needsAnEnd(status: ExemptionStatus): boolean {
  return status === 'no-end' || status === 'too-far'
}
