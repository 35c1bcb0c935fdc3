// Publishes the run's notification. The client uses the topic's own region (a topic in
// another region must work); a failure is returned, never thrown, so the other reports
// are still written and the step fails at the end.
import { createHash } from 'node:crypto'
import { snsClient, type AwsCredentials } from '../aws/clients.js'
import { isThrottling } from '../aws/errors.js'
import { publish } from '../aws/sns.js'
import { errorMessage, hasAwsCode } from '../kit/errors.js'
import type { SnsNotification } from '../render/sns-message.js'

export type PublishResult =
  | { ok: true; messageId: string; topicArn: string }
  | { ok: false; topicArn: string; error: string; hint: string }

export function topicRegion(topicArn: string): string {
  return topicArn.split(':')[3] ?? ''
}

/**
 * Same run, account, event and content: same ID, so a re-run (any attempt) that has the same
 * thing to say is not delivered twice by a FIFO topic within SNS's 5-minute deduplication
 * window. The attempt is deliberately left out; a re-run with news says something else.
 */
export function deduplicationId(parts: {
  runId: string
  accountId: string
  event: string
  content: string
}): string {
  return createHash('sha256')
    .update(JSON.stringify([parts.runId, parts.accountId, parts.event, parts.content]))
    .digest('hex')
}

export function publishHint(error: unknown, topicArn: string): string {
  if (hasAwsCode(error, 'AuthorizationError', 'AccessDenied')) {
    return `Allow sns:Publish on ${topicArn} for the role the action runs with (and, for an encrypted topic, kms:GenerateDataKey and kms:Decrypt on its key).`
  }
  if (hasAwsCode(error, 'NotFound')) {
    return `Check 'sns-topic-arn': no topic ${topicArn} exists in region ${topicRegion(topicArn)}.`
  }
  if (hasAwsCode(error, 'KMSAccessDenied', 'KMSDisabled', 'KMSNotFound', 'KMSInvalidState')) {
    return "The topic's KMS key refused the message: allow the role kms:GenerateDataKey and kms:Decrypt on it."
  }
  if (isThrottling(error)) {
    return 'SNS kept throttling after retries; run again later or ask AWS to raise the publish quota.'
  }
  return `Check 'sns-topic-arn' and the role's sns:Publish permission.`
}

export async function publishNotification(
  notification: SnsNotification,
  options: {
    topicArn: string
    credentials?: AwsCredentials
    accountId: string
    runId: string
    event: string
  }
): Promise<PublishResult> {
  const sns = snsClient({ region: topicRegion(options.topicArn), credentials: options.credentials })
  const fifo = options.topicArn.endsWith('.fifo')
  try {
    const messageId = await publish(sns, {
      topicArn: options.topicArn,
      subject: notification.subject,
      message: notification.message,
      attributes: notification.attributes,
      ...(fifo
        ? {
            fifo: {
              groupId: `iam-key-sentinel-${options.accountId}`,
              deduplicationId: deduplicationId({ ...options, content: notification.content })
            }
          }
        : {})
    })
    return { ok: true, messageId, topicArn: options.topicArn }
  } catch (error) {
    return {
      ok: false,
      topicArn: options.topicArn,
      error: errorMessage(error),
      hint: publishHint(error, options.topicArn)
    }
  } finally {
    sns.destroy()
  }
}
