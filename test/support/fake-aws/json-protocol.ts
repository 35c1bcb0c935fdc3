// The JSON 1.1 protocol of CloudTrail, Organizations and Secrets Manager: the body parsed into parameters, the
// X-Amz-Target prefixes, and answers and errors as JSON.
import { AwsError } from './errors.js'
import type { Reply } from './context.js'
import type { AwsService } from './types.js'
import { isRecord } from './util.js'

export const CLOUDTRAIL_TARGET_PREFIX = 'CloudTrail_20131101.'
export const ORGANIZATIONS_TARGET_PREFIX = 'AWSOrganizationsV20161128.'

export const isJsonService = (service: AwsService): boolean =>
  service === 'cloudtrail' ||
  service === 'organizations' ||
  service === 'secretsmanager' ||
  service === 'securityhub'

export function parseJsonBody(body: string): {
  params: Record<string, string>
  json: Record<string, unknown>
  parseError?: AwsError
} {
  try {
    const parsed: unknown = JSON.parse(body || '{}')
    if (!isRecord(parsed)) throw new Error('not an object')
    const params = Object.fromEntries(
      Object.entries(parsed).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)])
    )
    return { params, json: parsed }
  } catch {
    const parseError = new AwsError(
      400,
      'SerializationException',
      'Start of structure or map found where not expected.'
    )
    return { params: {}, json: {}, parseError }
  }
}

const JSON_CONTENT_TYPE = 'application/x-amz-json-1.1'

export function jsonReply(result: Record<string, unknown>): Reply {
  return {
    status: 200,
    headers: { 'content-type': JSON_CONTENT_TYPE },
    body: JSON.stringify(result)
  }
}

export function jsonErrorReply(error: AwsError): Reply {
  const headers = { 'content-type': JSON_CONTENT_TYPE, 'x-amzn-errortype': error.code }
  const body = JSON.stringify({ __type: error.code, message: error.message })
  return { status: error.status, headers, body }
}
