// The pacer wrapped around a real IAM client, against the loopback fake AWS: it counts the
// throttled answers the SDK's own retries get, and nothing else.
import { describe, expect, it } from '@jest/globals'
import { IAMClient, ListUsersCommand } from '@aws-sdk/client-iam'
import { AdaptivePacer, paceClient } from '../../../src/aws/pacing.js'
import { FakeAws } from '../../support/fake-aws/index.js'

describe('paceClient', () => {
  it("sees each attempt's Throttling answer, retries included, and nothing else as one", async () => {
    const fake = new FakeAws({ accountId: '123456789012', users: [] })
    const endpoint = await fake.start()
    try {
      fake.addFault({ action: 'ListUsers', times: 2, fault: { status: 400, code: 'Throttling' } })
      const iam = new IAMClient({
        region: 'us-east-1',
        endpoint,
        credentials: { accessKeyId: 'AKIATEST', secretAccessKey: 'x' },
        retryMode: 'standard',
        maxAttempts: 3
      })
      const pacer = new AdaptivePacer({ start: 1000, max: 1000 })
      paceClient(iam, pacer)
      // Two throttled attempts, then the answer: the SDK's retries go through the pacer too.
      await iam.send(new ListUsersCommand({}))
      expect(pacer.throttled).toBe(2)
      fake.addFault({
        action: 'ListUsers',
        times: 1,
        fault: { status: 400, code: 'NotThrottling' }
      })
      const error = await iam.send(new ListUsersCommand({})).then(
        () => undefined,
        (e: unknown) => e
      )
      expect((error as Error | undefined)?.name).toBe('NotThrottling')
      expect(pacer.throttled).toBe(2)
      iam.destroy()
    } finally {
      await fake.stop()
    }
  })
})
