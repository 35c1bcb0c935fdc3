// The inputs of the organization modes, list-accounts and aggregate.
import type {
  AggregateSettings,
  ConnectionSettings,
  ListAccountsSettings
} from '../domain/settings.js'
import {
  ACCOUNT_ID,
  EXPECTED_ACCOUNTS_FORM,
  GITHUB_MATRIX_LIMIT,
  parseExpectedAccounts
} from '../domain/matrix.js'
import type { FleetMode } from './mode.js'
import { PARENT_ID, ROLE_NAME } from './patterns.js'
import type { Reader } from './reader.js'

/** What the organization inputs add to the sign-in settings (aggregate adds notify too). */
export type FleetFields =
  | Omit<ListAccountsSettings, keyof ConnectionSettings>
  | Omit<AggregateSettings, keyof ConnectionSettings | 'notify' | 'dryRun'>

const LIST_INPUTS = [
  'organizational-units',
  'exclude-accounts',
  'member-role-name',
  'matrix-chunk-size'
] as const
const AGGREGATE_INPUTS = ['reports-directory', 'expected-accounts'] as const

/**
 * The inputs of the organization modes. All are read in every mode (action.yml declares each),
 * and one set outside its mode is a mistake worth naming, not something to ignore.
 */
export function readFleet(r: Reader, mode: FleetMode | undefined): FleetFields | undefined {
  const organizationalUnits = r.list(
    'organizational-units',
    PARENT_ID,
    'organizational unit IDs such as ou-ab12-cd34ef56 or the root ID such as r-ab12'
  )
  const excludeAccounts = r.list('exclude-accounts', ACCOUNT_ID, '12-digit AWS account IDs')
  const memberRoleName = r.matching(
    'member-role-name',
    ROLE_NAME,
    "an IAM role name: 1 to 64 letters, digits and '+=,.@_-', without a path"
  )
  const chunkSize = r.wholeNumber('matrix-chunk-size', 1, GITHUB_MATRIX_LIMIT)
  const reportsDirectory = r.raw('reports-directory')
  const expected = parseExpectedAccounts(r.raw('expected-accounts'))
  if ('problem' in expected) {
    r.problems.push(`'expected-accounts' must be ${EXPECTED_ACCOUNTS_FORM}; ${expected.problem}.`)
  }
  const misplaced = (names: readonly string[], where: FleetMode): void => {
    for (const name of names.filter((n) => r.isSet(n))) {
      r.problems.push(
        `'${name}' is only used in ${where} mode: set 'mode' to ${where} or remove '${name}'.`
      )
    }
  }
  if (mode !== 'list-accounts') misplaced(LIST_INPUTS, 'list-accounts')
  if (mode !== 'aggregate') misplaced(AGGREGATE_INPUTS, 'aggregate')
  if (mode === 'list-accounts') {
    return {
      mode,
      organizationalUnits: [...new Set(organizationalUnits)],
      excludeAccounts,
      memberRoleName,
      chunkSize
    }
  }
  if (mode !== 'aggregate') return undefined
  if (reportsDirectory === '') {
    r.problems.push(
      "'reports-directory' is required in aggregate mode: the directory the report artifacts were downloaded to (actions/download-artifact's path)."
    )
  }
  const expectedAccounts = 'accounts' in expected ? expected.accounts : []
  if (expectedAccounts.length === 0 && !('problem' in expected)) {
    r.problems.push(
      `'expected-accounts' is required in aggregate mode, so that an account without a report is flagged rather than missed: pass the list-accounts step's matrix output (needs.<job>.outputs.matrix).`
    )
  }
  return { mode, reportsDirectory, expectedAccounts }
}
