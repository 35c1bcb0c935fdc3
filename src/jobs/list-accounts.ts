// mode: list-accounts. Lists the organization's accounts and sets the matrix outputs that the
// audit jobs fan out over (strategy.matrix: ${{ fromJSON(needs.<job>.outputs.matrix) }}).
import * as core from '@actions/core'
import type { AwsCredentials } from '../aws/clients.js'
import type { ListAccountsSettings } from '../domain/settings.js'
import type { JobResult } from './context.js'
import { setMatrixOutputs, writeSummary } from '../deliver/outputs.js'
import { renderListSummary } from '../render/account-list.js'
import { listOrganizationAccounts } from '../scan/organization.js'
import { selectAccounts } from '../classify/select-accounts.js'

/**
 * GitHub allows 1 MB of outputs per job, counted in UTF-16 (2 bytes a character): better to fail
 * here, saying so, than in the next job with a matrix that lost its output.
 */
const OUTPUT_LIMIT_BYTES = 1024 * 1024
const utf16Bytes = (text: string): number => text.length * 2
/**
 * The runner hands an input to the action as an environment variable, and Linux caps one at
 * 128 KiB: past this, aggregate's expected-accounts should take account-ids, not the matrix.
 */
const INPUT_LIMIT_BYTES = 128 * 1024 - 1024

export async function runListAccountsJob(
  fleet: ListAccountsSettings,
  aws: { region: string; credentials?: AwsCredentials }
): Promise<JobResult> {
  const listing = await listOrganizationAccounts({
    region: aws.region,
    credentials: aws.credentials,
    parents: fleet.organizationalUnits
  })
  const selection = selectAccounts(listing.accounts, fleet)
  const { entries, chunks } = selection
  const { matrix, chunked } = setMatrixOutputs(entries, chunks)

  for (const id of selection.unmatchedExcludes) {
    core.warning(`'exclude-accounts' lists ${id}, which is not an account listed here.`)
  }
  if (chunks.length > 1) {
    core.warning(
      `${entries.length} accounts do not fit one matrix of ${fleet.chunkSize} jobs: use the 'chunks' output ` +
        `(${chunks.length} chunks), one reusable-workflow call per chunk, each with its own matrix ` +
        `(docs/organizations.md, "More than 256 accounts").`
    )
  }
  if (Buffer.byteLength(matrix, 'utf8') > INPUT_LIMIT_BYTES) {
    core.warning(
      `The matrix output is too large to pass as an input (${Buffer.byteLength(matrix, 'utf8')} bytes; ` +
        "a runner passes each input as an environment variable of at most 128 KiB): give aggregate's " +
        "'expected-accounts' the 'account-ids' output instead."
    )
  }
  await writeSummary(
    renderListSummary(listing, selection, {
      parents: fleet.organizationalUnits,
      chunkSize: fleet.chunkSize
    })
  )
  core.info(
    `${entries.length} of ${listing.accounts.length} accounts to audit, in ${chunks.length} chunk(s); ` +
      `${selection.skipped.length} skipped.`
  )

  const failures: string[] = []
  if (entries.length === 0) {
    failures.push(
      'No active account to audit: check organizational-units and exclude-accounts ' +
        '(an empty matrix would fail the audit job instead, with a less helpful message).'
    )
  }
  // The workflow maps one of the two as a job output: matrix for one chunk, chunks for more.
  const needed = chunks.length > 1 ? chunked : matrix
  if (utf16Bytes(needed) > OUTPUT_LIMIT_BYTES) {
    failures.push(
      `The ${chunks.length > 1 ? 'chunks' : 'matrix'} output takes ${utf16Bytes(needed)} bytes, over GitHub's ` +
        '1 MB limit for the outputs of a job: split the organization with organizational-units into ' +
        'several list-accounts jobs.'
    )
  }
  return { failures }
}
