// The dashboard issue's memory and arithmetic: the history block it carries in its own body (a
// trend of the last runs and the keys the last run flagged), what changed since that run, and
// the state now. Pure; rendered by src/render/dashboard.ts, written by src/deliver/dashboard.ts.
import { isoDate, wholeDays } from './dates.js'
import { latestRung, type ReminderSettings } from './reminders.js'
import type { Counts, Finding, KeyClass, RatedExemption } from './types.js'

/** The history block's format; a block of another version is rebuilt, never misread. */
const DASHBOARD_HISTORY_VERSION = 1
/** Runs the trend keeps. */
const TREND_RUNS = 30
/**
 * The most characters the block's JSON may take. GitHub caps an issue body at 65,536 characters;
 * this leaves well over half of it to what people read.
 */
export const HISTORY_MAX_CHARS = 24_000
/** Exemptions ending within this many days are listed as ending soon. */
export const ENDING_SOON_DAYS = 30

/** One run's point of the trend. */
export interface TrendPoint {
  /** The run's instant, ISO 8601. */
  at: string
  /** GITHUB_RUN_ID: a re-run of the same workflow run replaces its point instead of adding one. */
  runId: string
  overdue: number
  dueSoon: number
  unused: number
}

/** A key the last run flagged (any class but ok), as the next run compares against. */
export interface RememberedKey {
  /** The access key ID. */
  id: string
  user: string
  account: string
  class: Exclude<KeyClass, 'ok'>
}

export interface DashboardHistory {
  version: typeof DASHBOARD_HISTORY_VERSION
  runs: TrendPoint[]
  /** The last run's flagged keys, most urgent first. */
  keys: RememberedKey[]
  /** False when the size bound left some keys out: absence then proves nothing. */
  keysComplete: boolean
}

/** A key of this run, with the account it belongs to (the fleet's dashboard spans many). */
export interface ScopedFinding {
  accountId: string
  finding: Finding
}

export interface KeyRef {
  accountId: string
  userName: string
  accessKeyId: string
}

interface ExemptRef extends KeyRef {
  /** The exemption's end, YYYY-MM-DD, when it has one. */
  until?: string
}

/** What changed since the last run; empty lists when nothing did. */
export interface DashboardDelta {
  /** The last run's instant; undefined on the first run (or after a rebuild): nothing to compare. */
  since?: string
  newOverdue: KeyRef[]
  /** Gone since the last run, and its user has a key created since: replaced. */
  rotated: KeyRef[]
  /** Gone since the last run, with no newer key for its user. */
  deleted: KeyRef[]
  newlyExempt: ExemptRef[]
  /** Exempt in the last run, held back no more because the exemption ended. */
  exemptionsExpired: ExemptRef[]
  /** The last run's key list was cut by the size bound: some changes may be missing. */
  partial: boolean
}

/** An owner who was reminded of a key that still needs attention. */
interface UnansweredOwner {
  /** The owner as the reviewed owners file names them: a GitHub login or team, an email. */
  owner: string
  keys: KeyRef[]
  /** Days the longest-waiting key is past its deadline (or unused past the limit). */
  daysWaiting: number
}

interface OldKey extends KeyRef {
  ageDays: number
  class: KeyClass
}

export interface DashboardState {
  counts: Counts
  /** Active keys, oldest first. */
  oldest: OldKey[]
  /** Exemptions ending within ENDING_SOON_DAYS, soonest first. */
  endingSoon: (ExemptRef & { until: string; daysLeft: number })[]
  /** Undefined without the owners file and its reminder ladder: nobody reviewed was asked. */
  unanswered?: UnansweredOwner[]
}

const CLASS_ORDER: Record<Exclude<KeyClass, 'ok'>, number> = {
  overdue: 0,
  unused: 1,
  'due-soon': 2,
  exempt: 3,
  inactive: 4
}

const refOf = (k: ScopedFinding): KeyRef => ({
  accountId: k.accountId,
  userName: k.finding.userName,
  accessKeyId: k.finding.accessKeyId
})

const slot = (account: string, id: string): string => `${account}/${id}`

/** The keys this run remembers for the next: every flagged key, most urgent first. */
export function rememberKeys(keys: readonly ScopedFinding[]): RememberedKey[] {
  return keys
    .flatMap(({ accountId, finding: f }) =>
      f.class === 'ok'
        ? []
        : [{ id: f.accessKeyId, user: f.userName, account: accountId, class: f.class }]
    )
    .sort(
      (a, b) =>
        CLASS_ORDER[a.class] - CLASS_ORDER[b.class] ||
        a.account.localeCompare(b.account) ||
        a.id.localeCompare(b.id)
    )
}

export interface DeltaInput {
  previous: DashboardHistory | undefined
  keys: readonly ScopedFinding[]
  /** Accounts whose keys were all read this run: only their missing keys count as gone. */
  completeAccounts: ReadonlySet<string>
}

export function computeDelta(input: DeltaInput): DashboardDelta {
  const { previous } = input
  const last = previous?.runs.at(-1)
  const delta: DashboardDelta = {
    newOverdue: [],
    rotated: [],
    deleted: [],
    newlyExempt: [],
    exemptionsExpired: [],
    partial: previous?.keysComplete === false
  }
  if (!previous || !last) return delta
  const since = new Date(last.at)
  const before = new Map(previous.keys.map((k) => [slot(k.account, k.id), k]))
  const now = new Set(input.keys.map((k) => slot(k.accountId, k.finding.accessKeyId)))
  for (const k of input.keys) {
    const f = k.finding
    // A key the last run did not remember was ok or did not exist yet.
    const was = before.get(slot(k.accountId, f.accessKeyId))?.class ?? 'ok'
    if (f.class === 'overdue' && was !== 'overdue') delta.newOverdue.push(refOf(k))
    if (f.class === 'exempt' && was !== 'exempt')
      delta.newlyExempt.push({ ...refOf(k), ...untilOf(f.exemption) })
    if (f.expiredExemption && was === 'exempt')
      delta.exemptionsExpired.push({ ...refOf(k), ...untilOf(f.expiredExemption) })
  }
  for (const k of previous.keys) {
    if (now.has(slot(k.account, k.id)) || !input.completeAccounts.has(k.account)) continue
    const ref = { accountId: k.account, userName: k.user, accessKeyId: k.id }
    const replaced = input.keys.some(
      ({ accountId, finding: f }) =>
        accountId === k.account && f.userName === k.user && f.createDate > since
    )
    ;(replaced ? delta.rotated : delta.deleted).push(ref)
  }
  return { ...delta, since: last.at }
}

/** An exemption's end, when its kind has one (a tag's or the owners file's). */
function endOf(e: RatedExemption | undefined): string | undefined {
  return e && (e.kind === 'tag' || e.kind === 'owners-file') ? e.until : undefined
}

const untilOf = (e: RatedExemption | undefined): { until?: string } => {
  const until = endOf(e)
  return until !== undefined ? { until } : {}
}

export interface StateInput {
  keys: readonly ScopedFinding[]
  counts: Counts
  now: Date
  /** How many of the oldest keys to list. */
  oldestLimit: number
  unusedDays: number
  /** With the owners file: who owns a key (reviewed names only) and the reminder ladder. */
  owners?: {
    of: (accountId: string, userName: string) => readonly string[]
    reminders: ReminderSettings
  }
}

/** Days a reminded key has waited past its limit: past the deadline, or unused past the limit. */
function daysWaiting(f: Finding, unusedDays: number): number {
  if (f.class === 'unused') return Math.max(1, (f.idleDays ?? unusedDays) - unusedDays + 1)
  return Math.max(0, -f.daysToDeadline)
}

/**
 * Owners without an answer: the reminder ladder has reminded them of a key (it reached a rung)
 * and the key is past its limit and still needs attention this run — not rotated, deleted,
 * deactivated or exempted, which are the answers the action can see.
 */
function unansweredOwners(input: StateInput): UnansweredOwner[] | undefined {
  const { owners } = input
  if (!owners) return undefined
  const byOwner = new Map<string, UnansweredOwner>()
  for (const k of input.keys) {
    const f = k.finding
    if (f.class !== 'overdue' && f.class !== 'unused') continue
    if (!latestRung(f, owners.reminders, input.unusedDays)) continue
    const waited = daysWaiting(f, input.unusedDays)
    for (const owner of owners.of(k.accountId, f.userName)) {
      const entry = byOwner.get(owner) ?? { owner, keys: [], daysWaiting: 0 }
      entry.keys.push(refOf(k))
      entry.daysWaiting = Math.max(entry.daysWaiting, waited)
      byOwner.set(owner, entry)
    }
  }
  return [...byOwner.values()].sort(
    (a, b) => b.daysWaiting - a.daysWaiting || a.owner.localeCompare(b.owner)
  )
}

export function dashboardState(input: StateInput): DashboardState {
  const today = isoDate(input.now)
  const oldest = input.keys
    .filter((k) => k.finding.status === 'Active')
    .map((k) => ({ ...refOf(k), ageDays: k.finding.ageDays, class: k.finding.class }))
    .sort((a, b) => b.ageDays - a.ageDays || a.accessKeyId.localeCompare(b.accessKeyId))
    .slice(0, input.oldestLimit)
  const endingSoon = input.keys
    .flatMap((k) => {
      const until = endOf(k.finding.exemption)
      if (k.finding.class !== 'exempt' || until === undefined || until < today) return []
      const daysLeft = wholeDays(input.now, new Date(`${until}T23:59:59.999Z`))
      return daysLeft <= ENDING_SOON_DAYS ? [{ ...refOf(k), until, daysLeft }] : []
    })
    .sort((a, b) => a.until.localeCompare(b.until) || a.accessKeyId.localeCompare(b.accessKeyId))
  const unanswered = unansweredOwners(input)
  return { counts: input.counts, oldest, endingSoon, ...(unanswered ? { unanswered } : {}) }
}

/**
 * The history after this run: its point added (or put in place of its own earlier attempt's),
 * the last TREND_RUNS kept, and this run's flagged keys remembered.
 */
export function nextHistory(
  previous: DashboardHistory | undefined,
  point: TrendPoint,
  keys: readonly RememberedKey[]
): DashboardHistory {
  const runs = (previous?.runs ?? []).filter((r) => r.runId !== point.runId)
  return {
    version: DASHBOARD_HISTORY_VERSION,
    runs: [...runs, point].slice(-TREND_RUNS),
    keys: [...keys],
    keysComplete: true
  }
}

/** Opens and closes the block in the body. Nothing escaped can contain them (see serialize). */
const BLOCK_OPEN = '<!-- iam-key-sentinel dashboard-history'
const BLOCK_CLOSE = '-->'

/**
 * The block as it goes into the body: JSON inside a hidden HTML comment. '<', '>' and '&' are
 * written as JSON escapes, so no value (a hand edit included) can end the comment early. Keys
 * are left out from the least urgent on while the JSON would pass HISTORY_MAX_CHARS.
 */
export function serializeHistory(history: DashboardHistory): string {
  const encode = (h: DashboardHistory): string =>
    JSON.stringify(h).replace(
      /[<>&]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`
    )
  let json = encode(history)
  if (json.length > HISTORY_MAX_CHARS) {
    // Each remembered key takes about the same room: cut to the share that fits, then trim.
    let kept = Math.floor((history.keys.length * HISTORY_MAX_CHARS) / json.length)
    do {
      json = encode({ ...history, keys: history.keys.slice(0, kept), keysComplete: false })
      kept--
    } while (json.length > HISTORY_MAX_CHARS && kept >= 0)
  }
  return `${BLOCK_OPEN}\n${json}\n${BLOCK_CLOSE}`
}

export type ParsedHistory =
  | { kind: 'found'; history: DashboardHistory }
  /** No block at all: a new dashboard, or one whose block was deleted by hand. */
  | { kind: 'none' }
  /** A block that cannot be read as this version: rebuilt, and the body says why. */
  | { kind: 'unreadable'; problem: string }

const isCount = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0
const isText = (v: unknown, max: number): v is string =>
  typeof v === 'string' && v.length > 0 && v.length <= max

function isPoint(v: unknown): v is TrendPoint {
  if (typeof v !== 'object' || v === null) return false
  const p = v as Record<string, unknown>
  return (
    isText(p.at, 40) &&
    !Number.isNaN(Date.parse(p.at)) &&
    typeof p.runId === 'string' &&
    p.runId.length <= 40 &&
    isCount(p.overdue) &&
    isCount(p.dueSoon) &&
    isCount(p.unused)
  )
}

function isRemembered(v: unknown): v is RememberedKey {
  if (typeof v !== 'object' || v === null) return false
  const k = v as Record<string, unknown>
  return (
    typeof k.id === 'string' &&
    /^[A-Z0-9]{16,128}$/.test(k.id) &&
    isText(k.user, 128) &&
    typeof k.account === 'string' &&
    /^\d{12}$/.test(k.account) &&
    typeof k.class === 'string' &&
    k.class in CLASS_ORDER
  )
}

/** What is wrong with a parsed block, or undefined when it is a history of this version. */
function historyProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return 'it is not a JSON object'
  const h = value as Record<string, unknown>
  if (h.version !== DASHBOARD_HISTORY_VERSION)
    return `its version is ${JSON.stringify(h.version) ?? 'missing'}, not ${DASHBOARD_HISTORY_VERSION}`
  if (!Array.isArray(h.runs) || !h.runs.every(isPoint)) return 'its runs are not a list of points'
  if (!Array.isArray(h.keys) || !h.keys.every(isRemembered)) return 'its keys are not a key list'
  if (typeof h.keysComplete !== 'boolean') return 'keysComplete is not true or false'
  return undefined
}

/** The history block of a dashboard body; a damaged one is reported, never thrown. */
export function parseHistory(body: string | null | undefined): ParsedHistory {
  const text = body ?? ''
  const start = text.lastIndexOf(BLOCK_OPEN)
  if (start < 0) return { kind: 'none' }
  const end = text.indexOf(BLOCK_CLOSE, start + BLOCK_OPEN.length)
  if (end < 0) return { kind: 'unreadable', problem: 'the block is not closed' }
  let value: unknown
  try {
    value = JSON.parse(text.slice(start + BLOCK_OPEN.length, end))
  } catch (error) {
    return { kind: 'unreadable', problem: `it is not valid JSON (${String(error)})` }
  }
  const problem = historyProblem(value)
  if (problem) return { kind: 'unreadable', problem }
  const history = value as DashboardHistory
  // At most TREND_RUNS points, oldest first, whatever a hand edit left.
  const runs = [...history.runs].sort((a, b) => a.at.localeCompare(b.at)).slice(-TREND_RUNS)
  return {
    kind: 'found',
    history: {
      version: DASHBOARD_HISTORY_VERSION,
      runs,
      keys: history.keys.map(({ id, user, account, class: c }) => ({
        id,
        user,
        account,
        class: c
      })),
      keysComplete: history.keysComplete
    }
  }
}

/** The trend point of this run, from its counts. */
export function trendPoint(at: Date, runId: string, counts: Counts): TrendPoint {
  return {
    at: at.toISOString(),
    runId,
    overdue: counts.overdue,
    dueSoon: counts['due-soon'],
    unused: counts.unused
  }
}
