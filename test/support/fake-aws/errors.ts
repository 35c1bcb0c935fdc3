// Every failure a handler raises becomes a protocol-shaped error answer: AwsError carries the
// HTTP status and the code, and the helpers below word them as AWS does.

export class AwsError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string
  ) {
    super(message)
  }
}

export const validationError = (message: string): AwsError =>
  new AwsError(400, 'ValidationError', message)
export const noSuchEntity = (message: string): AwsError =>
  new AwsError(404, 'NoSuchEntity', message)
export const invalidParameter = (message: string): AwsError =>
  new AwsError(400, 'InvalidParameter', `Invalid parameter: ${message}`)

/** Smithy's wording for a violated input constraint, as AWS sends it (null is unquoted). */
export function constraintError(
  member: string,
  value: string | null,
  constraint: string
): AwsError {
  const shown = value === null ? 'null' : `'${value}'`
  return validationError(
    `1 validation error detected: Value ${shown} at '${member}' failed to satisfy constraint: ${constraint}`
  )
}

/** Authentication failures differ in code and status between Query and JSON services. */
const AUTH_ERRORS = {
  missing: {
    query: [403, 'MissingAuthenticationToken'],
    json: [403, 'MissingAuthenticationTokenException'],
    message: 'Request is missing Authentication Token'
  },
  invalid: {
    query: [403, 'InvalidClientTokenId'],
    json: [400, 'UnrecognizedClientException'],
    message: 'The security token included in the request is invalid.'
  },
  expired: {
    query: [403, 'ExpiredToken'],
    json: [400, 'ExpiredTokenException'],
    message: 'The security token included in the request is expired'
  },
  signature: {
    query: [403, 'SignatureDoesNotMatch'],
    json: [400, 'InvalidSignatureException'],
    message:
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.'
  }
} as const

export function authError(kind: keyof typeof AUTH_ERRORS, json: boolean): AwsError {
  const spec = AUTH_ERRORS[kind]
  const [status, code] = json ? spec.json : spec.query
  return new AwsError(status, code, spec.message)
}

/** An injected error; throttling codes get AWS's own 'Rate exceeded' message by default. */
export function faultError(fault: { status: number; code: string; message?: string }): AwsError {
  const fallback = /thrott|limit/i.test(fault.code)
    ? 'Rate exceeded'
    : `Injected fault: ${fault.code}`
  return new AwsError(fault.status, fault.code, fault.message ?? fallback)
}
