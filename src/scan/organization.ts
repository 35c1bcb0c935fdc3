// Reads the organization's accounts from AWS Organizations: every account, or those under the
// given roots and OUs, walking nested OUs. Every list is paginated; nothing is filtered here.
import {
  DescribeOrganizationCommand,
  OrganizationsClient,
  paginateListAccounts,
  paginateListAccountsForParent,
  paginateListOrganizationalUnitsForParent,
  type Account
} from '@aws-sdk/client-organizations'
import type { AwsCredentialIdentity } from '@aws-sdk/types'
import { awsClientConfig } from '../aws/network.js'
import { ActionError, errorMessage, hasAwsCode, isAccessDenied } from '../kit/errors.js'

export interface OrgAccount {
  id: string
  name: string
  /** ACTIVE, SUSPENDED, PENDING_CLOSURE, CLOSED…, from State (or Status, which AWS is retiring). */
  state: string
  /** From the account ARN, so role ARNs are right in aws-cn and aws-us-gov too. */
  partition: string
}

export interface OrgListing {
  organizationId: string
  managementAccountId: string
  accounts: OrgAccount[]
}

/** The account ARN is arn:<partition>:organizations::<management>:account/<org>/<id>. */
function toOrgAccount(a: Account): OrgAccount | undefined {
  if (!a.Id) return undefined
  return {
    id: a.Id,
    name: a.Name ?? '',
    state: a.State ?? a.Status ?? 'UNKNOWN',
    partition: a.Arn?.split(':')[1] || 'aws'
  }
}

/** The most Organizations returns per page. */
const PAGE_SIZE = 20

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

async function listAll(client: OrganizationsClient): Promise<OrgAccount[]> {
  const accounts: OrgAccount[] = []
  for await (const page of paginateListAccounts({ client, pageSize: PAGE_SIZE }, {})) {
    for (const a of page.Accounts ?? []) {
      const account = toOrgAccount(a)
      if (account) accounts.push(account)
    }
  }
  return accounts
}

/** Breadth-first under each parent; an OU reached twice (nested and also named) is read once. */
async function listUnder(client: OrganizationsClient, parents: string[]): Promise<OrgAccount[]> {
  const seen = new Set<string>()
  const queue = [...parents]
  const accounts = new Map<string, OrgAccount>()
  while (queue.length > 0) {
    const parent = queue.shift() as string
    if (seen.has(parent)) continue
    seen.add(parent)
    try {
      for await (const page of paginateListAccountsForParent(
        { client, pageSize: PAGE_SIZE },
        { ParentId: parent }
      )) {
        for (const a of page.Accounts ?? []) {
          const account = toOrgAccount(a)
          if (account) accounts.set(account.id, account)
        }
      }
      const units = paginateListOrganizationalUnitsForParent(
        { client, pageSize: PAGE_SIZE },
        { ParentId: parent }
      )
      for await (const page of units) {
        for (const ou of page.OrganizationalUnits ?? []) if (ou.Id) queue.push(ou.Id)
      }
    } catch (error) {
      throw wrap(`Listing the accounts under ${parent} (organizational-units)`, error)
    }
  }
  return [...accounts.values()]
}

export async function listOrganizationAccounts(options: {
  region: string
  credentials?: AwsCredentialIdentity
  /** Roots or OUs; empty lists every account of the organization. */
  parents: string[]
}): Promise<OrgListing> {
  // Organizations has one endpoint per partition; the SDK maps any region of it there.
  const client = new OrganizationsClient({
    region: options.region,
    credentials: options.credentials,
    retryMode: 'adaptive',
    ...awsClientConfig()
  })
  try {
    let org
    try {
      org = (await client.send(new DescribeOrganizationCommand({}))).Organization
    } catch (error) {
      throw wrap('Reading the organization (organizations:DescribeOrganization)', error)
    }
    let accounts: OrgAccount[]
    if (options.parents.length > 0) accounts = await listUnder(client, options.parents)
    else {
      try {
        accounts = await listAll(client)
      } catch (error) {
        throw wrap('Listing the accounts of the organization (organizations:ListAccounts)', error)
      }
    }
    return {
      organizationId: org?.Id ?? '',
      managementAccountId: org?.MasterAccountId ?? '',
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
