// The action's entry: read inputs, authenticate, run the audit, incident or organization job, decide.
import * as core from '@actions/core'
import * as github from '@actions/github'
import type { AwsCredentials } from './aws/clients.js'
import { assertAllowedAccount } from './credentials/allowed-accounts.js'
import { runAuditJob } from './jobs/audit.js'
import { runCheckJob } from './jobs/check.js'
import { watchCancellation } from './kit/cancellation.js'
import { assumeRoleChained, assumeRoleWithOidc } from './credentials/sign-in.js'
import { createClients } from './aws/clients.js'
import { setProxy, setRetryMaxAttempts } from './aws/network.js'
import { describeFailure } from './kit/errors.js'
import { runFleetJob } from './jobs/organization.js'
import { runIncidentJob } from './jobs/incident.js'
import { runSecretScanningJob } from './jobs/secret-scanning.js'
import type { Settings } from './domain/settings.js'
import { readSettings } from './inputs/settings.js'
import { runContext } from './inputs/run-context.js'
import { readAccountAlias, readAccountId } from './scan/identity.js'
import { getIdToken, maskSecret, runnerLog } from './deliver/runner.js'

/** The runner's part in signing in: the OIDC token, masking, and the log of retries. */
const runner = { getIdToken, maskSecret, log: runnerLog }

/**
 * The session policies scope the last session, the one the run works in: on an earlier hop they
 * would also have to allow the sts:AssumeRole of the next.
 */
async function credentialsFor(settings: Settings): Promise<AwsCredentials | undefined> {
  const chain = settings.roleChain
  const hops = chain?.roleArns ?? []
  let credentials: AwsCredentials | undefined
  let identity = 'the credentials already in the job'
  if (settings.roleToAssume && chain?.from !== 'job-credentials') {
    core.info(`Assuming ${settings.roleToAssume} with GitHub OIDC.`)
    credentials = await assumeRoleWithOidc(
      {
        ...settings,
        roleToAssume: settings.roleToAssume,
        sessionPolicies: hops.length === 0 ? settings.sessionPolicies : undefined
      },
      runner
    )
    identity = settings.roleToAssume
  } else if (!chain) {
    core.info('No role-to-assume: using the default AWS credential chain.')
    return undefined
  }
  // Role chaining: each role is assumed with the session of the one before (hub → member).
  for (const [index, roleArn] of hops.entries()) {
    core.info(`Assuming ${roleArn} with sts:AssumeRole from ${identity}.`)
    credentials = await assumeRoleChained(
      {
        ...settings,
        roleArn,
        sessionPolicies: index === hops.length - 1 ? settings.sessionPolicies : undefined
      },
      { credentials, identity },
      runner
    )
    identity = roleArn
  }
  return credentials
}

export async function run(): Promise<void> {
  watchCancellation({ log: runnerLog, fail: (message) => core.setFailed(message) })
  try {
    // Validation comes first: a bad input or event fails before any AWS or GitHub call.
    const settings = readSettings(
      (name) => core.getInput(name),
      process.env,
      github.context.payload
    )
    setRetryMaxAttempts(settings.retryMaxAttempts)
    // A proxy password in http-proxy is a secret like any other.
    const proxyPassword = settings.proxy.httpProxy && new URL(settings.proxy.httpProxy).password
    if (proxyPassword) core.setSecret(decodeURIComponent(proxyPassword))
    setProxy(settings.proxy)
    if (settings.mode === 'list-accounts' || settings.mode === 'aggregate') {
      const fleet = await runFleetJob(settings, () => credentialsFor(settings))
      if (fleet.failures.length > 0) core.setFailed(fleet.failures.join('\n'))
      return
    }
    if (settings.mode === 'check') {
      const check = await runCheckJob(settings, () => credentialsFor(settings), runContext())
      if (check.failures.length > 0) core.setFailed(check.failures.join('\n'))
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
      // Before any other read: a run pointed at the wrong account stops here.
      assertAllowedAccount(accountId, settings.allowedAccountIds)
      const accountAlias = await readAccountAlias(clients.iam)
      const job = {
        credentials,
        clients,
        accountId,
        ...(accountAlias ? { accountAlias } : {}),
        run: runContext()
      }
      const result =
        settings.mode === 'revoke'
          ? await runIncidentJob({ ...job, settings })
          : settings.mode === 'secret-scanning'
            ? await runSecretScanningJob({ ...job, settings })
            : await runAuditJob({ ...job, settings })
      if (result.failures.length > 0) core.setFailed(result.failures.join('\n'))
    } finally {
      clients.destroy()
    }
  } catch (error) {
    core.setFailed(describeFailure(error))
  }
}
