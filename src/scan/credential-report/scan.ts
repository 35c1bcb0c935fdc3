// The credential-report method: the account's users live (ListUsers), one report for the whole
// account, then live reads of the users the report cannot vouch for only: those with a key that
// is, or could be, flagged, and those the report does not show (created or renamed since it was
// generated, or a row that does not parse). Findings and actions use the live data; the report
// only narrows who is read and, where it settles the class, saves the last-use read.
//
// With `readWhileWaiting` (auto), the walk races the report: users are read live from the first
// moment, and whichever finishes first wins. The walk keeps racing only while its pace, measured
// as it goes, says it finishes before a report is expected (WALK_RACE_MS); past that it waits for
// the report, so a large account does not spend its IAM bucket on reads the report makes moot. A
// report that arrives narrows the users not yet read; one that fails resumes the walk; one that
// loses is abandoned (its poll cancelled).
import type { IamClient } from '../../aws/clients.js'
import { wholeDays } from '../../domain/dates.js'
import { isOkByAge, lastUseNeed, OK_DETAIL_LIMIT } from '../../domain/last-use-policy.js'
import type { TwoActiveKeys } from '../../domain/account-findings.js'
import type { RootAccessKey } from '../../domain/scan-info.js'
import { forEachLimit } from '../../kit/concurrency.js'
import {
  listUserKeys,
  listUserNames,
  readLastUse,
  usersNotIn,
  type ScanResult
} from '../api-walk.js'
import type { AccessKey, ScanError, Thresholds } from '../../domain/types.js'
import { NO_ID_NEEDED, type DueSoonIdNeed, type SlotKey } from '../../domain/key-naming.js'
import { classifyRaw } from '../../domain/classify.js'
import { isCandidate, reportSettlesUnused, STALENESS_MARGIN_MS } from './candidates.js'
import { csvRows, utf8Chunks } from './csv.js'
import { fetchCredentialReport, ReportAbandoned, type ReportFetchOptions } from './fetch.js'
import { matchSlots } from './match.js'
import { readCredentialReport, type ReportKeySlot, type ReportUser } from './parse.js'

export interface CredentialReportScanOptions {
  concurrency: number
  thresholds: Thresholds
  /** The time the audit classifies at. */
  at: Date
  marginMs?: number
  fetch?: ReportFetchOptions
  /** Live user names already listed in full; listed here otherwise. */
  userNames?: readonly string[]
  /** Race the walk against the report (auto), instead of waiting for the report first. */
  readWhileWaiting?: boolean
  /** Whose due-soon keys must be named by ID (read live); default none: named by slot. */
  dueSoonIds?: DueSoonIdNeed
  /** The walk's clock, for its pace (tests inject one). */
  clock?: () => number
  /** How soon a report is expected; the walk races it only while projected to finish sooner. */
  raceMs?: number
}

/**
 * How long a new credential report is expected to take to generate (AWS gives no figure; seconds
 * in small accounts, longer in large ones). A walk whose measured pace projects its reads past
 * this stops racing and waits: it would only spend IAM calls the report makes unnecessary.
 */
const WALK_RACE_MS = 10_000

export interface ReportUse {
  generatedAt: Date
  candidateUsers: number
  /** Ages of the keys not read live (ok by construction); the report lists them, by day. */
  unlistedOkAgeDays: number[]
  /** Users not read live whose two keys the report shows active, named by slot. */
  reportedPairs: TwoActiveKeys[]
  /** Due-soon keys of users not read live, named by slot (no channel needs their ID). */
  slotKeys: SlotKey[]
  rootAccessKeys: RootAccessKey[]
  /** Rows that did not have the header's shape; their users were read live. */
  malformedRows: number
}

export interface CredentialReportScan extends ScanResult {
  /** Undefined when the report was not used (see `reportFailure`). */
  report?: ReportUse
  /** Why the report was not used: it failed, or the walk finished before it came. */
  reportFailure?: unknown
}

/** The report, parsed as it is decoded: the users by name, the root and the malformed rows. */
interface ParsedReport {
  generatedAt: Date
  users: Map<string, ReportUser>
  root?: ReportUser
  malformedRows: number
}

async function readReport(
  iam: IamClient,
  options: CredentialReportScanOptions,
  signal: AbortSignal
): Promise<ParsedReport> {
  const fetchOptions = { at: options.at, ...options.fetch, signal }
  const { content, generatedAt } = await fetchCredentialReport(iam, fetchOptions)
  const parsed: ParsedReport = { generatedAt, users: new Map(), malformedRows: 0 }
  const rows = csvRows(utf8Chunks(content))
  for (const user of readCredentialReport(rows, () => parsed.malformedRows++)) {
    if (user.isRoot) parsed.root = user
    else parsed.users.set(user.userName, user)
  }
  return parsed
}

function rootKeys(root: ReportUser | undefined, at: Date): RootAccessKey[] {
  if (!root) return []
  const dated = root.keys.map((k) => ({ ...k, ageDays: wholeDays(k.createDate, at) }))
  return [...dated, ...root.unclear].sort((a, b) => a.slot - b.slot)
}

export async function scanWithCredentialReport(
  iam: IamClient,
  options: CredentialReportScanOptions
): Promise<CredentialReportScan> {
  const { at, thresholds: t, concurrency } = options
  const marginMs = options.marginMs ?? STALENESS_MARGIN_MS
  const errors: ScanError[] = []
  const abandon = new AbortController()
  let report: ParsedReport | undefined
  let reportFailure: unknown
  const reportRead = readReport(iam, options, abandon.signal).then(
    (parsed) => void (report = parsed),
    (error: unknown) => void (reportFailure = error)
  )
  // Without readWhileWaiting the report comes first; its failure is the caller's to handle.
  if (!options.readWhileWaiting) {
    await reportRead
    if (reportFailure !== undefined) throw reportFailure
  }
  const names = options.userNames ?? (await listUserNames(iam)).names

  const dueSoonIds = options.dueSoonIds ?? NO_ID_NEEDED
  /** Whether a live user must be read: always without a report, else unless it vouches for it. */
  const mustRead = (userName: string): boolean => {
    if (!report) return true
    const row = report.users.get(userName)
    return row === undefined || isCandidate(row, at, t, marginMs, !dueSoonIds.forUser(userName))
  }
  const live = new Map<string, AccessKey[]>()
  const vanished: string[] = []
  const readUser = async (userName: string): Promise<void> => {
    live.set(userName, await listUserKeys(iam, userName, errors, () => vanished.push(userName)))
  }
  // The walk's pace, measured: once `concurrency` users are read, the time so far projects the
  // time for all; past raceMs the walk stops racing and waits for the report.
  const clock = options.clock ?? (() => performance.now())
  const raceMs = options.raceMs ?? WALK_RACE_MS
  const walkStarted = clock()
  let walked = 0
  let racing = options.readWhileWaiting === true
  const keepRacing = (): boolean => {
    if (racing && walked >= concurrency) {
      racing = ((clock() - walkStarted) / walked) * names.length <= raceMs
    }
    return racing
  }
  // mustRead is asked when a name's turn comes, so a report that arrives mid-walk still saves reads.
  await forEachLimit(names, concurrency, async (userName) => {
    if (!report && reportFailure === undefined && !keepRacing()) await reportRead
    if (mustRead(userName)) {
      await readUser(userName)
      walked++
    }
  })

  // A user gone between ListUsers and ListAccessKeys may have been renamed: list the users again
  // and read any name not seen before, so no key is dropped for a rename.
  let userCount = names.length
  if (vanished.length > 0) {
    const again = await usersNotIn(iam, names)
    for (const userName of again) await readUser(userName)
    userCount += again.length - vanished.length
  }
  // Keys in the users' order, whatever order the workers read them in.
  const keys = [...new Set([...names, ...live.keys()])].flatMap((n) => live.get(n) ?? [])

  // Keys of users the report vouched for (not read live) are counted from it, and a pair of
  // active keys among them is named by slot.
  const unlistedOkAgeDays: number[] = []
  const reportedPairs: TwoActiveKeys[] = []
  const slotKeys: SlotKey[] = []
  if (report) {
    for (const userName of names) {
      if (live.has(userName)) continue
      const slots = report.users.get(userName)?.keys ?? []
      for (const slot of slots) {
        const key: SlotKey = {
          userName,
          slot: slot.slot,
          status: slot.active ? 'Active' : 'Inactive',
          createDate: slot.createDate,
          lastUse: slot.lastUse
        }
        // Not read live: ok, or due soon and named by slot (isCandidate).
        if (classifyRaw(key, at, t) === 'due-soon') slotKeys.push(key)
        else unlistedOkAgeDays.push(wholeDays(slot.createDate, at))
      }
      const active = slots.filter((s) => s.active)
      if (active.length >= 2) {
        reportedPairs.push({
          userName,
          keys: active.map(({ slot, createDate, lastUse }) => ({
            slot,
            createDate,
            ageDays: wholeDays(createDate, at),
            lastUse
          }))
        })
      }
    }
  }

  // The slots of users read live, matched to their keys where that is certain, once the report
  // is there (it may still arrive while last uses are read).
  const matched = new Map<string, Map<AccessKey, ReportKeySlot>>()
  const slotOf = (key: AccessKey): ReportKeySlot | undefined => {
    if (!report) return undefined
    let slots = matched.get(key.userName)
    if (!slots) {
      slots = new Map()
      const own = live.get(key.userName) ?? []
      const row = report.users.get(key.userName)
      if (row) {
        matchSlots(own, row.keys).forEach((slot, i) => {
          const liveKey = own[i]
          if (slot && liveKey) slots?.set(liveKey, slot)
        })
      }
      matched.set(key.userName, slots)
    }
    return slots.get(key)
  }

  // Same policy as the API walk; where it wants a value, the report's serves unless the class
  // hangs on it (the key could be unused live).
  const okByAge = keys.filter((k) => isOkByAge(k, at, t)).length + unlistedOkAgeDays.length
  const detailOk = okByAge <= OK_DETAIL_LIMIT
  const wanted = keys
    .map((key) => ({ key, need: lastUseNeed(key, at, t, detailOk) }))
    .filter(({ need }) => need !== 'none')
  let nextKey = 0
  const lastUseWorker = async (): Promise<void> => {
    while (nextKey < wanted.length) {
      const { key, need } = wanted[nextKey++] as (typeof wanted)[number]
      const slot = slotOf(key)
      if (slot && (need === 'display' || reportSettlesUnused(slot, at, t, marginMs))) {
        key.lastUse = slot.lastUse
      } else key.lastUse = await readLastUse(iam, key, errors)
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, wanted.length) }, lastUseWorker))
  // Every read is done: a report still being generated is no longer needed.
  abandon.abort()
  await reportRead
  const used = report

  const result: CredentialReportScan = { userCount, keys, errors }
  if (used) {
    result.report = {
      generatedAt: used.generatedAt,
      candidateUsers: live.size,
      unlistedOkAgeDays,
      reportedPairs,
      slotKeys,
      rootAccessKeys: rootKeys(used.root, at),
      malformedRows: used.malformedRows
    }
  } else {
    result.reportFailure = reportFailure ?? new ReportAbandoned()
  }
  return result
}
