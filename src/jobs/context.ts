// What every job (audit, incident) shares: the authenticated clients, the run, and the
// ways out (summary, SNS) that must never lose the other reports.
import type { AwsCredentials } from '../aws/clients.js'
import type { AwsClients } from '../aws/clients.js'
import type { Delivery } from '../deliver/deliveries.js'
import type {
  AuditSettings,
  NotifySettings,
  RevokeSettings,
  SecretScanningSettings
} from '../domain/settings.js'
import type { NotificationEvent, SnsNotification } from '../render/sns-message.js'
import { unlessDryRun } from '../deliver/dry-run.js'
import { publishNotification } from '../deliver/sns.js'
import { setOcsfReportPathOutput, setSnsMessageIdOutput } from '../deliver/outputs.js'
import type { RunContext } from '../inputs/run-context.js'
import { deliverSecurityHub } from '../deliver/security-hub.js'
import { writeOcsfReport } from '../deliver/report.js'
import { runnerLog } from '../deliver/runner.js'
import type {
  FindingGenerator,
  SecurityFinding,
  StoredFinding
} from '../domain/security-findings.js'
import { partitionOf } from '../render/links.js'
import { renderOcsfLines } from '../render/ocsf.js'

/** The context of a job that works in one account: the audit's or the incident's. */
export interface JobContext<
  S extends AuditSettings | RevokeSettings | SecretScanningSettings =
    AuditSettings | RevokeSettings | SecretScanningSettings
> {
  settings: S
  credentials?: AwsCredentials
  clients: AwsClients
  accountId: string
  accountAlias?: string
  run: RunContext
}

/** A job's verdict: the reasons the step fails, empty when it passes. */
export type JobResult = { failures: string[] }

/** The IAM user key the action itself runs with (static credentials), which it must never touch. */
export async function ownAccessKeyId(clients: AwsClients): Promise<string | undefined> {
  try {
    const { accessKeyId } = await clients.iam.config.credentials()
    return accessKeyId.startsWith('AKIA') ? accessKeyId : undefined
  } catch {
    return undefined
  }
}

export function repoOf(run: RunContext): { owner: string; repo: string } {
  const [owner = '', repo = ''] = run.repository.split('/')
  return { owner, repo }
}

/**
 * Publishes one notification; a failure comes back as a failed delivery, never thrown. A dry run
 * publishes nothing and says what it would have published.
 */
export function deliverSns(
  job: Pick<JobContext, 'credentials' | 'accountId' | 'run'> & {
    settings: { notify: NotifySettings }
  },
  notification: SnsNotification,
  event: NotificationEvent,
  dryRun: boolean
): Promise<Delivery> {
  const topicArn = job.settings.notify.snsTopicArn ?? ''
  return unlessDryRun(
    dryRun,
    'SNS',
    () =>
      `Would publish to ${topicArn}: "${notification.subject}" (${Buffer.byteLength(notification.message, 'utf8')} bytes).`,
    () => publishSns(job, notification, event, topicArn)
  )
}

async function publishSns(
  job: Pick<JobContext, 'credentials' | 'accountId' | 'run'>,
  notification: SnsNotification,
  event: NotificationEvent,
  topicArn: string
): Promise<Delivery> {
  const result = await publishNotification(notification, {
    topicArn,
    credentials: job.credentials,
    accountId: job.accountId,
    runId: job.run.runId,
    event
  })
  if (result.ok) {
    setSnsMessageIdOutput(result.messageId)
    return {
      channel: 'SNS',
      ok: true,
      detail: `Published to ${topicArn} (message ${result.messageId}).`
    }
  }
  return {
    channel: 'SNS',
    ok: false,
    detail: `Publishing to ${topicArn} failed: ${result.error}`,
    hint: result.hint
  }
}

type ExportJob = Pick<JobContext, 'credentials' | 'accountId'> & {
  settings: Pick<AuditSettings, 'awsRegion' | 'findingsExport' | 'remediation'>
}

/**
 * The run's findings into Security Hub, with security-hub on (undefined otherwise). `owns` and
 * `canResolve`: which stored findings the run may resolve (see planFindingSync).
 */
export async function deliverToSecurityHub(
  job: ExportJob,
  findings: readonly SecurityFinding[],
  resolving: { owns: readonly FindingGenerator[]; canResolve: (s: StoredFinding) => boolean },
  now: Date
): Promise<Delivery | undefined> {
  if (!job.settings.findingsExport.securityHub) return undefined
  return deliverSecurityHub({
    findings,
    ...resolving,
    accountId: job.accountId,
    region: job.settings.awsRegion,
    partition: partitionOf(job.settings.awsRegion),
    ...(job.credentials ? { credentials: job.credentials } : {}),
    dryRun: job.settings.remediation.dryRun,
    now,
    log: runnerLog
  })
}

/** With ocsf-report on, the OCSF lines beside the JSON report, and the ocsf-report-path output. */
export async function writeOcsf(
  job: ExportJob,
  findings: readonly SecurityFinding[],
  reportPath: string,
  time: Date
): Promise<void> {
  if (!job.settings.findingsExport.ocsf) return
  const region = job.settings.awsRegion
  const lines = renderOcsfLines(findings, { partition: partitionOf(region), region, time })
  setOcsfReportPathOutput(await writeOcsfReport(reportPath, lines))
}
