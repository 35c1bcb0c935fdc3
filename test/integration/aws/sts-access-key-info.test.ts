// sts:GetAccessKeyInfo through the real STS client against the loopback fake: the account of a
// key of this account, of another account, of a key deleted since, and an error for one never seen.
import { describe, expect, it } from '@jest/globals'
import { DeleteAccessKeyCommand, IAMClient } from '@aws-sdk/client-iam'
import { STSClient } from '@aws-sdk/client-sts'
import { accessKeyAccount } from '../../../src/aws/sts.js'
import { FakeAws, type FakeAccount } from '../../support/fake-aws/index.js'

const key = (accessKeyId: string) => ({
  accessKeyId,
  status: 'Active' as const,
  createDate: new Date('2026-01-01T00:00:00Z')
})
const HERE: FakeAccount = {
  accountId: '111111111111',
  users: [{ userName: 'alice', keys: [key('AKIAHEREALICE0000001')] }]
}
const THERE: FakeAccount = {
  accountId: '222222222222',
  users: [{ userName: 'bob', keys: [key('AKIATHEREBOB00000001')] }]
}

describe('accessKeyAccount', () => {
  it('names the account of a live, foreign or deleted key, and fails on an unknown one', async () => {
    const fake = new FakeAws([structuredClone(HERE), structuredClone(THERE)])
    const endpoint = await fake.start()
    const options = {
      region: 'us-east-1',
      endpoint,
      credentials: { accessKeyId: 'AKIATEST', secretAccessKey: 'x' },
      maxAttempts: 1
    }
    const sts = new STSClient(options)
    const iam = new IAMClient(options)
    try {
      expect(await accessKeyAccount(sts, 'AKIAHEREALICE0000001')).toBe('111111111111')
      expect(await accessKeyAccount(sts, 'AKIATHEREBOB00000001')).toBe('222222222222')
      await iam.send(
        new DeleteAccessKeyCommand({ UserName: 'alice', AccessKeyId: 'AKIAHEREALICE0000001' })
      )
      expect(await accessKeyAccount(sts, 'AKIAHEREALICE0000001')).toBe('111111111111')
      await expect(accessKeyAccount(sts, 'AKIANEVERSEEN0000001')).rejects.toThrow('does not exist')
      expect(fake.calls.filter((c) => c.action === 'GetAccessKeyInfo')).toHaveLength(4)
    } finally {
      sts.destroy()
      iam.destroy()
      await fake.stop()
    }
  })
})
