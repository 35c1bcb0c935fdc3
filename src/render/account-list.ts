// The job summary of list-accounts: what will be audited, what was skipped and why. Pure.
import { details, escapeMarkdown as esc, table } from '../kit/text/markdown.js'
import { GITHUB_MATRIX_LIMIT } from '../domain/matrix.js'
import type { OrgListing } from '../scan/organization.js'
import type { Selection } from '../classify/select-accounts.js'

/** Rows listed per table; a large fleet is in the matrix output anyway. */
const LIST_ROWS_LIMIT = 500

function bounded(header: string[], rows: string[][], what: string): string {
  const shown = rows.slice(0, LIST_ROWS_LIMIT)
  const more =
    rows.length > shown.length
      ? `\n\n_…and ${rows.length - shown.length} more ${what}, all in the \`matrix\` output._`
      : ''
  return table(header, shown) + more
}

export function renderListSummary(
  listing: OrgListing,
  selection: Selection,
  options: { parents: readonly string[]; chunkSize: number }
): string {
  const { entries, chunks, skipped } = selection
  const scope =
    options.parents.length > 0
      ? ` under ${options.parents.map((p) => `**${esc(p, 70)}**`).join(', ')}`
      : ''
  const lines = [
    '## IAM Key Sentinel: organization accounts',
    '',
    `Organization **${esc(listing.organizationId, 40)}** (management account **${esc(listing.managementAccountId, 12)}**) · ` +
      `${listing.accounts.length} accounts listed${scope} · **${entries.length}** to audit · ${skipped.length} skipped`
  ]
  if (chunks.length > 1) {
    lines.push(
      '',
      `⚠️ ${entries.length} accounts are more than one matrix may hold (matrix-chunk-size ${options.chunkSize}; ` +
        `GitHub runs at most ${GITHUB_MATRIX_LIMIT} jobs per matrix), so the \`chunks\` output splits them into ` +
        `${chunks.length} chunks of ${chunks.map((c) => c.matrix.include.length).join(', ')} accounts: ` +
        'run one reusable-workflow call per chunk, each with its own matrix (docs/organizations.md, "More than 256 accounts").'
    )
  }
  const accountRows = entries.map((e) => [
    esc(e['account-id'], 12),
    esc(e['account-name'], 60),
    esc(e['role-arn'], 200)
  ])
  const parts = [
    lines.join('\n'),
    entries.length > 0
      ? bounded(['Account', 'Name', 'Member role'], accountRows, 'accounts')
      : '❌ No active account to audit.'
  ]
  if (skipped.length > 0) {
    const rows = skipped.map((s) => [
      esc(s.account.id, 12),
      esc(s.account.name, 60),
      s.reason === 'excluded' ? 'exclude-accounts' : `not active (${esc(s.account.state, 20)})`
    ])
    parts.push(
      details(
        `Skipped accounts (${skipped.length})`,
        bounded(['Account', 'Name', 'Why'], rows, 'skipped accounts')
      )
    )
  }
  return parts.join('\n\n') + '\n'
}
