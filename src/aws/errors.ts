// The one classifier of AWS errors, on the SDK's own: smithy's service-error-classification (what
// the SDK's retry strategies decide with) tells throttling and answers that never came, and the
// named tables below add what the services this action calls spell differently. Three verdicts:
// too fast (wait longer), a passing fault (try again soon), or final.
import { isRetryableByTrait, isThrottlingError, isTransientError } from '@smithy/core/retry'
import { awsErrorCode, hasAwsCode } from '../kit/errors.js'

/**
 * Too fast, as each service says it: IAM and STS `Throttling`, CloudTrail `ThrottlingException`,
 * SNS `Throttled`, Organizations `TooManyRequestsException`, EC2-style `RequestLimitExceeded`.
 * Matched with or without the Exception suffix, where smithy's table matches names exactly.
 */
export const THROTTLING_CODES = [
  'Throttling',
  'Throttled',
  'TooManyRequests',
  'RequestLimitExceeded'
]

/**
 * Smithy counts LimitExceededException as throttling; IAM answers it for a quota (tags per user, a
 * credential report already being generated), which sending more slowly does not lift.
 */
export const QUOTA_CODES = ['LimitExceeded']

/** STS's passing faults, some of them answered with a 4xx status. */
export const STS_TRANSIENT_CODES = [
  'IDPCommunicationError',
  'RequestTimeout',
  'ServiceUnavailable',
  'InternalFailure',
  'InternalError'
]

/** After one of these no request to the same region, with the same credentials, can succeed. */
export const REGION_WIDE_CODES = [
  'UnrecognizedClient',
  'InvalidClientTokenId',
  'ExpiredToken',
  'InvalidSignature',
  'SignatureDoesNotMatch',
  'MissingAuthenticationToken',
  'OptInRequired'
]

/** Node.js codes and SDK names of a request that got no answer: a reset, a refusal, a timeout. */
const NO_ANSWER = /^(E[A-Z_]+|TimeoutError|RequestTimeout\w*)$/

type SdkError = Parameters<typeof isThrottlingError>[0]

const asSdkError = (error: unknown): SdkError | undefined =>
  typeof error === 'object' && error !== null ? (error as SdkError) : undefined

/** The HTTP status AWS answered with; undefined when no answer came. */
export const statusOf = (error: unknown): number | undefined =>
  (error as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata?.httpStatusCode

export function isThrottling(error: unknown): boolean {
  const e = asSdkError(error)
  if (!e || hasAwsCode(error, ...QUOTA_CODES)) return false
  return hasAwsCode(error, ...THROTTLING_CODES) || isThrottlingError(e)
}

/** No answer at all: smithy's network and timeout tables, and any other Node.js error code. */
function isNoAnswer(e: SdkError): boolean {
  const { code } = e as { code?: unknown }
  return (
    isTransientError(e) || [code, e.name].some((v) => typeof v === 'string' && NO_ANSWER.test(v))
  )
}

export type ErrorKind = 'throttling' | 'serverError' | 'final'

/**
 * Throttling; a server error (a 5xx answer, or none at all: worth a quick second try); or final,
 * which is every other answer, and a failure before any request (credentials that do not load).
 */
export function errorKind(error: unknown): ErrorKind {
  if (isThrottling(error)) return 'throttling'
  const e = asSdkError(error)
  if (!e) return 'final'
  const status = statusOf(error)
  if (status === undefined) return isNoAnswer(e) ? 'serverError' : 'final'
  return status >= 500 ? 'serverError' : 'final'
}

/** Throttling, a server error, or a network failure: worth another attempt. */
export function isTransient(error: unknown): boolean {
  return errorKind(error) !== 'final'
}

/**
 * STS's retry rule: what is transient anywhere, what the model marks retryable
 * (IDPCommunicationError), STS's own passing faults, and any failure without an AWS code (the
 * request never got an answer, or the credentials to sign it with did not load).
 */
export function isTransientStsError(error: unknown): boolean {
  if (isTransient(error)) return true
  const e = asSdkError(error)
  if (e && isRetryableByTrait(e)) return true
  if (awsErrorCode(error) === undefined) return error instanceof Error
  return hasAwsCode(error, ...STS_TRANSIENT_CODES)
}

/** An error after which the region is not asked again in this run. */
export function isRegionWide(error: unknown): boolean {
  return hasAwsCode(error, ...REGION_WIDE_CODES)
}
