// Reads one JSON file of the reports directory: an audit report of ours, a file that is not ours
// (ignored), or a report of ours that cannot be trusted (its account is then a failed account).
// Pure: the caller reads the file.
import { REPORT_SCHEMA_VERSION, type AuditReport } from '../domain/report.js'
import type { Counts, KeyClass } from '../domain/types.js'
import { ACCOUNT_ID } from '../domain/matrix.js'
import { KEY_CLASSES } from '../domain/classify.js'

export type ReportFile =
  | { kind: 'report'; path: string; report: AuditReport }
  | { kind: 'ignored'; path: string; reason: string }
  /** `accountId` is undefined when neither the content nor the file name says whose it is. */
  | { kind: 'unreadable'; path: string; accountId?: string; reason: string }

/** reportFileName() in report.ts: iam-key-sentinel-<account>[-<run>-<attempt>].json */
const OUR_FILE_NAME = /(?:^|\/)iam-key-sentinel-(\d{12})(?:-[\w-]*)?\.json$/

const COUNT_KEYS: readonly (keyof Counts)[] = ['total', ...KEY_CLASSES]
const DATE_FIELDS = new Set(['createDate', 'date'])

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
const isCount = (value: unknown): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= 0
const isDate = (value: unknown): boolean => value instanceof Date && !Number.isNaN(value.getTime())

/** What is wrong with one key, or undefined. Only what the aggregate renders is checked. */
function keyProblem(key: unknown): string | undefined {
  if (!isRecord(key)) return 'is not an object'
  if (typeof key.userName !== 'string' || typeof key.accessKeyId !== 'string')
    return 'has no userName or accessKeyId'
  if (!KEY_CLASSES.includes(key.class as KeyClass))
    return `has an unknown class '${String(key.class)}'`
  if (key.status !== 'Active' && key.status !== 'Inactive') return 'has an unknown status'
  if (typeof key.ageDays !== 'number' || typeof key.daysToDeadline !== 'number')
    return 'has no ageDays or daysToDeadline'
  if (!isDate(key.createDate)) return 'has no valid createDate'
  const lastUse = key.lastUse
  if (!isRecord(lastUse) || !['used', 'never', 'unknown'].includes(String(lastUse.kind)))
    return 'has no valid lastUse'
  if (lastUse.kind === 'used' && !isDate(lastUse.date)) return 'has a lastUse without a valid date'
  return undefined
}

/** Everything the aggregate sums or renders, checked; the counts must agree with the keys. */
function reportProblem(value: Record<string, unknown>): string | undefined {
  if (value.schemaVersion !== REPORT_SCHEMA_VERSION) {
    return `schemaVersion ${JSON.stringify(value.schemaVersion)} is not the one this version reads (${REPORT_SCHEMA_VERSION})`
  }
  if (typeof value.accountId !== 'string' || !ACCOUNT_ID.test(value.accountId))
    return 'it has no 12-digit accountId'
  if (typeof value.generatedAt !== 'string' || Number.isNaN(Date.parse(value.generatedAt)))
    return 'it has no valid generatedAt'
  const t = value.thresholds
  if (!isRecord(t) || !isCount(t.maxAgeDays) || !isCount(t.warnDays) || !isCount(t.unusedDays))
    return 'it has no valid thresholds'
  if (!isCount(value.userCount)) return 'it has no valid userCount'
  const raw = value.counts
  if (!isRecord(raw) || !COUNT_KEYS.every((k) => isCount(raw[k]))) return 'it has no valid counts'
  const counts = raw as unknown as Counts
  if (!Array.isArray(value.keys)) return 'it has no keys array'
  if (!Array.isArray(value.errors)) return 'it has no errors array'
  for (const [i, key] of value.keys.entries()) {
    const problem = keyProblem(key)
    if (problem) return `keys[${i}] ${problem}`
  }
  const r = value.remediation
  if (r !== undefined) {
    const changes = isRecord(r) ? r.changes : undefined
    const valid = (c: unknown): boolean =>
      isRecord(c) && typeof c.kind === 'string' && typeof c.result === 'string'
    if (!Array.isArray(changes) || !changes.every(valid)) return 'it has no valid remediation'
  }
  // Due-soon keys named by slot (no ID read) are listed apart, in keysBySlot, and counted too.
  const bySlot = value.keysBySlot ?? []
  if (!Array.isArray(bySlot) || !bySlot.every((k) => isRecord(k) && typeof k.class === 'string'))
    return 'its keysBySlot is not a list of keys'
  const keys = [...value.keys, ...bySlot] as { class: KeyClass }[]
  const listed = (c: KeyClass): number => keys.filter((k) => k.class === c).length
  // Ok keys only the credential report saw are counted but not listed, so ok may exceed its keys.
  const mismatch = KEY_CLASSES.find((c) =>
    c === 'ok' ? counts.ok < listed(c) : counts[c] !== listed(c)
  )
  const sum = KEY_CLASSES.reduce((n, c) => n + counts[c], 0)
  if (mismatch || sum !== counts.total) {
    return `its counts do not match its keys (${mismatch ?? 'total'}): the file is truncated or was edited`
  }
  return undefined
}

/** A file that could not be used: a failed account when it is named like our reports. */
export function unusableFile(path: string, reason: string): ReportFile {
  const named = OUR_FILE_NAME.exec(path.replace(/\\/g, '/'))?.[1]
  return named
    ? { kind: 'unreadable', path, accountId: named, reason }
    : { kind: 'ignored', path, reason }
}

/** Decides what one file is; never throws, whatever the text. */
export function readReportFile(path: string, text: string): ReportFile {
  const named = OUR_FILE_NAME.exec(path.replace(/\\/g, '/'))?.[1]
  let parsed: unknown
  try {
    parsed = JSON.parse(text, (key, value: unknown) =>
      DATE_FIELDS.has(key) && typeof value === 'string' ? new Date(value) : value
    )
  } catch (error) {
    // A broken file named like our reports is one; any other broken JSON is someone else's.
    return unusableFile(path, `it is not valid JSON (${(error as Error).message})`)
  }
  if (!isRecord(parsed) || parsed.tool !== 'iam-key-sentinel') {
    return unusableFile(path, 'it is not an IAM Key Sentinel audit report')
  }
  const problem = reportProblem(parsed)
  if (problem) {
    const claimed = typeof parsed.accountId === 'string' && ACCOUNT_ID.test(parsed.accountId)
    const accountId = claimed ? (parsed.accountId as string) : named
    return { kind: 'unreadable', path, ...(accountId ? { accountId } : {}), reason: problem }
  }
  return { kind: 'report', path, report: parsed as unknown as AuditReport }
}
