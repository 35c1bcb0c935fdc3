// The action's main job: read inputs, authenticate, audit, remediate, report, then decide.
import * as core from '@actions/core'
import type { AwsCredentialIdentity } from '@aws-sdk/types'
import { runAudit, type Audit } from './audit.js'
import { assumeRoleWithOidc } from './auth.js'
import { createClients, type AwsClients } from './aws-clients.js'
import { deliveryFailures, renderDeliveries, type Delivery } from './deliveries.js'
import { describeFailure } from './errors.js'
import { readSettings, type Settings } from './inputs.js'
import { applyPlan } from './remediation/apply.js'
import { syncIssues } from './issues/sync.js'
import { renderSnsNotification, shouldPublish } from './notify/sns-message.js'
import { publishNotification } from './notify/sns-publish.js'
import { readDeactivatedAt } from './remediation/lifecycle-tag.js'
import { planRemediation } from './remediation/plan.js'
import { renderChanges } from './remediation/render.js'
import { setOutputs, writeReport } from './report.js'
import { runContext } from './run-context.js'
import { readAccountAlias, readAccountId } from './scan.js'
import { renderSummary } from './summary.js'
import { failureReasons } from './verdict.js'

async function credentialsFor(settings: Settings): Promise<AwsCredentialIdentity | undefined> {
  if (!settings.roleToAssume) {
    core.info('No role-to-assume: using the default AWS credential chain.')
    return undefined
  }
  core.info(`Assuming ${settings.roleToAssume} with GitHub OIDC.`)
  return assumeRoleWithOidc({ ...settings, roleToAssume: settings.roleToAssume })
}

/** The IAM user key the action itself runs with (static credentials), which it must never touch. */
async function ownAccessKeyId(clients: AwsClients): Promise<string | undefined> {
  try {
    const { accessKeyId } = await clients.iam.config.credentials()
    return accessKeyId.startsWith('AKIA') ? accessKeyId : undefined
  } catch {
    return undefined
  }
}

/** Keys the plan must leave alone whatever their class, with the reason shown in the report. */
async function blockedKeys(audit: Audit, clients: AwsClients): Promise<Map<string, string>> {
  const blocked = new Map<string, string>()
  const own = await ownAccessKeyId(clients)
  for (const key of audit.report.keys) {
    if (key.accessKeyId === own) {
      blocked.set(key.accessKeyId, 'the action is running with this key')
    } else if (audit.unreadable.has(key.userName)) {
      blocked.set(
        key.accessKeyId,
        "the user's tags or groups could not be read, so exemptions are unknown"
      )
    }
  }
  return blocked
}

async function remediate(audit: Audit, settings: Settings, clients: AwsClients): Promise<string> {
  const { report } = audit
  const deactivatedAt = new Map<string, Date>()
  for (const key of report.keys) {
    const date = readDeactivatedAt(audit.tags.get(key.userName), key.accessKeyId)
    if (date) deactivatedAt.set(key.accessKeyId, date)
  }
  const plan = planRemediation({
    findings: report.keys,
    settings: settings.remediation,
    thresholds: settings.thresholds,
    now: audit.now,
    deactivatedAt,
    blocked: await blockedKeys(audit, clients)
  })
  const records = await applyPlan(clients.iam, plan)
  report.remediation = {
    action: plan.action,
    dryRun: plan.dryRun,
    maxActions: plan.maxActions,
    capExceeded: plan.capExceeded,
    changes: records,
    holds: plan.holds
  }
  return renderChanges(plan, records)
}

/** One issue per key that needs rotation, when a token is there and create-issues is on. */
async function notifyIssues(audit: Audit, settings: Settings): Promise<Delivery | undefined> {
  if (!settings.issues.enabled) return undefined
  const run = runContext()
  const [owner = '', repo = ''] = run.repository.split('/')
  const result = await syncIssues({
    settings: settings.issues,
    remediation: settings.remediation,
    audit,
    run,
    repo: { owner, repo }
  })
  core.setOutput('issues', JSON.stringify(result.applied))
  return result.delivery
}

/** One SNS message per run, when notify-on says so; its failure is reported, not thrown. */
async function notifySns(
  audit: Audit,
  settings: Settings,
  credentials: AwsCredentialIdentity | undefined
): Promise<Delivery | undefined> {
  const { snsTopicArn, notifyOn } = settings.notify
  const event = 'audit'
  if (!snsTopicArn || !shouldPublish(audit.report, notifyOn, event)) return undefined
  const ctx = runContext()
  const notification = renderSnsNotification({ report: audit.report, event, runUrl: ctx.runUrl })
  const result = await publishNotification(notification, {
    topicArn: snsTopicArn,
    credentials,
    accountId: audit.report.accountId,
    runId: ctx.runId,
    runAttempt: ctx.runAttempt,
    event
  })
  if (result.ok) {
    core.setOutput('sns-message-id', result.messageId)
    return {
      channel: 'SNS',
      ok: true,
      detail: `Published to ${snsTopicArn} (message ${result.messageId}).`
    }
  }
  return {
    channel: 'SNS',
    ok: false,
    detail: `Publishing to ${snsTopicArn} failed: ${result.error}`,
    hint: result.hint
  }
}

/** Outside a runner (no GITHUB_STEP_SUMMARY) the summary goes to the log instead. */
async function writeSummary(markdown: string): Promise<void> {
  if (process.env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(markdown).write()
  else core.info(markdown)
}

export async function run(): Promise<void> {
  try {
    // Validation comes first: a bad input fails before any AWS or GitHub call.
    const settings = readSettings((name) => core.getInput(name))
    const credentials = await credentialsFor(settings)
    const clients = createClients({ region: settings.awsRegion, credentials })
    try {
      const accountId = await readAccountId(clients.sts)
      const accountAlias = await readAccountAlias(clients.iam)
      core.info(`Scanning the access keys of account ${accountId}.`)
      const audit = await runAudit(clients.iam, settings, { accountId, accountAlias })
      const { report } = audit
      const changes = await remediate(audit, settings, clients)
      const deliveries = [
        await notifyIssues(audit, settings),
        await notifySns(audit, settings, credentials)
      ].filter((d): d is Delivery => d !== undefined)
      const sections = [changes, renderDeliveries(deliveries)].filter((s) => s !== '')

      const reportPath = await writeReport(report)
      await writeSummary(
        renderSummary({
          ...report,
          generatedAt: audit.now,
          findings: report.keys,
          reportPath,
          sections
        })
      )
      setOutputs(report, reportPath)
      core.info(
        `${report.counts.total} keys: ${report.counts.overdue} overdue, ${report.counts['due-soon']} due soon, ` +
          `${report.counts.unused} unused. Report: ${reportPath}`
      )

      const reasons = [...failureReasons(report, settings.failOn), ...deliveryFailures(deliveries)]
      if (reasons.length > 0) core.setFailed(reasons.join('\n'))
    } finally {
      clients.destroy()
    }
  } catch (error) {
    core.setFailed(describeFailure(error))
  }
}
