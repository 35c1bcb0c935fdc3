// Security Hub: the run's findings imported as ASFF into the account's default product in
// aws-region, the action's findings that are gone resolved, those back reopened. It reads what
// it wrote before first, so a finding seen again keeps its first-seen times. A dry run reads and
// says what it would write, and writes nothing. A failure is a failed delivery, never thrown, so
// the other channels are still delivered and the step fails at the end.
import { dryRunDelivery } from './dry-run.js'
import { securityHubClient, type AwsCredentials } from '../aws/clients.js'
import { isThrottling } from '../aws/errors.js'
import {
  activeFindings,
  importFindings,
  SecurityHubCallError,
  setWorkflowStatus,
  type RefusedFinding
} from '../aws/security-hub.js'
import {
  GENERATOR_ID,
  planFindingSync,
  type FindingGenerator,
  type FindingSyncPlan,
  type SecurityFinding,
  type StoredFinding
} from '../domain/security-findings.js'
import { errorMessage, hasAwsCode } from '../kit/errors.js'
import type { Log } from '../kit/log.js'
import { productArn, renderAsff, storedFinding } from '../render/asff.js'
import type { Partition } from '../render/links.js'
import { plural } from '../render/wording.js'
import type { Delivery } from './deliveries.js'

export interface SecurityHubDelivery {
  findings: readonly SecurityFinding[]
  /** The generators whose stored findings this run may resolve (incident mode: none). */
  owns: readonly FindingGenerator[]
  /** Whether a stored finding that is no longer current is gone (see planFindingSync). */
  canResolve: (stored: StoredFinding) => boolean
  accountId: string
  region: string
  partition: Partition
  credentials?: AwsCredentials
  dryRun: boolean
  now: Date
  log: Pick<Log, 'info'>
}

function securityHubHint(error: unknown, region: string): string {
  const operation = error instanceof SecurityHubCallError ? error.operation : undefined
  const cause = error instanceof SecurityHubCallError ? error.failure : error
  if (hasAwsCode(cause, 'AccessDenied', 'AccessDeniedException', 'AuthorizationError')) {
    return `Allow securityhub:${operation ?? 'GetFindings'} for the role the action runs with (security-hub needs securityhub:GetFindings, securityhub:BatchImportFindings and securityhub:BatchUpdateFindings).`
  }
  if (hasAwsCode(cause, 'InvalidAccessException')) {
    return `Enable Security Hub in ${region} for this account, or set security-hub to false.`
  }
  if (isThrottling(cause)) {
    return 'Security Hub kept throttling after retries; run again later.'
  }
  return "Check that Security Hub is enabled in aws-region and the role's securityhub permissions."
}

const refusedText = (refused: readonly RefusedFinding[]): string =>
  refused
    .slice(0, 5)
    .map((r) => `${r.id}: ${r.error}`)
    .join('; ') + (refused.length > 5 ? ` and ${refused.length - 5} more` : '')

function planText(plan: FindingSyncPlan): string {
  const updated = plan.imports.filter((i) => i.createdAt !== undefined).length
  const created = plan.imports.length - updated
  return [
    `${plural(created, 'new finding')}`,
    `${updated} updated`,
    `${plan.resolve.length} resolved`,
    ...(plan.reopen.length > 0 ? [`${plan.reopen.length} reopened`] : [])
  ].join(', ')
}

/** Imports, resolves and reopens; what it did (or, in a dry run, would do) as a delivery. */
export async function deliverSecurityHub(input: SecurityHubDelivery): Promise<Delivery> {
  const product = productArn(input.partition, input.region, input.accountId)
  const hub = securityHubClient({ region: input.region, credentials: input.credentials })
  const generators = [...new Set([...input.owns, ...input.findings.map((f) => f.generator)])].sort()
  try {
    const raw = await activeFindings(
      hub,
      product,
      generators.map((g) => GENERATOR_ID[g])
    )
    const stored = raw.flatMap((r) => {
      const s = storedFinding(r, product)
      return s && generators.includes(s.generator) ? [s] : []
    })
    const plan = planFindingSync(
      input.findings,
      stored,
      (s) => input.owns.includes(s.generator) && input.canResolve(s)
    )
    const ctx = { partition: input.partition, region: input.region, now: input.now }
    if (input.dryRun) {
      for (const i of plan.imports)
        input.log.info(`Security Hub (dry run): would import ${i.finding.id}`)
      for (const s of plan.resolve) input.log.info(`Security Hub (dry run): would resolve ${s.id}`)
      for (const s of plan.reopen) input.log.info(`Security Hub (dry run): would reopen ${s.id}`)
      return dryRunDelivery('Security Hub', `Would write to ${product}: ${planText(plan)}.`)
    }
    const refused = await importFindings(
      hub,
      plan.imports.map((i) => renderAsff(i.finding, ctx, i))
    )
    const id = (s: StoredFinding) => ({ id: s.id, productArn: product })
    refused.push(
      ...(await setWorkflowStatus(
        hub,
        plan.resolve.map(id),
        'RESOLVED',
        'Resolved by IAM Key Sentinel: the key was rotated, deleted or exempted.'
      )),
      ...(await setWorkflowStatus(
        hub,
        plan.reopen.map(id),
        'NEW',
        'Reopened by IAM Key Sentinel: the finding is current again.'
      ))
    )
    if (refused.length > 0) {
      return {
        channel: 'Security Hub',
        ok: false,
        detail: `Security Hub refused ${plural(refused.length, 'finding')}: ${refusedText(refused)}`,
        hint: 'Check the findings named above; the others were written.'
      }
    }
    return { channel: 'Security Hub', ok: true, detail: `${product}: ${planText(plan)}.` }
  } catch (error) {
    const operation = error instanceof SecurityHubCallError ? `securityhub:${error.operation} ` : ''
    return {
      channel: 'Security Hub',
      ok: false,
      detail: `${operation}failed: ${errorMessage(error instanceof SecurityHubCallError ? error.failure : error)}`,
      hint: securityHubHint(error, input.region)
    }
  } finally {
    hub.destroy()
  }
}
