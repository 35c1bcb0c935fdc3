// mode: check, the preflight: signs in as the audit would, reads what that audit depends on
// (src/scan/preflight.ts), judges each line (src/classify/preflight.ts), renders the checklist and
// fails the step when a required line fails. It writes nothing to IAM, SNS or GitHub.
import * as core from '@actions/core'
import { createClients, type AwsClients, type AwsCredentials } from '../aws/clients.js'
import {
  allowedAccountsLine,
  callerOf,
  failed,
  identityLine,
  issuesLine,
  permissionOptionsOf,
  permissionsLine,
  resourcePatternsFor,
  resourcesFor,
  roleArnOf,
  scanMethodLine,
  snsLine,
  trustPolicyLine,
  type ResourceContext
} from '../classify/preflight.js'
import { setCheckOutputs, writeSummary } from '../deliver/outputs.js'
import { runnerLog } from '../deliver/runner.js'
import { requiredPermissions, type PermissionResource } from '../domain/permissions.js'
import { checkFailures, type CheckLine } from '../domain/preflight.js'
import type { CheckSettings } from '../domain/settings.js'
import { createOctokit } from '../github/client.js'
import { probeIssueWrite } from '../github/issues-probe.js'
import type { RunContext } from '../inputs/run-context.js'
import { ActionError, describeFailure } from '../kit/errors.js'
import { checklistLogLines, renderChecklistMarkdown } from '../render/checklist.js'
import { readAccountAlias } from '../scan/identity.js'
import { AUTO_REPORT_ABOVE_USERS } from '../scan/method.js'
import {
  countUsers,
  readCaller,
  readReportAge,
  readTopic,
  readTrust,
  simulate
} from '../scan/preflight.js'
import { repoOf, type JobResult } from './context.js'

const SKIPPED = (detail: string) => ({ skipped: detail })

/** The lines after signing in, with the run's own clients. */
async function checkAccount(
  settings: CheckSettings,
  credentials: AwsCredentials | undefined,
  clients: AwsClients,
  run: RunContext
): Promise<{ lines: CheckLine[]; accountId?: string }> {
  const who = await readCaller(clients)
  if (failed(who)) return { lines: [identityLine(who)] }
  const { accountId, callerArn } = who
  const caller = callerOf(callerArn)
  // As in a real run: an account allowed-account-ids does not list is not read at all.
  const allowed = allowedAccountsLine(accountId, settings.allowedAccountIds)
  if (allowed.status === 'fail') {
    return { lines: [identityLine({ accountId, callerArn, principalArn: callerArn }), allowed] }
  }
  const trust = caller.kind === 'role' ? await readTrust(clients, caller.roleName) : undefined
  const configured = [settings.roleToAssume ?? '', ...(settings.roleChain?.roleArns ?? [])]
  const principalArn =
    caller.kind === 'role'
      ? roleArnOf(caller, trust && !failed(trust) ? trust.arn : undefined, configured)
      : caller.arn
  const alias = await readAccountAlias(clients.iam)
  const lines: CheckLine[] = [
    identityLine({ accountId, ...(alias ? { alias } : {}), callerArn, principalArn }),
    allowed
  ]

  // Permissions: one simulation per kind of resource; sns:Publish is the SNS line's.
  const { options, secretIds } = permissionOptionsOf(settings)
  const topicArn = options.sns ? settings.notify.snsTopicArn : undefined
  const context: ResourceContext = {
    partition: caller.kind === 'role' ? caller.partition : (callerArn.split(':')[1] ?? 'aws'),
    accountId,
    region: settings.awsRegion,
    ...(topicArn ? { topicArn } : {}),
    secretIds
  }
  const required = requiredPermissions(options)
  const kinds: PermissionResource[] = ['account', 'user', 'role', 'topic', 'secret']
  const simulated = await simulate(
    clients,
    principalArn,
    kinds.map((kind) => ({
      actions: required.filter((p) => p.resource === kind).map((p) => p.action),
      resources: resourcesFor(kind, context)
    }))
  )
  const sessionPolicies = Boolean(
    settings.sessionPolicies?.inline || settings.sessionPolicies?.managedArns.length
  )
  lines.push(
    permissionsLine(
      required.filter((p) => p.resource !== 'topic'),
      simulated,
      {
        roleArn: principalArn,
        sessionPolicies,
        resources: (p) => resourcePatternsFor(p.resource, context)
      }
    )
  )

  // The trust policy of the role GitHub's token signs in to: role-to-assume, with no chain after it.
  const signsInWithOidc = Boolean(settings.roleToAssume) && !settings.roleChain
  lines.push(
    trustPolicyLine(
      !signsInWithOidc || !trust
        ? SKIPPED(
            settings.roleChain
              ? "Role chaining: this role is trusted by the role before it; check role-to-assume's trust policy in its own account."
              : 'The run does not sign in with GitHub OIDC (no role-to-assume).'
          )
        : failed(trust)
          ? trust
          : { roleArn: trust.arn, document: trust.trustPolicy },
      run.repository
    )
  )

  lines.push(
    snsLine(
      topicArn
        ? {
            topicArn,
            topic: await readTopic(topicArn, credentials),
            publish: failed(simulated)
              ? simulated
              : simulated.filter((r) => r.action.toLowerCase() === 'sns:publish')
          }
        : SKIPPED(
            settings.notify.snsTopicArn
              ? "'notify-on' is never: nothing would be published."
              : "No 'sns-topic-arn': nothing would be published."
          )
    )
  )

  const { issues } = settings
  const repo = repoOf(run)
  lines.push(
    issuesLine(
      !issues.enabled
        ? settings.createIssues
          ? { noToken: true }
          : SKIPPED("'create-issues' is false: no issue would be written.")
        : {
            repository: run.repository,
            probe: await probeIssueWrite(createOctokit(issues.token, runnerLog), repo)
          }
    )
  )

  const users = settings.scanMethod === 'auto' ? await countUsers(clients) : undefined
  const needsReport =
    settings.scanMethod === 'credential-report' ||
    (users !== undefined && !failed(users) && !users.complete)
  lines.push(
    scanMethodLine({
      requested: settings.scanMethod,
      ...(users ? { users } : {}),
      ...(needsReport ? { report: await readReportAge(clients) } : {}),
      autoReportAbove: AUTO_REPORT_ABOVE_USERS,
      at: new Date()
    })
  )
  return { lines, accountId }
}

function publish(lines: CheckLine[]): void {
  for (const { status, text } of checklistLogLines(lines)) {
    if (status === 'fail') core.error(text)
    else if (status === 'warn') core.warning(text)
    else core.info(text)
  }
}

export async function runCheckJob(
  settings: CheckSettings,
  signIn: () => Promise<AwsCredentials | undefined>,
  run: RunContext
): Promise<JobResult> {
  let result: { lines: CheckLine[]; accountId?: string }
  let credentials: AwsCredentials | undefined
  try {
    credentials = await signIn()
  } catch (error) {
    // The hint goes in the fix, not again in what was found.
    const [detail, hint] =
      error instanceof ActionError ? [error.message, error.hint] : [describeFailure(error)]
    result = { lines: [identityLine({ error: detail, denied: false }, hint)] }
    return finish(result)
  }
  const clients = createClients({
    region: settings.awsRegion,
    credentials,
    iamMaxRps: settings.iamMaxRps
  })
  try {
    result = await checkAccount(settings, credentials, clients, run)
  } finally {
    clients.destroy()
  }
  return finish(result)
}

async function finish(result: { lines: CheckLine[]; accountId?: string }): Promise<JobResult> {
  publish(result.lines)
  await writeSummary(renderChecklistMarkdown(result.lines, result.accountId))
  setCheckOutputs(result.lines, result.accountId)
  return { failures: checkFailures(result.lines) }
}
