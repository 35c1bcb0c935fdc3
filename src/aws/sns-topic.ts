// sns:GetTopicAttributes: the preflight's dry look at the topic (it exists, in its region, and
// whether it is FIFO or encrypted); no message is sent.
import { GetTopicAttributesCommand } from '@aws-sdk/client-sns'
import type { SnsClient } from './clients.js'

export interface TopicFacts {
  fifo: boolean
  /** KmsMasterKeyId: the key the topic is encrypted with, when it is. */
  kmsKeyId?: string
}

export async function topicFacts(sns: SnsClient, topicArn: string): Promise<TopicFacts> {
  const attributes =
    (await sns.send(new GetTopicAttributesCommand({ TopicArn: topicArn }))).Attributes ?? {}
  const kmsKeyId = attributes.KmsMasterKeyId
  return {
    fifo: attributes.FifoTopic === 'true' || topicArn.endsWith('.fifo'),
    ...(kmsKeyId ? { kmsKeyId } : {})
  }
}
