// Throttling and transient failures on a real IAM client (its request handler answered in
// process): the SDK retries each request, and the act stage still sends its change once per
// attempt the SDK makes, never on its own, and records what the last answer said.
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals'
import { IAMClient } from '@aws-sdk/client-iam'
import { applyOne } from '../../../src/act/apply.js'
import type { PlannedChange } from '../../../src/domain/changes.js'
import { CREATED, NO_WAIT, NOW, recordingLog } from './fake-iam.js'

const KEY = 'AKIASAMPLEALICE00001'
const MAX_ATTEMPTS = 3
const CHANGE: PlannedChange = {
  kind: 'deactivate',
  userName: 'alice',
  accessKeyId: KEY,
  createDate: CREATED,
  fromStatus: 'Active',
  reason: 'overdue'
}

type Answer = { status: number; body: string }
const THROTTLED: Answer = {
  status: 400,
  body: '<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>r</RequestId></ErrorResponse>'
}
const UNAVAILABLE: Answer = {
  status: 503,
  body: '<ErrorResponse><Error><Type>Receiver</Type><Code>ServiceUnavailable</Code><Message>try again</Message></Error><RequestId>r</RequestId></ErrorResponse>'
}
const done = (action: string): string =>
  `<${action}Response><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></${action}Response>`

/**
 * IAM over the Query protocol, for one key. `faults` answers the next requests of an action in
 * turn, `null` meaning a normal answer.
 */
function fakeIam(faults: Record<string, (Answer | null)[]>) {
  let status = 'Active'
  const requests: string[] = []
  const answer = (action: string): Answer => {
    const fault = faults[action]?.shift()
    if (fault) return fault
    if (action === 'UpdateAccessKey') status = 'Inactive'
    if (action !== 'ListAccessKeys') return { status: 200, body: done(action) }
    const member = `<member><UserName>alice</UserName><AccessKeyId>${KEY}</AccessKeyId><Status>${status}</Status><CreateDate>${CREATED.toISOString()}</CreateDate></member>`
    return {
      status: 200,
      body: `<ListAccessKeysResponse><ListAccessKeysResult><IsTruncated>false</IsTruncated><AccessKeyMetadata>${member}</AccessKeyMetadata></ListAccessKeysResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></ListAccessKeysResponse>`
    }
  }
  const iam = new IAMClient({
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIAFAKE', secretAccessKey: 'secret' },
    retryMode: 'standard',
    maxAttempts: MAX_ATTEMPTS,
    requestHandler: {
      handle: async (request: { body?: unknown }) => {
        const action = new URLSearchParams(String(request.body)).get('Action') ?? '?'
        requests.push(action)
        const { status: statusCode, body } = answer(action)
        return {
          response: {
            statusCode,
            headers: { 'content-type': 'text/xml' },
            body: new TextEncoder().encode(body)
          }
        }
      }
    }
  })
  return { iam, requests }
}

beforeEach(() => {
  // No backoff: the SDK's retry delay is a random share of its ceiling.
  jest.spyOn(Math, 'random').mockReturnValue(0)
})
afterEach(() => {
  jest.restoreAllMocks()
})

const apply = (iam: IAMClient) =>
  applyOne(iam, CHANGE, { now: () => NOW, log: recordingLog(), settle: NO_WAIT })

describe('throttling and transient failures', () => {
  it('applies the change when IAM throttles the re-read and the write at first', async () => {
    const { iam, requests } = fakeIam({
      ListAccessKeys: [THROTTLED],
      UpdateAccessKey: [THROTTLED, UNAVAILABLE]
    })

    const record = await apply(iam)

    expect(record).toMatchObject({ result: 'applied', after: { status: 'Inactive' } })
    expect(requests).toEqual([
      'ListAccessKeys',
      'ListAccessKeys',
      'UpdateAccessKey',
      'UpdateAccessKey',
      'UpdateAccessKey',
      'ListAccessKeys',
      'TagUser'
    ])
  })

  it('records the change failed once the SDK gives up, and never resends it itself', async () => {
    const { iam, requests } = fakeIam({ UpdateAccessKey: Array(MAX_ATTEMPTS).fill(THROTTLED) })

    const record = await apply(iam)

    expect(record).toMatchObject({ result: 'failed' })
    expect(record.detail).toMatch(/^Throttling: Rate exceeded/)
    expect(requests).toEqual(['ListAccessKeys', ...Array(MAX_ATTEMPTS).fill('UpdateAccessKey')])
  })

  it('verifies through a transient failure of the read after the write', async () => {
    const { iam, requests } = fakeIam({ ListAccessKeys: [null, UNAVAILABLE] })

    const record = await apply(iam)

    expect(record.result).toBe('applied')
    expect(requests).toEqual([
      'ListAccessKeys',
      'UpdateAccessKey',
      'ListAccessKeys',
      'ListAccessKeys',
      'TagUser'
    ])
  })
})
