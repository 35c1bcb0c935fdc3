// The one classifier of AWS errors (src/aws/errors.ts): its tables, and where it parts from
// smithy's classification on purpose.
import { describe, expect, it } from '@jest/globals'
import { isThrottlingError } from '@smithy/core/retry'
import {
  errorKind,
  isRegionWide,
  isThrottling,
  isTransient,
  isTransientStsError,
  QUOTA_CODES,
  REGION_WIDE_CODES,
  STS_TRANSIENT_CODES,
  THROTTLING_CODES
} from '../../../src/aws/errors.js'

/** An error as the SDK throws it: a name and the HTTP status in $metadata. */
function awsError(name: string, httpStatusCode: number, extra: object = {}): Error {
  return Object.assign(new Error(`${name} happened`), {
    name,
    $metadata: { httpStatusCode },
    ...extra
  })
}

const network = (code: string): Error => Object.assign(new Error('no answer'), { code })

describe('THROTTLING_CODES', () => {
  it.each(THROTTLING_CODES.flatMap((code) => [code, `${code}Exception`]))(
    '%s is throttling, with or without the Exception suffix',
    (code) => {
      expect(isThrottling(awsError(code, 400))).toBe(true)
      expect(errorKind(awsError(code, 400))).toBe('throttling')
    }
  )

  it("also takes smithy's throttling: a 429, its other codes, a throttling trait", () => {
    expect(isThrottling(awsError('Anything', 429))).toBe(true)
    expect(isThrottling(awsError('SlowDown', 503))).toBe(true)
    expect(isThrottling(awsError('Odd', 400, { $retryable: { throttling: true } }))).toBe(true)
  })

  it('is not fooled by a code that only contains the word', () => {
    expect(isThrottling(awsError('NotThrottling', 400))).toBe(false)
    expect(isThrottling(awsError('KMSThrottlingException', 400))).toBe(false)
    expect(isThrottling('Throttling')).toBe(false)
    expect(isThrottling(undefined)).toBe(false)
  })
})

describe('QUOTA_CODES', () => {
  it.each(QUOTA_CODES.flatMap((code) => [code, `${code}Exception`]))(
    '%s is a quota, not throttling, though smithy counts it as throttling',
    (code) => {
      const error = awsError(code, 409)
      const smithyView = awsError('LimitExceededException', 409) as Parameters<
        typeof isThrottlingError
      >[0]
      expect(isThrottlingError(smithyView)).toBe(true)
      expect(isThrottling(error)).toBe(false)
      expect(errorKind(error)).toBe('final')
    }
  )
})

describe('errorKind', () => {
  it.each([
    [awsError('InternalFailure', 500), 'serverError'],
    [awsError('ServiceUnavailableException', 503), 'serverError'],
    [awsError('Whatever', 599), 'serverError'],
    [awsError('AccessDeniedException', 400), 'final'],
    [awsError('ValidationException', 400), 'final'],
    // A 4xx answer is final whatever its name: the request got an answer.
    [awsError('RequestTimeout', 400), 'final']
  ])('an answer %p is %p', (error, kind) => {
    expect(errorKind(error)).toBe(kind)
  })

  it.each(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EAI_AGAIN', 'ENOTFOUND', 'ECONNABORTED'])(
    'no answer at all (%s) is a server error, worth a quick second try',
    (code) => {
      expect(errorKind(network(code))).toBe('serverError')
      expect(isTransient(network(code))).toBe(true)
    }
  )

  it('treats a timeout without an answer as a server error', () => {
    expect(errorKind(Object.assign(new Error('slow'), { name: 'TimeoutError' }))).toBe(
      'serverError'
    )
  })

  it('is final for a failure before any request, and for what is not an error', () => {
    expect(errorKind(new Error('Could not load credentials from any providers'))).toBe('final')
    expect(errorKind(Object.assign(new Error('gone'), { name: 'AbortError' }))).toBe('final')
    expect(errorKind('boom')).toBe('final')
    expect(isTransient(null)).toBe(false)
  })
})

describe('isTransientStsError', () => {
  it.each(STS_TRANSIENT_CODES)('%s is retried, even with a 4xx status', (code) => {
    expect(isTransientStsError(awsError(code, 400))).toBe(true)
  })

  it('retries what the model marks retryable (IDPCommunicationErrorException)', () => {
    expect(
      isTransientStsError(awsError('IDPCommunicationErrorException', 400, { $retryable: {} }))
    ).toBe(true)
  })

  it('retries throttling, 5xx and failures without an AWS code', () => {
    expect(isTransientStsError(awsError('Throttling', 400))).toBe(true)
    expect(isTransientStsError(awsError('Unknown', 502))).toBe(true)
    expect(isTransientStsError(network('ECONNRESET'))).toBe(true)
    expect(isTransientStsError(new Error('Could not load credentials from any providers'))).toBe(
      true
    )
  })

  it.each([
    'AccessDenied',
    'InvalidIdentityToken',
    'ExpiredTokenException',
    'MalformedPolicyDocument'
  ])('does not retry %s', (code) => {
    expect(isTransientStsError(awsError(code, 400))).toBe(false)
  })

  it('does not retry what is not an error', () => {
    expect(isTransientStsError('boom')).toBe(false)
  })
})

describe('REGION_WIDE_CODES', () => {
  it.each(REGION_WIDE_CODES.flatMap((code) => [code, `${code}Exception`]))(
    '%s fails every request to the region',
    (code) => {
      expect(isRegionWide(awsError(code, 403))).toBe(true)
    }
  )

  it('leaves out what concerns one request', () => {
    expect(isRegionWide(awsError('AccessDeniedException', 400))).toBe(false)
    expect(isRegionWide(awsError('InvalidLookupAttributesException', 400))).toBe(false)
  })
})
