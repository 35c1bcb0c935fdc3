// Reads the exposed keys out of the events AWS sends when it finds a leaked access key:
// AWS Health AWS_RISK_CREDENTIALS_EXPOSED and Trusted Advisor "Exposed Access Keys"
// delivered as a repository_dispatch client_payload.
import { ActionError } from '../errors.js'

export const ACCESS_KEY_ID = /^AKIA[A-Z0-9]{16}$/

export interface ExposedKey {
  accessKeyId: string
  /** Named by Trusted Advisor; AWS Health names only the key. */
  userName?: string
  /** Where the key was found, when the event says. */
  location?: string
}

export interface ExposureEvent {
  source: 'aws-health' | 'trusted-advisor'
  keys: ExposedKey[]
  accountId?: string
  detectedAt?: string
  /** AWS Health's event ARN or Trusted Advisor's case, for the report. */
  reference?: string
}

/** The triggering event cannot be used; the message says which field and what was expected. */
export class EventError extends ActionError {
  constructor(message: string) {
    super(message)
    this.name = 'EventError'
  }
}

type Json = Record<string, unknown>

function object(value: unknown): Json | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Json)
    : undefined
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined
}

/** EventBridge PutEvents carries `detail` as a JSON string; delivered events carry an object. */
function detailOf(event: Json): Json | undefined {
  const detail = event.detail
  if (typeof detail === 'string') {
    try {
      return object(JSON.parse(detail))
    } catch {
      throw new EventError('The event detail is a string that is not valid JSON.')
    }
  }
  return object(detail)
}

function validKey(id: string | undefined, where: string): string {
  if (!id || !ACCESS_KEY_ID.test(id)) {
    throw new EventError(
      `${where} is not an access key ID (20 upper-case letters and digits starting with AKIA): '${String(id ?? '').slice(0, 40)}'.`
    )
  }
  return id
}

function parseHealth(event: Json, detail: Json): ExposureEvent {
  const entities = detail.affectedEntities
  if (!Array.isArray(entities) || entities.length === 0) {
    throw new EventError(
      'The AWS Health event names no affected entity (detail.affectedEntities is empty).'
    )
  }
  const keys = entities.map((entity, i) => ({
    accessKeyId: validKey(
      text(object(entity)?.entityValue),
      `detail.affectedEntities[${i}].entityValue`
    )
  }))
  return {
    source: 'aws-health',
    keys,
    ...(text(event.account) ? { accountId: text(event.account) } : {}),
    ...(text(event.time) ? { detectedAt: text(event.time) } : {}),
    ...(text(detail.eventArn) ? { reference: text(detail.eventArn) } : {})
  }
}

function parseTrustedAdvisor(event: Json, detail: Json): ExposureEvent {
  const item = object(detail['check-item-detail'])
  if (!item) throw new EventError('The Trusted Advisor event has no detail.check-item-detail.')
  const userName = text(item['User Name (IAM or Root)'])
  const location = text(item.Location)
  return {
    source: 'trusted-advisor',
    keys: [
      {
        accessKeyId: validKey(
          text(item['Access Key ID']),
          'detail.check-item-detail["Access Key ID"]'
        ),
        ...(userName ? { userName } : {}),
        ...(location ? { location } : {})
      }
    ],
    ...(text(event.account) ? { accountId: text(event.account) } : {}),
    ...(text(event.time) ? { detectedAt: text(event.time) } : {}),
    ...(text(item['Case ID']) ? { reference: `Trusted Advisor case ${text(item['Case ID'])}` } : {})
  }
}

/**
 * The exposure event in a repository_dispatch payload, or undefined when the payload is not
 * one (a dispatch for something else). A payload that claims to be one but is malformed throws.
 */
export function parseExposureEvent(payload: unknown): ExposureEvent | undefined {
  const event = object(object(payload)?.client_payload)
  if (!event) return undefined
  const detail = detailOf(event)
  if (!detail) return undefined
  if (detail.eventTypeCode === 'AWS_RISK_CREDENTIALS_EXPOSED') return parseHealth(event, detail)
  if (detail['check-name'] === 'Exposed Access Keys') return parseTrustedAdvisor(event, detail)
  return undefined
}
