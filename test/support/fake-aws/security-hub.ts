// Security Hub (REST-JSON: POST /findings/import, POST /findings, PATCH /findings/batchupdate):
// what the action imports, reads back and resolves. moto 5.2.1 has BatchImportFindings and
// GetFindings but ignores GetFindings' Filters, overwrites a re-imported finding whole (Workflow
// included) and has no BatchUpdateFindings, so this follows the Security Hub API reference:
// - BatchImportFindings: at most 100 findings (else InvalidInputException); a finding missing a
//   required attribute or with another account's product ARN is a FailedFinding; the same Id
//   updates the finding in place, except Workflow, Note, UserDefinedFields and VerificationState,
//   which only BatchUpdateFindings changes; an update whose UpdatedAt is not later is ignored.
// - GetFindings: string filters (EQUALS, NOT_EQUALS, PREFIX), several EQUALS values of one field
//   match any; MaxResults 1 to 100; NextToken pages.
// - BatchUpdateFindings: at most 100 identifiers; an unknown one is an UnprocessedFinding.
import type { Ctx, JsonHandler } from './context.js'
import { AwsError } from './errors.js'
import { isRecord } from './util.js'

type Finding = Record<string, unknown>

/** Every account's findings, by account and region. */
const stores = new WeakMap<object, Map<string, Map<string, Finding>>>()

function storeOf(ctx: Ctx): Map<string, Finding> {
  let byRegion = stores.get(ctx.caller.account)
  if (!byRegion) stores.set(ctx.caller.account, (byRegion = new Map()))
  let store = byRegion.get(ctx.region)
  if (!store) byRegion.set(ctx.region, (store = new Map()))
  return store
}

/** The findings the fake holds for an account in a region, for tests. */
export function securityHubFindings(account: object, region: string): Finding[] {
  return [...(stores.get(account)?.get(region)?.values() ?? [])]
}

const REQUIRED = [
  'SchemaVersion',
  'Id',
  'ProductArn',
  'GeneratorId',
  'AwsAccountId',
  'CreatedAt',
  'UpdatedAt',
  'Severity',
  'Title',
  'Description',
  'Resources'
]
const CUSTOMER_FIELDS = ['Workflow', 'Note', 'UserDefinedFields', 'VerificationState']

function list(ctx: Ctx, name: string): unknown[] {
  const value = ctx.json[name]
  return Array.isArray(value) ? value : []
}

function tooMany(items: unknown[], name: string): void {
  if (items.length > 100)
    throw new AwsError(400, 'InvalidInputException', `${name} must contain at most 100 items.`)
}

function batchImportFindings(ctx: Ctx): Record<string, unknown> {
  const findings = list(ctx, 'Findings')
  tooMany(findings, 'Findings')
  const store = storeOf(ctx)
  const account = ctx.caller.account.accountId
  const product = `arn:aws:securityhub:${ctx.region}:${account}:product/${account}/default`
  const failed: Record<string, string>[] = []
  for (const f of findings) {
    const finding = isRecord(f) ? f : {}
    const id = String(finding.Id ?? '')
    const missing = REQUIRED.filter((k) => finding[k] === undefined)
    if (missing.length > 0) {
      failed.push({
        Id: id,
        ErrorCode: 'InvalidInput',
        ErrorMessage: `Missing ${missing.join(', ')}`
      })
      continue
    }
    if (finding.ProductArn !== product) {
      failed.push({ Id: id, ErrorCode: 'AccessDeniedException', ErrorMessage: 'Wrong product.' })
      continue
    }
    const before = store.get(id)
    if (before && String(finding.UpdatedAt) <= String(before.UpdatedAt)) continue
    const kept = before
      ? Object.fromEntries(CUSTOMER_FIELDS.filter((k) => k in before).map((k) => [k, before[k]]))
      : { Workflow: { Status: 'NEW' }, WorkflowState: 'NEW' }
    const fresh = Object.fromEntries(
      Object.entries(finding).filter(([k]) => !CUSTOMER_FIELDS.includes(k))
    )
    store.set(id, { RecordState: 'ACTIVE', ...fresh, ...kept })
  }
  return {
    FailedCount: failed.length,
    SuccessCount: findings.length - failed.length,
    FailedFindings: failed
  }
}

function fieldValue(finding: Finding, field: string): string | undefined {
  if (field === 'WorkflowStatus') {
    const w = finding.Workflow
    return isRecord(w) ? String(w.Status) : undefined
  }
  const v = finding[field]
  return typeof v === 'string' ? v : undefined
}

function matches(finding: Finding, filters: Record<string, unknown>): boolean {
  return Object.entries(filters).every(([field, conditions]) => {
    if (!Array.isArray(conditions) || conditions.length === 0) return true
    const value = fieldValue(finding, field) ?? ''
    const cs = conditions.filter(isRecord)
    const anyOf = cs.filter((c) => c.Comparison === 'EQUALS' || c.Comparison === 'PREFIX')
    const noneOf = cs.filter((c) => c.Comparison === 'NOT_EQUALS')
    const hit = (c: Record<string, unknown>) =>
      c.Comparison === 'PREFIX' ? value.startsWith(String(c.Value)) : value === String(c.Value)
    return (anyOf.length === 0 || anyOf.some(hit)) && noneOf.every((c) => value !== c.Value)
  })
}

/** The page size the fake answers with when MaxResults is larger (tests page with it). */
export const securityHubPaging = { pageSize: 100 }

function getFindings(ctx: Ctx): Record<string, unknown> {
  const max = ctx.json.MaxResults === undefined ? 100 : Number(ctx.json.MaxResults)
  if (!Number.isInteger(max) || max < 1 || max > 100)
    throw new AwsError(400, 'InvalidInputException', 'MaxResults must be from 1 to 100.')
  const filters = isRecord(ctx.json.Filters) ? ctx.json.Filters : {}
  const all = [...storeOf(ctx).values()].filter((f) => matches(f, filters))
  const start = typeof ctx.json.NextToken === 'string' ? Number(ctx.json.NextToken) : 0
  const size = Math.min(max, securityHubPaging.pageSize)
  const page = all.slice(start, start + size)
  const next = start + size < all.length ? String(start + size) : undefined
  return { Findings: page, ...(next ? { NextToken: next } : {}) }
}

function batchUpdateFindings(ctx: Ctx): Record<string, unknown> {
  const ids = list(ctx, 'FindingIdentifiers').filter(isRecord)
  tooMany(ids, 'FindingIdentifiers')
  const store = storeOf(ctx)
  const processed: unknown[] = []
  const unprocessed: unknown[] = []
  const workflow = isRecord(ctx.json.Workflow) ? ctx.json.Workflow : undefined
  for (const id of ids) {
    const finding = store.get(String(id.Id))
    if (!finding || finding.ProductArn !== id.ProductArn) {
      unprocessed.push({
        FindingIdentifier: id,
        ErrorCode: 'FindingNotFound',
        ErrorMessage: 'Finding Not Found'
      })
      continue
    }
    if (workflow) {
      finding.Workflow = { Status: workflow.Status }
      finding.WorkflowState = workflow.Status === 'RESOLVED' ? 'RESOLVED' : 'NEW'
    }
    if (isRecord(ctx.json.Note)) finding.Note = ctx.json.Note
    processed.push(id)
  }
  return { ProcessedFindings: processed, UnprocessedFindings: unprocessed }
}

export const SECURITY_HUB_HANDLERS: Record<string, JsonHandler> = {
  BatchImportFindings: batchImportFindings,
  GetFindings: getFindings,
  BatchUpdateFindings: batchUpdateFindings
}

/** The operation a REST-JSON request names by its method and path. */
export function securityHubAction(method: string | undefined, path: string): string {
  const p = path.split('?')[0]
  if (method === 'POST' && p === '/findings/import') return 'BatchImportFindings'
  if (method === 'POST' && p === '/findings') return 'GetFindings'
  if (method === 'PATCH' && p === '/findings/batchupdate') return 'BatchUpdateFindings'
  return `${method ?? ''} ${p ?? ''}`
}
