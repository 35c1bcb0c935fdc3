// Reads the exposed keys out of the events AWS sends when it finds a leaked access key:
// AWS Health's credential risk family (domain/exposure.ts) and Trusted Advisor "Exposed Access Keys"
// delivered as a repository_dispatch client_payload.
import { ActionError } from '../kit/errors.js'
import {
  ACCESS_KEY_ID,
  isHealthRiskCode,
  type ExposedKey,
  type HealthRiskCode,
  type ExposureEvent,
  type UnusableEntity
} from '../domain/exposure.js'

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

/** A secret access key (40 characters of base64) pasted where the key ID belongs is not repeated. */
const LOOKS_SECRET = /^[A-Za-z0-9/+]{40}$/

function shown(value: string | undefined): string {
  if (value === undefined) return '(empty)'
  if (LOOKS_SECRET.test(value))
    return `(${value.length} characters that may be a secret access key)`
  return Array.from(value).slice(0, 64).join('')
}

/**
 * Every entity that is an access key ID becomes a key to revoke; the others are kept to be
 * reported as needing a person, so one bad entity never blocks the valid key beside it. Only an
 * event with no valid key at all is rejected (before any call).
 */
function parseHealth(event: Json, detail: Json, code: HealthRiskCode): ExposureEvent {
  const entities = detail.affectedEntities
  if (!Array.isArray(entities) || entities.length === 0) {
    throw new EventError(
      'The AWS Health event names no affected entity (detail.affectedEntities is empty).'
    )
  }
  const keys: ExposedKey[] = []
  const unusable: UnusableEntity[] = []
  entities.forEach((entity, i) => {
    const where = `detail.affectedEntities[${i}].entityValue`
    const value = text(object(entity)?.entityValue)
    if (value && ACCESS_KEY_ID.test(value)) keys.push({ accessKeyId: value })
    else unusable.push({ where, value: shown(value) })
  })
  if (keys.length === 0) {
    const first = unusable[0]
    validKey(text(object(entities[0])?.entityValue), first?.where ?? 'detail.affectedEntities[0]')
  }
  return {
    source: 'aws-health',
    eventTypeCode: code,
    keys,
    ...(unusable.length > 0 ? { unusable } : {}),
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
  const code = detail.eventTypeCode
  if (isHealthRiskCode(code)) return parseHealth(event, detail, code)
  if (detail['check-name'] === 'Exposed Access Keys') return parseTrustedAdvisor(event, detail)
  return undefined
}
