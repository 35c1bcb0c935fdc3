// Which accounts of the organization get an audit job: the active ones, minus exclude-accounts,
// each with the member role ARN built from member-role-name. Pure.
import { memberRoleArn, toChunks, type MatrixChunk, type MatrixEntry } from '../domain/matrix.js'
import type { OrgAccount } from '../scan/organization.js'

interface Skipped {
  account: OrgAccount
  reason: 'excluded' | 'not active'
}

export interface Selection {
  entries: MatrixEntry[]
  chunks: MatrixChunk[]
  skipped: Skipped[]
  /** exclude-accounts entries that matched no listed account: likely typos, worth a warning. */
  unmatchedExcludes: string[]
}

export function selectAccounts(
  accounts: readonly OrgAccount[],
  options: { excludeAccounts: readonly string[]; memberRoleName: string; chunkSize: number }
): Selection {
  const exclude = new Set(options.excludeAccounts)
  const entries: MatrixEntry[] = []
  const skipped: Skipped[] = []
  // Sorted by ID so the matrix, and so each chunk, is the same from one run to the next.
  const sorted = [...accounts].sort((a, b) => a.id.localeCompare(b.id))
  for (const account of sorted) {
    if (exclude.has(account.id)) skipped.push({ account, reason: 'excluded' })
    else if (account.state !== 'ACTIVE') skipped.push({ account, reason: 'not active' })
    else {
      entries.push({
        'account-id': account.id,
        'account-name': account.name,
        'role-arn': memberRoleArn(account.partition, account.id, options.memberRoleName)
      })
    }
  }
  const listed = new Set(accounts.map((a) => a.id))
  return {
    entries,
    chunks: toChunks(entries, options.chunkSize),
    skipped,
    unmatchedExcludes: [...exclude].filter((id) => !listed.has(id))
  }
}
