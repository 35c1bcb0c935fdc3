// The three Security Hub calls: the action's own findings read back (GetFindings), findings
// imported (BatchImportFindings) and their workflow status set (BatchUpdateFindings). Each batch
// is at most 100 findings, Security Hub's limit for both writes; throttling is retried by the
// client (src/aws/clients.ts). A call that fails throws SecurityHubCallError naming its permission.
import {
  BatchImportFindingsCommand,
  BatchUpdateFindingsCommand,
  GetFindingsCommand,
  type AwsSecurityFinding,
  type AwsSecurityFindingFilters
} from '@aws-sdk/client-securityhub'
import type { SecurityHubApi } from './clients.js'

/** Security Hub's most findings per BatchImportFindings and per BatchUpdateFindings. */
const SECURITY_HUB_BATCH = 100

export type SecurityHubOperation = 'GetFindings' | 'BatchImportFindings' | 'BatchUpdateFindings'

/** A failed call, with the IAM action it needed. */
export class SecurityHubCallError extends Error {
  constructor(
    readonly operation: SecurityHubOperation,
    readonly failure: unknown
  ) {
    super(failure instanceof Error ? failure.message : String(failure))
    this.name = 'SecurityHubCallError'
  }
}

async function call<T>(operation: SecurityHubOperation, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn()
  } catch (error) {
    throw new SecurityHubCallError(operation, error)
  }
}

function batches<T>(items: readonly T[]): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += SECURITY_HUB_BATCH)
    out.push(items.slice(i, i + SECURITY_HUB_BATCH))
  return out
}

/** The product's active findings of these generators, every page. */
export async function activeFindings(
  hub: SecurityHubApi,
  productArn: string,
  generatorIds: readonly string[]
): Promise<AwsSecurityFinding[]> {
  const filters: AwsSecurityFindingFilters = {
    ProductArn: [{ Value: productArn, Comparison: 'EQUALS' }],
    // Several EQUALS values of one field match any of them.
    GeneratorId: generatorIds.map((Value) => ({ Value, Comparison: 'EQUALS' })),
    RecordState: [{ Value: 'ACTIVE', Comparison: 'EQUALS' }]
  }
  const found: AwsSecurityFinding[] = []
  let nextToken: string | undefined
  // Bounded: Security Hub deletes a finding 90 days after its last update, so pages end.
  do {
    const page = await call('GetFindings', () =>
      hub.send(new GetFindingsCommand({ Filters: filters, MaxResults: 100, NextToken: nextToken }))
    )
    found.push(...(page.Findings ?? []))
    nextToken = page.NextToken || undefined
  } while (nextToken)
  return found
}

/** Findings Security Hub refused, with its reasons. */
export interface RefusedFinding {
  id: string
  error: string
}

/** Imports every finding, 100 a batch; the ones Security Hub refused come back. */
export async function importFindings(
  hub: SecurityHubApi,
  findings: readonly AwsSecurityFinding[]
): Promise<RefusedFinding[]> {
  const refused: RefusedFinding[] = []
  for (const batch of batches(findings)) {
    const answer = await call('BatchImportFindings', () =>
      hub.send(new BatchImportFindingsCommand({ Findings: batch }))
    )
    for (const f of answer.FailedFindings ?? [])
      refused.push({ id: f.Id ?? '', error: `${f.ErrorCode ?? ''} ${f.ErrorMessage ?? ''}`.trim() })
  }
  return refused
}

/** Sets the workflow status of the findings, 100 a batch; the ones not updated come back. */
export async function setWorkflowStatus(
  hub: SecurityHubApi,
  findings: readonly { id: string; productArn: string }[],
  status: 'RESOLVED' | 'NEW',
  note: string
): Promise<RefusedFinding[]> {
  const refused: RefusedFinding[] = []
  for (const batch of batches(findings)) {
    const answer = await call('BatchUpdateFindings', () =>
      hub.send(
        new BatchUpdateFindingsCommand({
          FindingIdentifiers: batch.map((f) => ({ Id: f.id, ProductArn: f.productArn })),
          Workflow: { Status: status },
          Note: { Text: note, UpdatedBy: 'iam-key-sentinel' }
        })
      )
    )
    for (const u of answer.UnprocessedFindings ?? [])
      refused.push({
        id: u.FindingIdentifier?.Id ?? '',
        error: `${u.ErrorCode ?? ''} ${u.ErrorMessage ?? ''}`.trim()
      })
  }
  return refused
}
