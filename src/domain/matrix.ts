// The job matrix of an organization audit: one entry per account, and its split into chunks
// when the fleet is larger than one GitHub matrix may be (256 jobs). Pure: no I/O.

/** GitHub runs at most this many jobs from one matrix. */
export const GITHUB_MATRIX_LIMIT = 256

export const ACCOUNT_ID = /^\d{12}$/

/** One matrix job: the keys are what `${{ matrix.account-id }}` and friends read. */
export interface MatrixEntry {
  'account-id': string
  'account-name': string
  'role-arn': string
}

interface Matrix {
  include: MatrixEntry[]
}

/** One chunk, for a second-level matrix: `${{ toJSON(matrix.matrix) }}` is a Matrix. */
export interface MatrixChunk {
  chunk: number
  matrix: Matrix
}

/** An account the aggregate step must find a report for. */
export interface ExpectedAccount {
  accountId: string
  name?: string
}

export function memberRoleArn(partition: string, accountId: string, roleName: string): string {
  return `arn:${partition}:iam::${accountId}:role/${roleName}`
}

/**
 * Splits the entries into the fewest chunks of at most `size`, as even as possible (300 accounts
 * at 256 become 150 + 150, not 256 + 44), so every chunk finishes at about the same time.
 */
export function chunkEntries<T>(entries: readonly T[], size: number): T[][] {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`chunk size ${size}`)
  if (entries.length === 0) return []
  const count = Math.ceil(entries.length / size)
  const base = Math.floor(entries.length / count)
  const larger = entries.length % count
  const chunks: T[][] = []
  let start = 0
  for (let i = 0; i < count; i++) {
    const length = base + (i < larger ? 1 : 0)
    chunks.push(entries.slice(start, start + length))
    start += length
  }
  return chunks
}

export function toChunks(entries: readonly MatrixEntry[], size: number): MatrixChunk[] {
  return chunkEntries(entries, size).map((include, i) => ({ chunk: i + 1, matrix: { include } }))
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

export const EXPECTED_ACCOUNTS_FORM =
  'the list-accounts step\'s matrix or chunks output ({"include": [...]}) or 12-digit account IDs separated by commas or new lines'

/** The entries of a matrix, or of every chunk's matrix. */
function matrixEntries(parsed: unknown): unknown[] | undefined {
  const include = isRecord(parsed) ? parsed.include : undefined
  if (!Array.isArray(include)) return undefined
  const nested = (entry: unknown): unknown =>
    isRecord(entry) && isRecord(entry.matrix) ? entry.matrix.include : undefined
  if (include.length > 0 && include.every((entry) => Array.isArray(nested(entry)))) {
    return include.flatMap((entry) => nested(entry) as unknown[])
  }
  return include
}

/**
 * The accounts the aggregate step expects a report from: the matrix or chunks output of the
 * list-accounts step, or plain account IDs. Returns the problem instead of throwing, for the
 * input reader.
 */
export function parseExpectedAccounts(
  text: string
): { accounts: ExpectedAccount[] } | { problem: string } {
  const trimmed = text.trim()
  if (trimmed === '') return { accounts: [] }
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) {
    const ids = trimmed
      .split(/[,\n]/)
      .map((id) => id.trim())
      .filter((id) => id !== '')
    const bad = ids.find((id) => !ACCOUNT_ID.test(id))
    if (bad !== undefined) return { problem: `'${bad}' is not a 12-digit account ID` }
    return { accounts: [...new Set(ids)].map((accountId) => ({ accountId })) }
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(trimmed)
  } catch (error) {
    return { problem: `it is not valid JSON (${(error as Error).message})` }
  }
  const include = matrixEntries(parsed)
  if (!include) return { problem: 'the JSON has no "include" array' }
  const accounts = new Map<string, ExpectedAccount>()
  for (const [i, entry] of include.entries()) {
    const id = isRecord(entry) ? entry['account-id'] : undefined
    if (typeof id !== 'string' || !ACCOUNT_ID.test(id)) {
      return { problem: `include[${i}] has no 12-digit "account-id"` }
    }
    const name = isRecord(entry) ? entry['account-name'] : undefined
    accounts.set(id, { accountId: id, ...(typeof name === 'string' && name ? { name } : {}) })
  }
  return { accounts: [...accounts.values()] }
}
