// The action's entry: read inputs, authenticate, run the audit, incident or organization job, decide.
import * as core from '@actions/core'
import * as github from '@actions/github'
import type { AwsCredentialIdentity } from '@aws-sdk/types'
import { runAuditJob } from './audit-job.js'
import { assumeRoleChained, assumeRoleWithOidc } from './auth.js'
import { createClients } from './aws-clients.js'
import { describeFailure } from './errors.js'
import { runFleetJob } from './fleet/job.js'
import { runIncidentJob } from './incident/job.js'
import { readSettings, type Settings } from './inputs.js'
import { runContext } from './run-context.js'
import { readAccountAlias, readAccountId } from './scan.js'

async function credentialsFor(settings: Settings): Promise<AwsCredentialIdentity | undefined> {
  const chain = settings.roleChain
  let credentials: AwsCredentialIdentity | undefined
  let identity = 'the credentials already in the job'
  if (settings.roleToAssume && chain?.from !== 'job-credentials') {
    core.info(`Assuming ${settings.roleToAssume} with GitHub OIDC.`)
    credentials = await assumeRoleWithOidc({ ...settings, roleToAssume: settings.roleToAssume })
    identity = settings.roleToAssume
  } else if (!chain) {
    core.info('No role-to-assume: using the default AWS credential chain.')
    return undefined
  }
  // Role chaining: each role is assumed with the session of the one before (hub → member).
  for (const roleArn of chain?.roleArns ?? []) {
    core.info(`Assuming ${roleArn} with sts:AssumeRole from ${identity}.`)
    credentials = await assumeRoleChained({ ...settings, roleArn }, { credentials, identity })
    identity = roleArn
  }
  return credentials
}

export async function run(): Promise<void> {
  try {
    // Validation comes first: a bad input or event fails before any AWS or GitHub call.
    const settings = readSettings(
      (name) => core.getInput(name),
      process.env,
      github.context.payload
    )
    if (settings.fleet) {
      const fleet = await runFleetJob(settings, settings.fleet, () => credentialsFor(settings))
      if (fleet.failures.length > 0) core.setFailed(fleet.failures.join('\n'))
      return
    }
    const credentials = await credentialsFor(settings)
    const clients = createClients({
      region: settings.awsRegion,
      credentials,
      iamMaxRps: settings.iamMaxRps
    })
    try {
      const accountId = await readAccountId(clients.sts)
      const accountAlias = await readAccountAlias(clients.iam)
      const job = {
        settings,
        credentials,
        clients,
        accountId,
        ...(accountAlias ? { accountAlias } : {}),
        run: runContext()
      }
      const result =
        settings.incident.mode === 'revoke' ? await runIncidentJob(job) : await runAuditJob(job)
      if (result.failures.length > 0) core.setFailed(result.failures.join('\n'))
    } finally {
      clients.destroy()
    }
  } catch (error) {
    core.setFailed(describeFailure(error))
  }
}
