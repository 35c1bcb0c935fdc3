// sns:Publish, the one SNS call.
import { PublishCommand } from '@aws-sdk/client-sns'
import type { SnsClient } from './clients.js'

export interface PublishRequest {
  topicArn: string
  subject: string
  message: string
  attributes: Record<string, { DataType: string; StringValue: string }>
  /** FIFO topics only: the group and the deduplication ID. */
  fifo?: { groupId: string; deduplicationId: string }
}

/** The message ID SNS gave the message ('' when it named none). */
export async function publish(sns: SnsClient, request: PublishRequest): Promise<string> {
  const answer = await sns.send(
    new PublishCommand({
      TopicArn: request.topicArn,
      Subject: request.subject,
      Message: request.message,
      MessageAttributes: request.attributes,
      ...(request.fifo
        ? {
            MessageGroupId: request.fifo.groupId,
            MessageDeduplicationId: request.fifo.deduplicationId
          }
        : {})
    })
  )
  return answer.MessageId ?? ''
}
