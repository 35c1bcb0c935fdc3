// SNS: Publish and GetTopicAttributes.
import { randomUUID } from 'node:crypto'
import type { Ctx, QueryHandler, State } from './context.js'
import { AwsError, invalidParameter } from './errors.js'
import { entryMap, required } from './query-protocol.js'
import type { PublishedMessage } from './types.js'
import { definedOnly, isRecord } from './util.js'
import { xmlMap } from './xml.js'
import type { XmlFields } from './xml.js'

const TOPIC_ARN = /^arn:aws[\w-]*:sns:([\w-]+):(\d{12}):([\w-]{1,256}(?:\.fifo)?)$/
const MAX_MESSAGE_BYTES = 262144
const MAX_ATTRIBUTES = 10
const FIFO_DEDUP_WINDOW_MS = 5 * 60 * 1000

/** The topic must be in the signing region and the caller's account. */
function resolveTopic(ctx: Ctx, topicArn: string, operation: string): string {
  const m = TOPIC_ARN.exec(topicArn)
  if (!m || m[1] !== ctx.region) throw invalidParameter('TopicArn')
  if ((ctx.caller.account.topics ?? []).includes(topicArn)) return topicArn
  if (ctx.state.accounts.some((a) => (a.topics ?? []).includes(topicArn))) {
    const message = `User: ${ctx.caller.arn} is not authorized to perform: SNS:${operation} on resource: ${topicArn} because no resource-based policy allows the SNS:${operation} action`
    throw new AwsError(403, 'AuthorizationError', message)
  }
  throw new AwsError(404, 'NotFound', 'Topic does not exist')
}

const isFifo = (topicArn: string): boolean => topicArn.endsWith('.fifo')

function validateMessage(ctx: Ctx, message: string | undefined): string {
  if (!message) throw invalidParameter('Empty message')
  if (Buffer.byteLength(message) > MAX_MESSAGE_BYTES) throw invalidParameter('Message too long')
  if (ctx.params.MessageStructure === 'json') {
    let parsed: unknown
    try {
      parsed = JSON.parse(message)
    } catch {
      throw invalidParameter('Message Structure - JSON message body failed to parse')
    }
    if (!isRecord(parsed) || typeof parsed.default !== 'string') {
      throw invalidParameter('Message Structure - No default entry in JSON message body')
    }
  }
  return message
}

/** Subjects are printable ASCII, one line, at most 100 characters. */
function validateSubject(subject: string | undefined): string | undefined {
  if (subject === undefined) return undefined
  if (subject.length === 0 || subject.length > 100 || !/^[\x20-\x7e]+$/.test(subject)) {
    throw invalidParameter('Subject')
  }
  return subject
}

function messageAttributes(ctx: Ctx): PublishedMessage['attributes'] {
  const raw = entryMap(ctx.params, 'MessageAttributes')
  const names = Object.keys(raw)
  const invalid = (message: string): AwsError => new AwsError(400, 'ParameterValueInvalid', message)
  if (names.length > MAX_ATTRIBUTES) {
    throw invalid(
      `Number of message attributes [${names.length}] exceeds the allowed maximum [${MAX_ATTRIBUTES}].`
    )
  }
  const attributes: PublishedMessage['attributes'] = {}
  for (const [name, value] of Object.entries(raw)) {
    const type = value.DataType ?? ''
    const base = type.split('.')[0]
    if (base !== 'String' && base !== 'Number' && base !== 'Binary') {
      throw invalid(
        `The message attribute '${name}' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String.`
      )
    }
    const present = base === 'Binary' ? value.BinaryValue : value.StringValue
    if (!present) {
      throw invalid(
        `The message attribute '${name}' must contain non-empty message attribute value for message attribute type '${type}'.`
      )
    }
    if (base === 'Number' && !Number.isFinite(Number(present))) {
      throw invalid(`Could not cast message attribute '${name}' value to number.`)
    }
    attributes[name] = definedOnly({
      DataType: type,
      StringValue: value.StringValue,
      BinaryValue: value.BinaryValue
    })
  }
  return attributes
}

/** FIFO topics need both ids here (the fake has no content-based deduplication). */
function fifoIds(ctx: Ctx, topicArn: string): { groupId?: string; dedupId?: string } {
  const groupId = ctx.params.MessageGroupId
  const dedupId = ctx.params.MessageDeduplicationId
  if (!isFifo(topicArn)) {
    if (dedupId !== undefined) {
      throw invalidParameter(
        'MessageDeduplicationId Reason: The request includes MessageDeduplicationId parameter that is not valid for this topic type'
      )
    }
    return { groupId }
  }
  if (!groupId) throw invalidParameter('The MessageGroupId parameter is required for FIFO topics')
  if (!dedupId) {
    throw invalidParameter(
      'The topic should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly'
    )
  }
  return { groupId, dedupId }
}

function publish(ctx: Ctx): XmlFields {
  const topicArn = ctx.params.TopicArn ?? ctx.params.TargetArn
  if (!topicArn) {
    throw invalidParameter('TopicArn or TargetArn Reason: no value for required parameter')
  }
  resolveTopic(ctx, topicArn, 'Publish')
  const message = validateMessage(ctx, ctx.params.Message)
  const subject = validateSubject(ctx.params.Subject)
  const attributes = messageAttributes(ctx)
  const { groupId, dedupId } = fifoIds(ctx, topicArn)
  const duplicate = dedupId ? recentDuplicate(ctx.state, topicArn, dedupId) : undefined
  if (duplicate) return { MessageId: duplicate.messageId, SequenceNumber: duplicate.sequenceNumber }
  const messageId = randomUUID()
  const entry = { topicArn, region: ctx.region, subject, message, attributes, messageId }
  ctx.state.published.push(
    definedOnly({ ...entry, messageGroupId: groupId, messageDeduplicationId: dedupId })
  )
  if (!isFifo(topicArn) || !dedupId) return { MessageId: messageId }
  const sequenceNumber = rememberFifo(ctx.state, topicArn, dedupId, messageId)
  return { MessageId: messageId, SequenceNumber: sequenceNumber }
}

/** A repeated deduplication id within five minutes is accepted but not delivered again. */
function recentDuplicate(state: State, topicArn: string, dedupId: string) {
  const seen = state.fifoSeen.get(`${topicArn} ${dedupId}`)
  return seen && Date.now() - seen.at < FIFO_DEDUP_WINDOW_MS ? seen : undefined
}

function rememberFifo(state: State, topicArn: string, dedupId: string, messageId: string): string {
  state.nextSequence += 1n
  const sequenceNumber = state.nextSequence.toString().padStart(20, '0')
  state.fifoSeen.set(`${topicArn} ${dedupId}`, { messageId, sequenceNumber, at: Date.now() })
  return sequenceNumber
}

function getTopicAttributes(ctx: Ctx): XmlFields {
  const topicArn = resolveTopic(ctx, required(ctx, 'TopicArn'), 'GetTopicAttributes')
  const owner = ctx.caller.account.accountId
  const attributes: Record<string, string> = {
    TopicArn: topicArn,
    Owner: owner,
    DisplayName: '',
    Policy: JSON.stringify(defaultTopicPolicy(topicArn, owner)),
    SubscriptionsConfirmed: '0',
    SubscriptionsPending: '0',
    SubscriptionsDeleted: '0',
    EffectiveDeliveryPolicy: JSON.stringify({
      http: { defaultHealthyRetryPolicy: { numRetries: 3 } }
    })
  }
  if (isFifo(topicArn)) {
    Object.assign(attributes, { FifoTopic: 'true', ContentBasedDeduplication: 'false' })
  }
  return { Attributes: xmlMap(attributes) }
}

function defaultTopicPolicy(topicArn: string, owner: string): Record<string, unknown> {
  return {
    Version: '2008-10-17',
    Id: '__default_policy_ID',
    Statement: [
      {
        Sid: '__default_statement_ID',
        Effect: 'Allow',
        Principal: { AWS: '*' },
        Action: ['SNS:Publish', 'SNS:GetTopicAttributes'],
        Resource: topicArn,
        Condition: { StringEquals: { 'AWS:SourceOwner': owner } }
      }
    ]
  }
}

export const SNS_HANDLERS: Record<string, QueryHandler> = {
  Publish: publish,
  GetTopicAttributes: getTopicAttributes
}
