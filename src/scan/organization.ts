// Reads the organization's accounts from AWS Organizations: every account, or those under the
// given roots and OUs, walking nested OUs. Every list is paginated; nothing is filtered here.
import { organizationsClient, type AwsCredentials, type OrganizationsApi } from '../aws/clients.js'
import {
  describeOrganization,
  listAccounts,
  listAccountsForParent,
  listChildUnits,
  type OrgAccount
} from '../aws/organizations.js'
import { ActionError, errorMessage, hasAwsCode, isAccessDenied } from '../kit/errors.js'

export type { OrgAccount } from '../aws/organizations.js'

export interface OrgListing {
  organizationId: string
  managementAccountId: string
  accounts: OrgAccount[]
}

const PERMISSIONS =
  'organizations:DescribeOrganization, organizations:ListAccounts, organizations:ListAccountsForParent ' +
  'and organizations:ListOrganizationalUnitsForParent'

function wrap(doing: string, error: unknown): ActionError {
  if (error instanceof ActionError) return error
  const hint = hasAwsCode(error, 'AWSOrganizationsNotInUse')
    ? 'The credentials belong to an account outside any organization: run list-accounts with a role in the management account or a delegated administrator account.'
    : hasAwsCode(error, 'ParentNotFound')
      ? "Check 'organizational-units': every entry must be the root ID (r-...) or an OU ID (ou-...) of this organization."
      : isAccessDenied(error)
        ? `Run list-accounts with a role in the management account (or a delegated administrator account) that is allowed ${PERMISSIONS}.`
        : undefined
  return new ActionError(`${doing} failed: ${errorMessage(error)}`, hint, { cause: error })
}

/** Breadth-first under each parent; an OU reached twice (nested and also named) is read once. */
async function listUnder(client: OrganizationsApi, parents: string[]): Promise<OrgAccount[]> {
  const seen = new Set<string>()
  const queue = [...parents]
  const accounts = new Map<string, OrgAccount>()
  while (queue.length > 0) {
    const parent = queue.shift() as string
    if (seen.has(parent)) continue
    seen.add(parent)
    try {
      for (const account of await listAccountsForParent(client, parent)) {
        accounts.set(account.id, account)
      }
      queue.push(...(await listChildUnits(client, parent)))
    } catch (error) {
      throw wrap(`Listing the accounts under ${parent} (organizational-units)`, error)
    }
  }
  return [...accounts.values()]
}

export async function listOrganizationAccounts(options: {
  region: string
  credentials?: AwsCredentials
  /** Roots or OUs; empty lists every account of the organization. */
  parents: string[]
}): Promise<OrgListing> {
  const client = organizationsClient(options)
  try {
    let org
    try {
      org = await describeOrganization(client)
    } catch (error) {
      throw wrap('Reading the organization (organizations:DescribeOrganization)', error)
    }
    let accounts: OrgAccount[]
    if (options.parents.length > 0) accounts = await listUnder(client, options.parents)
    else {
      try {
        accounts = await listAccounts(client)
      } catch (error) {
        throw wrap('Listing the accounts of the organization (organizations:ListAccounts)', error)
      }
    }
    return {
      organizationId: org.id,
      managementAccountId: org.managementAccountId,
      accounts
    }
  } catch (error) {
    if (error instanceof ActionError) throw error
    throw new ActionError(`Listing the organization failed: ${errorMessage(error)}`, undefined, {
      cause: error
    })
  } finally {
    client.destroy()
  }
}
