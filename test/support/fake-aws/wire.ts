// Wire parsing: who is calling which operation with what. Requests are routed by the service in
// the SigV4 credential scope, by X-Amz-Target, or by `Action` when unsigned; Security Hub's
// operation by its method and path.
import type { IncomingMessage } from 'node:http'
import type { AwsError } from './errors.js'
import { ORGANIZATIONS_TARGET_PREFIX, parseJsonBody } from './json-protocol.js'
import { securityHubAction } from './security-hub.js'
import type { AwsService } from './types.js'

export interface SigV4 {
  accessKeyId: string
  date: string
  region: string
  service: string
  signedHeaders: string[]
  signature: string
}

export interface Incoming {
  req: IncomingMessage
  raw: Buffer
  body: string
  auth?: SigV4
  service: AwsService
  action: string
  region: string
  params: Record<string, string>
  /** The parsed body of a JSON request. */
  json: Record<string, unknown>
  /** A body that could not be parsed; answered after the call is recorded. */
  parseError?: AwsError
}

const SIGV4_AUTH =
  /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request,\s*SignedHeaders=([^,]+),\s*Signature=([0-9a-f]+)$/

function parseAuthorization(header: string | undefined): SigV4 | undefined {
  const m = SIGV4_AUTH.exec(header ?? '')
  if (!m) return undefined
  const [, accessKeyId = '', date = '', region = '', service = '', signed = '', signature = ''] = m
  return { accessKeyId, date, region, service, signedHeaders: signed.split(';'), signature }
}

const STS_ACTIONS = new Set([
  'AssumeRole',
  'AssumeRoleWithWebIdentity',
  'AssumeRoleWithSAML',
  'GetCallerIdentity',
  'GetSessionToken',
  'GetFederationToken',
  'GetAccessKeyInfo',
  'DecodeAuthorizationMessage'
])
const SNS_ACTION = /Topic|Publish|Subscri|PlatformApplication|SMS|Endpoint/

/** The credential scope names the service; unsigned calls only have their Action to go by. */
function routeService(
  auth: SigV4 | undefined,
  target: string | undefined,
  action: string
): AwsService {
  const scoped = auth?.service
  if (
    scoped === 'iam' ||
    scoped === 'sts' ||
    scoped === 'sns' ||
    scoped === 'cloudtrail' ||
    scoped === 'organizations' ||
    scoped === 'secretsmanager' ||
    scoped === 'securityhub'
  ) {
    return scoped
  }
  if (target?.startsWith('secretsmanager.')) return 'secretsmanager'
  if (target) return target.startsWith(ORGANIZATIONS_TARGET_PREFIX) ? 'organizations' : 'cloudtrail'
  if (STS_ACTIONS.has(action)) return 'sts'
  return SNS_ACTION.test(action) ? 'sns' : 'iam'
}

export function parseIncoming(req: IncomingMessage, raw: Buffer): Incoming {
  const body = raw.toString('utf8')
  const auth = parseAuthorization(headerValue(req, 'authorization'))
  const target = headerValue(req, 'x-amz-target') || undefined
  const base = { req, raw, body, auth, region: auth?.region ?? '' }
  // Security Hub speaks REST-JSON: the method and path name the operation.
  if (auth?.service === 'securityhub') {
    const action = securityHubAction(req.method, req.url ?? '')
    return { ...base, service: 'securityhub', action, ...parseJsonBody(body) }
  }
  if (target !== undefined || auth?.service === 'cloudtrail' || auth?.service === 'organizations') {
    const action = (target ?? '').split('.').pop() ?? ''
    const service = routeService(auth, target, action)
    return { ...base, service, action, ...parseJsonBody(body) }
  }
  const form = new URLSearchParams(body)
  const action = form.get('Action') ?? ''
  form.delete('Action')
  form.delete('Version')
  const params = Object.fromEntries(form)
  return { ...base, service: routeService(auth, target, action), action, params, json: {} }
}

export function headerValue(req: IncomingMessage, name: string): string {
  const value = req.headers[name]
  return (Array.isArray(value) ? value.join(',') : (value ?? '')).trim().replace(/\s+/g, ' ')
}

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
  })
}
