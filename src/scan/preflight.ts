// The preflight's reads (mode: check): each fact a checklist line is judged on, read with the
// run's own credentials. Every read is one that changes nothing; a failure is kept as the fact
// (src/classify/preflight.ts judges it), never thrown, so one denied read never hides the others.
import { snsClient, type AwsClients, type AwsCredentials } from '../aws/clients.js'
import { readRoleTrust, simulatePrincipal, type RoleTrust } from '../aws/iam-check.js'
import { getCredentialReport } from '../aws/iam-read.js'
import { topicFacts, type TopicFacts } from '../aws/sns-topic.js'
import { callerIdentity } from '../aws/sts.js'
import type { ReadFailure, ReportFacts, SimulationResult } from '../domain/preflight.js'
import { awsErrorCode, errorMessage, hasAwsCode, isAccessDenied } from '../kit/errors.js'
import { listUserNames } from './api-walk.js'
import { AUTO_REPORT_ABOVE_USERS } from './method.js'

const failure = (error: unknown): ReadFailure => ({
  error: errorMessage(error),
  denied: isAccessDenied(error)
})

async function attempt<T>(read: () => Promise<T>): Promise<T | ReadFailure> {
  try {
    return await read()
  } catch (error) {
    return failure(error)
  }
}

export const readCaller = (clients: AwsClients) =>
  attempt(async () => {
    const { account, arn } = await callerIdentity(clients.sts)
    if (!account || !arn) throw new Error('sts:GetCallerIdentity named no account or ARN')
    return { accountId: account, callerArn: arn }
  })

export const readTrust = (
  clients: AwsClients,
  roleName: string
): Promise<RoleTrust | ReadFailure> => attempt(() => readRoleTrust(clients.iam, roleName))

/** One simulation per resource set, the answers together. */
export const simulate = (
  clients: AwsClients,
  principalArn: string,
  groups: readonly { actions: string[]; resources: string[] }[]
): Promise<SimulationResult[] | ReadFailure> =>
  attempt(async () => {
    const results: SimulationResult[] = []
    for (const g of groups) {
      if (g.actions.length === 0) continue
      results.push(...(await simulatePrincipal(clients.iam, principalArn, g.actions, g.resources)))
    }
    return results
  })

/** sns:GetTopicAttributes in the topic's own region (its ARN's fourth field). */
export const readTopic = (
  topicArn: string,
  credentials: AwsCredentials | undefined
): Promise<TopicFacts | ReadFailure> =>
  attempt(async () => {
    const sns = snsClient({ region: topicArn.split(':')[3] ?? '', credentials })
    try {
      return await topicFacts(sns, topicArn)
    } finally {
      sns.destroy()
    }
  })

/** ListUsers up to just past auto's threshold: enough to tell which way auto would go. */
export const countUsers = (clients: AwsClients) =>
  attempt(async () => {
    const { names, complete } = await listUserNames(clients.iam, AUTO_REPORT_ABOVE_USERS)
    return { count: names.length, complete }
  })

/**
 * iam:GetCredentialReport alone: the report's age, without GenerateCredentialReport (which would
 * start a new report).
 */
export async function readReportAge(clients: AwsClients): Promise<ReportFacts> {
  try {
    const { generatedAt } = await getCredentialReport(clients.iam)
    return generatedAt ? { generatedAt } : { absent: 'GetCredentialReport named no time' }
  } catch (error) {
    if (hasAwsCode(error, 'ReportNotPresent', 'ReportExpired', 'ReportInProgress')) {
      return { absent: awsErrorCode(error) ?? 'none' }
    }
    return failure(error)
  }
}
