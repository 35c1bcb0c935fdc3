// The AWS Organizations reads: the organization, its accounts, and what lies under a root or OU.
// Every list is read to its last page; nothing is filtered here.
import {
  DescribeOrganizationCommand,
  paginateListAccounts,
  paginateListAccountsForParent,
  paginateListOrganizationalUnitsForParent,
  type Account
} from '@aws-sdk/client-organizations'
import type { OrganizationsApi } from './clients.js'

export interface OrgAccount {
  id: string
  name: string
  /** ACTIVE, SUSPENDED, PENDING_CLOSURE, CLOSED…, from State (or Status, which AWS is retiring). */
  state: string
  /** From the account ARN, so role ARNs are right in aws-cn and aws-us-gov too. */
  partition: string
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

/** The organization's ID and its management account ('' where Organizations names none). */
export async function describeOrganization(
  client: OrganizationsApi
): Promise<{ id: string; managementAccountId: string }> {
  const org = (await client.send(new DescribeOrganizationCommand({}))).Organization
  return { id: org?.Id ?? '', managementAccountId: org?.MasterAccountId ?? '' }
}

/** The accounts of every page, in order. */
async function accountsOf(pages: AsyncIterable<{ Accounts?: Account[] }>): Promise<OrgAccount[]> {
  const accounts: OrgAccount[] = []
  for await (const page of pages) {
    for (const a of page.Accounts ?? []) {
      const account = toOrgAccount(a)
      if (account) accounts.push(account)
    }
  }
  return accounts
}

/** Every account of the organization (organizations:ListAccounts). */
export function listAccounts(client: OrganizationsApi): Promise<OrgAccount[]> {
  return accountsOf(paginateListAccounts({ client, pageSize: PAGE_SIZE }, {}))
}

/** The accounts directly under a root or OU (organizations:ListAccountsForParent). */
export function listAccountsForParent(
  client: OrganizationsApi,
  parentId: string
): Promise<OrgAccount[]> {
  return accountsOf(
    paginateListAccountsForParent({ client, pageSize: PAGE_SIZE }, { ParentId: parentId })
  )
}

/** The IDs of the OUs directly under a root or OU (ListOrganizationalUnitsForParent). */
export async function listChildUnits(
  client: OrganizationsApi,
  parentId: string
): Promise<string[]> {
  const ids: string[] = []
  const pages = paginateListOrganizationalUnitsForParent(
    { client, pageSize: PAGE_SIZE },
    { ParentId: parentId }
  )
  for await (const page of pages) {
    for (const ou of page.OrganizationalUnits ?? []) if (ou.Id) ids.push(ou.Id)
  }
  return ids
}
