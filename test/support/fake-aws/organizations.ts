// Organizations: the accounts, root and OUs, for the management account or a delegated admin.
import type { Ctx, JsonHandler } from './context.js'
import { AwsError } from './errors.js'
import type { FakeOrganization, FakeOrganizationAccount } from './types.js'
import { DEFAULT_DATE } from './util.js'

const PARENT_ID = /^(r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$/

const orgError = (code: string, message: string): AwsError => new AwsError(400, code, message)

/** The organization the caller belongs to; `admin` also requires the right to list it. */
function callerOrganization(ctx: Ctx, admin: boolean): FakeOrganization {
  const org = ctx.state.options.organization
  const accountId = ctx.caller.account.accountId
  const member = org?.accounts.some((a) => a.accountId === accountId)
  if (!org || (!member && org.managementAccountId !== accountId)) {
    throw orgError(
      'AWSOrganizationsNotInUseException',
      'Your account is not a member of an organization.'
    )
  }
  const allowed =
    org.managementAccountId === accountId || (org.delegatedAdministrators ?? []).includes(accountId)
  if (admin && !allowed) {
    throw orgError('AccessDeniedException', "You don't have permissions to access this resource.")
  }
  return org
}

const orgArn = (org: FakeOrganization, kind: string, id: string): string =>
  `arn:aws:organizations::${org.managementAccountId}:${kind}/${org.id}/${id}`

/** Pages of at most min(pageSize, MaxResults) items; the token names the query it belongs to. */
function orgPage<T>(
  ctx: Ctx,
  all: readonly T[],
  scope: string
): { items: T[]; NextToken?: string } {
  const max = ctx.json.MaxResults ?? 20
  if (typeof max !== 'number' || !Number.isInteger(max) || max < 1 || max > 20) {
    throw orgError('InvalidInputException', 'You specified an invalid value for MaxResults.')
  }
  const owner = `${ctx.action}:${scope}`
  let start = 0
  if (ctx.json.NextToken !== undefined) {
    const [offset, tokenOwner] = Buffer.from(String(ctx.json.NextToken), 'base64')
      .toString('utf8')
      .split('|')
    if (tokenOwner !== owner || !/^\d+$/.test(offset ?? '')) {
      throw orgError('InvalidInputException', 'The provided token is invalid.')
    }
    start = Number(offset)
  }
  const limit = Math.min(ctx.state.options.pageSize, max)
  const items = all.slice(start, start + limit)
  const next = start + limit
  if (next >= all.length) return { items }
  return { items, NextToken: Buffer.from(`${next}|${owner}`).toString('base64') }
}

function accountJson(org: FakeOrganization, a: FakeOrganizationAccount): Record<string, unknown> {
  const state = a.state ?? 'ACTIVE'
  return {
    Id: a.accountId,
    Arn: orgArn(org, 'account', a.accountId),
    Email: a.email ?? `aws+${a.accountId}@example.com`,
    Name: a.name,
    // Status is being retired in favour of State; AWS still sends both (CLOSED has no Status).
    Status: state === 'CLOSED' ? undefined : state,
    State: state,
    JoinedMethod: a.accountId === org.managementAccountId ? 'INVITED' : 'CREATED',
    JoinedTimestamp: DEFAULT_DATE.getTime() / 1000
  }
}

function requireParent(ctx: Ctx, org: FakeOrganization): string {
  const parentId = ctx.json.ParentId
  if (typeof parentId !== 'string') {
    throw orgError('InvalidInputException', 'You must specify a value for ParentId.')
  }
  if (!PARENT_ID.test(parentId)) {
    throw orgError(
      'InvalidInputException',
      'You provided a value that does not match the required pattern.'
    )
  }
  if (parentId !== org.rootId && !(org.units ?? []).some((u) => u.id === parentId)) {
    throw orgError(
      'ParentNotFoundException',
      "We can't find a root or OU with the ParentId that you specified."
    )
  }
  return parentId
}

function describeOrganization(ctx: Ctx): Record<string, unknown> {
  const org = callerOrganization(ctx, false)
  return {
    Organization: {
      Id: org.id,
      Arn: orgArn(org, 'organization', org.id).replace(`/${org.id}/${org.id}`, `/${org.id}`),
      FeatureSet: 'ALL',
      MasterAccountArn: orgArn(org, 'account', org.managementAccountId),
      MasterAccountId: org.managementAccountId,
      MasterAccountEmail: `aws+${org.managementAccountId}@example.com`,
      AvailablePolicyTypes: []
    }
  }
}

function listAccounts(ctx: Ctx): Record<string, unknown> {
  const org = callerOrganization(ctx, true)
  const page = orgPage(ctx, org.accounts, 'all')
  return { Accounts: page.items.map((a) => accountJson(org, a)), NextToken: page.NextToken }
}

function listRoots(ctx: Ctx): Record<string, unknown> {
  const org = callerOrganization(ctx, true)
  const root = { Id: org.rootId, Arn: orgArn(org, 'root', org.rootId), Name: 'Root' }
  const page = orgPage(ctx, [{ ...root, PolicyTypes: [] }], 'roots')
  return { Roots: page.items, NextToken: page.NextToken }
}

function listOrganizationalUnitsForParent(ctx: Ctx): Record<string, unknown> {
  const org = callerOrganization(ctx, true)
  const parentId = requireParent(ctx, org)
  const units = (org.units ?? []).filter((u) => u.parentId === parentId)
  const page = orgPage(ctx, units, parentId)
  const json = page.items.map((u) => ({ Id: u.id, Arn: orgArn(org, 'ou', u.id), Name: u.name }))
  return { OrganizationalUnits: json, NextToken: page.NextToken }
}

function listAccountsForParent(ctx: Ctx): Record<string, unknown> {
  const org = callerOrganization(ctx, true)
  const parentId = requireParent(ctx, org)
  const accounts = org.accounts.filter((a) => a.parentId === parentId)
  const page = orgPage(ctx, accounts, parentId)
  return { Accounts: page.items.map((a) => accountJson(org, a)), NextToken: page.NextToken }
}

export const ORGANIZATIONS_HANDLERS: Record<string, JsonHandler> = {
  DescribeOrganization: describeOrganization,
  ListAccounts: listAccounts,
  ListRoots: listRoots,
  ListOrganizationalUnitsForParent: listOrganizationalUnitsForParent,
  ListAccountsForParent: listAccountsForParent
}
