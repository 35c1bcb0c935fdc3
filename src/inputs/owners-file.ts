// The owners file (owners-config): YAML read from the repository that runs the action, checked
// key by key before any AWS call. Every problem names the file, the line and what to change.
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node, type YAMLMap } from 'yaml'
import { isIsoDay } from '../domain/exemptions.js'
import type { ExemptionGrant, OwnerEntry, OwnersConfig } from '../domain/owners.js'
import { USER_GLOB } from './patterns.js'

// GitHub logins: letters, digits and single inner hyphens, at most 39 characters.
const LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/
// Teams as mentioned: org/team-slug (slugs are lower-case letters, digits, '-', '_' and '.').
const TEAM = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}\/[a-z0-9][a-z0-9._-]{0,99}$/
const EMAIL = /^[^\s@<>()[\]]{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,63}$/
// A routing name: the value of the SNS `team` attribute, so plain and non-empty.
const TEAM_NAME = /^[A-Za-z0-9][\w .:/-]{0,99}$/
// IAM tag values: at most 256 characters.
const TAG_VALUE_MAX = 256
const TEXT_MAX = 300

const TOP_KEYS = ['owners', 'exemptions']
const OWNER_KEYS = ['users', 'owner-tag-values', 'github-users', 'github-teams', 'email', 'team']
const EXEMPTION_KEYS = ['users', 'until', 'reason', 'ticket', 'approved-by']

class Problems {
  readonly list: string[] = []
  constructor(
    private readonly path: string,
    private readonly lines: LineCounter
  ) {}

  add(node: Node | null | undefined, what: string): void {
    const offset = node?.range?.[0]
    const line = offset === undefined ? '' : ` line ${this.lines.linePos(offset).line}`
    this.list.push(`'owners-config' ${this.path}${line}: ${what}`)
  }

  lineOf(node: Node | null | undefined): number | undefined {
    const offset = node?.range?.[0]
    return offset === undefined ? undefined : this.lines.linePos(offset).line
  }
}

/** The map's pairs as [key, value node], unknown keys reported. */
function fields(
  map: YAMLMap,
  known: readonly string[],
  where: string,
  p: Problems
): Map<string, Node | null> {
  const out = new Map<string, Node | null>()
  for (const pair of map.items) {
    const keyNode = pair.key as Node | null
    const key = isScalar(keyNode) ? String(keyNode.value) : ''
    if (!known.includes(key)) {
      p.add(keyNode, `unknown key '${key}' in ${where}; use one of ${known.join(', ')}.`)
      continue
    }
    out.set(key, (pair.value ?? null) as Node | null)
  }
  return out
}

function text(
  node: Node | null | undefined,
  what: string,
  p: Problems,
  check?: { pattern?: RegExp; form: string; max?: number }
): string | undefined {
  if (!isScalar(node) || typeof node.value !== 'string' || node.value.trim() === '') {
    p.add(node, `${what} must be a non-empty text${check ? ` (${check.form})` : ''}.`)
    return undefined
  }
  const value = node.value.trim()
  if (check?.pattern && !check.pattern.test(value)) {
    p.add(node, `${what} must be ${check.form}; got '${value.slice(0, 80)}'.`)
    return undefined
  }
  if (value.length > (check?.max ?? TEXT_MAX)) {
    p.add(node, `${what} must be at most ${check?.max ?? TEXT_MAX} characters.`)
    return undefined
  }
  return value
}

/** A list of texts; a single text is taken as a list of one. Duplicates are reported. */
function texts(
  node: Node | null | undefined,
  what: string,
  p: Problems,
  check: { pattern?: RegExp; form: string; max?: number; fix?: (v: string) => string | undefined }
): string[] {
  const items: (Node | null)[] = isSeq(node) ? (node.items as (Node | null)[]) : [node ?? null]
  if (!isSeq(node) && !isScalar(node)) {
    p.add(node, `${what} must be a list of ${check.form}.`)
    return []
  }
  const out: string[] = []
  for (const item of items) {
    const raw = isScalar(item) && typeof item.value === 'string' ? item.value.trim() : undefined
    const hint = raw !== undefined ? check.fix?.(raw) : undefined
    if (hint) {
      p.add(item, `${what}: ${hint}`)
      continue
    }
    const value = text(item, what, p, check)
    if (value === undefined) continue
    if (out.some((v) => v.toLowerCase() === value.toLowerCase())) {
      p.add(item, `${what} lists '${value}' twice; remove one.`)
      continue
    }
    out.push(value)
  }
  return out
}

const atSign = (v: string): string | undefined =>
  v.startsWith('@')
    ? `write '${v.slice(1)}' without the '@' (mentions are added by the action).`
    : undefined

/** Where each user glob or tag value was first claimed, to report a second claim. */
class FirstSeen {
  private readonly seen = new Map<string, number | undefined>()
  claim(value: string, line: number | undefined, what: string, node: Node | null, p: Problems) {
    const key = value.toLowerCase()
    if (this.seen.has(key)) {
      const first = this.seen.get(key)
      p.add(
        node,
        `${what} '${value}' is already in ${first === undefined ? 'another entry' : `the entry on line ${first}`}; keep it in one entry (an entry may list several people and teams).`
      )
    } else this.seen.set(key, line)
  }
}

function ownerEntry(
  node: Node | null,
  index: number,
  p: Problems,
  seen: { users: FirstSeen; tags: FirstSeen }
): OwnerEntry | undefined {
  const where = `owners[${index}]`
  if (!isMap(node)) {
    p.add(node, `${where} must be a mapping with keys such as users and github-users.`)
    return undefined
  }
  const f = fields(node, OWNER_KEYS, where, p)
  const list = (key: string, check: Parameters<typeof texts>[3]): string[] =>
    f.has(key) ? texts(f.get(key), `${where}.${key}`, p, check) : []
  const entry: OwnerEntry = {
    users: list('users', { pattern: USER_GLOB, form: "IAM user names or globs with '*' and '?'" }),
    ownerTagValues: list('owner-tag-values', {
      form: 'owner-tag values',
      max: TAG_VALUE_MAX
    }),
    githubUsers: list('github-users', {
      pattern: LOGIN,
      form: 'GitHub logins such as octocat',
      fix: atSign
    }),
    githubTeams: list('github-teams', {
      pattern: TEAM,
      form: 'GitHub teams as org/team-slug, such as acme/payments-oncall',
      fix: atSign
    })
  }
  const email = f.has('email')
    ? text(f.get('email'), `${where}.email`, p, { pattern: EMAIL, form: 'an email address' })
    : undefined
  const team = f.has('team')
    ? text(f.get('team'), `${where}.team`, p, {
        pattern: TEAM_NAME,
        form: "a team name of letters, digits, spaces and '_.:/-', such as payments",
        max: 100
      })
    : undefined
  if (email) entry.email = email
  if (team) entry.team = team
  if (!f.has('users') && !f.has('owner-tag-values')) {
    p.add(node, `${where} covers nobody: give it users (globs) or owner-tag-values.`)
  }
  if (!['github-users', 'github-teams', 'email', 'team'].some((k) => f.has(k))) {
    p.add(node, `${where} names no owner: give it github-users, github-teams, email or team.`)
  }
  const line = p.lineOf(node)
  for (const glob of entry.users)
    seen.users.claim(glob, line, 'user glob', f.get('users') ?? null, p)
  for (const value of entry.ownerTagValues)
    seen.tags.claim(value, line, 'owner-tag value', f.get('owner-tag-values') ?? null, p)
  return entry
}

function exemptionGrant(
  node: Node | null,
  index: number,
  p: Problems,
  seen: FirstSeen
): ExemptionGrant | undefined {
  const where = `exemptions[${index}]`
  if (!isMap(node)) {
    p.add(node, `${where} must be a mapping with keys users, until, reason, ticket, approved-by.`)
    return undefined
  }
  const f = fields(node, EXEMPTION_KEYS, where, p)
  if (!f.has('users')) p.add(node, `${where} needs users: the IAM user name or glob it exempts.`)
  if (!f.has('reason')) p.add(node, `${where} needs a reason: why these keys may stay as they are.`)
  const users = f.has('users')
    ? text(f.get('users'), `${where}.users`, p, {
        pattern: USER_GLOB,
        form: "one IAM user name or glob with '*' and '?'"
      })
    : undefined
  const untilNode = f.get('until')
  let until: string | undefined
  if (f.has('until')) {
    const value = isScalar(untilNode) ? String(untilNode.value).trim() : ''
    if (isIsoDay(value)) until = value
    else
      p.add(
        untilNode,
        `${where}.until must be a date as YYYY-MM-DD, such as 2027-01-31 (the last day the exemption holds); got '${value.slice(0, 40)}'.`
      )
  }
  const optional = (key: string, max = TEXT_MAX) =>
    f.has(key) ? text(f.get(key), `${where}.${key}`, p, { form: 'text', max }) : undefined
  const reason = optional('reason')
  const ticket = optional('ticket', 100)
  const approvedBy = optional('approved-by', 100)
  if (users === undefined) return undefined
  seen.claim(users, p.lineOf(node), 'exempted user glob', f.get('users') ?? null, p)
  return {
    users,
    ...(until ? { until } : {}),
    ...(reason ? { reason } : {}),
    ...(ticket ? { ticket } : {}),
    ...(approvedBy ? { approvedBy } : {})
  }
}

/** Parses the file's text; returns the config, or the problems (each naming its line). */
export function parseOwnersFile(
  source: string,
  path: string
): { config: OwnersConfig; problems: [] } | { problems: string[] } {
  const lines = new LineCounter()
  const doc = parseDocument(source, { lineCounter: lines, uniqueKeys: true, prettyErrors: false })
  const p = new Problems(path, lines)
  if (doc.errors.length > 0) {
    for (const error of doc.errors) {
      const line = lines.linePos(error.pos[0]).line
      const duplicate = error.code === 'DUPLICATE_KEY'
      p.list.push(
        `'owners-config' ${path}${line ? ` line ${line}` : ''}: ${
          duplicate
            ? 'a key appears twice in one mapping; keep one (for two owners, write two entries under owners).'
            : `not valid YAML (${error.message.split('\n')[0]}); fix the syntax there.`
        }`
      )
    }
    return { problems: p.list }
  }
  const config: OwnersConfig = { path, owners: [], exemptions: [] }
  const root = doc.contents as Node | null
  if (root === null) return { config, problems: [] }
  if (!isMap(root)) {
    p.add(root, 'the file must be a mapping with the keys owners and exemptions.')
    return { problems: p.list }
  }
  const top = fields(root, TOP_KEYS, 'the file', p)
  const listOf = (key: string): (Node | null)[] => {
    const node = top.get(key)
    if (!top.has(key) || node === null || node === undefined) return []
    if (!isSeq(node)) {
      p.add(node, `${key} must be a list (each entry starting with '- ').`)
      return []
    }
    return node.items as (Node | null)[]
  }
  const seen = { users: new FirstSeen(), tags: new FirstSeen() }
  listOf('owners').forEach((node, i) => {
    const entry = ownerEntry(node, i, p, seen)
    if (entry) config.owners.push(entry)
  })
  const exempted = new FirstSeen()
  listOf('exemptions').forEach((node, i) => {
    const grant = exemptionGrant(node, i, p, exempted)
    if (grant) config.exemptions.push(grant)
  })
  return p.list.length > 0 ? { problems: p.list } : { config, problems: [] }
}
