// The credential report's rows as users with key slots. Columns are found by header name, so a
// column AWS adds later does not shift anything. The report has no key IDs: a slot is known by
// its creation time (`access_key_N_last_rotated`), which is how it is matched to a live key.
import type { LastUse } from '../../domain/types.js'

const ROOT_USER = '<root_account>'

export interface ReportKeySlot {
  slot: 1 | 2
  active: boolean
  createDate: Date
  /** As of the report's generation: at most as recent as the live value. */
  lastUse: LastUse
}

/**
 * A slot the report describes inconsistently (active, or used, but without a creation date):
 * its user must be read live rather than trusted to have no key there.
 */
type UnclearSlot = Omit<ReportKeySlot, 'createDate'>

export interface ReportUser {
  userName: string
  isRoot: boolean
  /** Slots that hold a key, oldest first as AWS orders them. */
  keys: ReportKeySlot[]
  unclear: UnclearSlot[]
}

export class CredentialReportFormatError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'CredentialReportFormatError'
  }
}

const SLOT_FIELDS = [
  'active',
  'last_rotated',
  'last_used_date',
  'last_used_region',
  'last_used_service'
]
const REQUIRED = ['user', ...[1, 2].flatMap((n) => SLOT_FIELDS.map((f) => `access_key_${n}_${f}`))]

/** ISO 8601 date-time, or undefined for N/A, no_information, not_supported and the like. */
export function reportDate(value: string | undefined): Date | undefined {
  if (value === undefined || !/^\d{4}-\d{2}-\d{2}T/.test(value)) return undefined
  const date = new Date(value)
  return Number.isNaN(date.getTime()) ? undefined : date
}

function reportText(value: string | undefined): string {
  return value === undefined || value === '' ? 'N/A' : value
}

type Columns = Record<string, number>

function columnsOf(header: readonly string[]): Columns {
  const columns: Columns = {}
  header.forEach((name, index) => (columns[name.trim()] = index))
  const missing = REQUIRED.filter((name) => columns[name] === undefined)
  if (missing.length > 0) {
    throw new CredentialReportFormatError(
      `The credential report lacks the column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}.`
    )
  }
  return columns
}

function readSlot(
  row: readonly string[],
  columns: Columns,
  slot: 1 | 2
): ReportKeySlot | UnclearSlot | undefined {
  const cell = (field: string): string | undefined =>
    row[columns[`access_key_${slot}_${field}`] ?? -1]
  const active = cell('active')?.toLowerCase() === 'true'
  const createDate = reportDate(cell('last_rotated'))
  const usedDate = reportDate(cell('last_used_date'))
  const lastUse: LastUse = usedDate
    ? {
        kind: 'used',
        date: usedDate,
        serviceName: reportText(cell('last_used_service')),
        region: reportText(cell('last_used_region'))
      }
    : { kind: 'never' }
  if (createDate) return { slot, active, createDate, lastUse }
  return active || usedDate ? { slot, active, lastUse } : undefined
}

const hasDate = (slot: ReportKeySlot | UnclearSlot): slot is ReportKeySlot => 'createDate' in slot

/**
 * One user per data row, read lazily from the rows (the first is the header). A row that does not
 * have the header's number of fields (a user name with a comma written unquoted, as moto does) is
 * not guessed at: it is passed to `onMalformed` and yields no user, so the caller reads that user
 * live (it is in ListUsers but not in the report).
 */
export function* readCredentialReport(
  rows: Iterable<string[]>,
  onMalformed: (row: string[]) => void = () => undefined
): Generator<ReportUser> {
  let columns: Columns | undefined
  let width = 0
  for (const row of rows) {
    if (!columns) {
      columns = columnsOf(row)
      width = row.length
      continue
    }
    if (row.length !== width) {
      onMalformed(row)
      continue
    }
    const userName = row[columns.user ?? -1] ?? ''
    if (userName === '') continue
    const slots = [readSlot(row, columns, 1), readSlot(row, columns, 2)].filter(
      (slot) => slot !== undefined
    )
    yield {
      userName,
      isRoot: userName === ROOT_USER,
      keys: slots.filter(hasDate),
      unclear: slots.filter((slot) => !hasDate(slot))
    }
  }
  if (!columns) throw new CredentialReportFormatError('The credential report is empty.')
}
