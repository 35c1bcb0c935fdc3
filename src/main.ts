// The action's main job: read inputs, authenticate, audit, report, then decide.
import * as core from '@actions/core'
import { runAudit } from './audit.js'
import { assumeRoleWithOidc } from './auth.js'
import { createClients } from './aws-clients.js'
import { describeFailure } from './errors.js'
import { readSettings, type Settings } from './inputs.js'
import { setOutputs, writeReport } from './report.js'
import { readAccountAlias, readAccountId } from './scan.js'
import { renderSummary } from './summary.js'
import { failureReasons } from './verdict.js'

async function credentialsFor(settings: Settings) {
  if (!settings.roleToAssume) {
    core.info('No role-to-assume: using the default AWS credential chain.')
    return undefined
  }
  core.info(`Assuming ${settings.roleToAssume} with GitHub OIDC.`)
  return assumeRoleWithOidc({ ...settings, roleToAssume: settings.roleToAssume })
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
      const report = await runAudit(clients.iam, settings, { accountId, accountAlias })

      const reportPath = await writeReport(report)
      await writeSummary(
        renderSummary({
          ...report,
          generatedAt: new Date(report.generatedAt),
          findings: report.keys,
          reportPath
        })
      )
      setOutputs(report, reportPath)
      core.info(
        `${report.counts.total} keys: ${report.counts.overdue} overdue, ${report.counts['due-soon']} due soon, ` +
          `${report.counts.unused} unused. Report: ${reportPath}`
      )

      const reasons = failureReasons(report, settings.failOn)
      if (reasons.length > 0) core.setFailed(reasons.join('\n'))
    } finally {
      clients.destroy()
    }
  } catch (error) {
    core.setFailed(describeFailure(error))
  }
}
