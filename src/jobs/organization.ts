// The organization modes: list-accounts before the matrix, aggregate after it. Neither scans an
// account itself, so neither needs the per-account setup (account ID, alias) the audit does.
import type { AwsCredentials } from '../aws/clients.js'
import { verifyAllowedAccount } from '../credentials/allowed-accounts.js'
import type { AggregateSettings, ListAccountsSettings } from '../domain/settings.js'
import type { JobResult } from './context.js'
import { runContext } from '../inputs/run-context.js'
import { runAggregateJob } from './aggregate.js'
import { runListAccountsJob } from './list-accounts.js'

export async function runFleetJob(
  settings: ListAccountsSettings | AggregateSettings,
  assume: () => Promise<AwsCredentials | undefined>
): Promise<JobResult> {
  // allowed-account-ids holds here too: the management account (list-accounts), the hub
  // account that publishes the digest (aggregate).
  const credentials = async (): Promise<AwsCredentials | undefined> => {
    const assumed = await assume()
    await verifyAllowedAccount(settings.allowedAccountIds, settings.awsRegion, assumed)
    return assumed
  }
  if (settings.mode === 'aggregate') {
    return runAggregateJob({ settings, run: runContext(), credentials })
  }
  return runListAccountsJob(settings, {
    region: settings.awsRegion,
    credentials: await credentials()
  })
}
