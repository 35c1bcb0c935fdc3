// A key whose user IAM cannot name (already deleted, or the user with it): before giving up on
// the session deny, sts:GetAccessKeyInfo names the account and CloudTrail the user; every channel
// says exactly what could and could not be done, and the step fails for a person to look.
import { afterEach, describe, expect, it } from '@jest/globals'
import { DeleteAccessKeyCommand, IAMClient } from '@aws-sdk/client-iam'
import { makeEvents } from '../support/cloudtrail-events.js'
import type { FakeAccount } from '../support/fake-aws/index.js'
import { readReport, startFakes, type Fakes } from '../support/harness.js'
import { SAMPLE_ACCOUNT_ID, SAMPLE_TOPIC_ARN, sampleAccount } from '../support/sample-account.js'

let fakes: Fakes
afterEach(() => fakes.stop())

const CAROL_KEY = 'AKIASAMPLECAROL00001'

function withCarolEvents(): FakeAccount {
  const account = sampleAccount()
  account.cloudTrail = makeEvents({
    accessKeyId: CAROL_KEY,
    userName: 'carol',
    region: 'us-east-1',
    count: 6,
    start: new Date(Date.now() - 2 * 3_600_000),
    accountId: SAMPLE_ACCOUNT_ID
  })
  return account
}

/** Deletes carol's key as a person would have, before the run (STS still knows its account). */
async function deleteCarolsKey(f: Fakes): Promise<void> {
  const iam = new IAMClient({
    region: 'us-east-1',
    endpoint: f.awsEndpoint,
    credentials: { accessKeyId: 'AKIATESTPERSON000001', secretAccessKey: 'x' },
    maxAttempts: 1
  })
  await iam.send(new DeleteAccessKeyCommand({ UserName: 'carol', AccessKeyId: CAROL_KEY }))
  iam.destroy()
}

function incidentRun(f: Fakes, keyId: string) {
  return f.run(
    {
      'github-token': f.github.token,
      'sns-topic-arn': SAMPLE_TOPIC_ARN,
      'revoke-access-key-ids': keyId
    },
    { eventName: 'workflow_dispatch' }
  )
}

async function keyResult(result: Awaited<ReturnType<typeof incidentRun>>) {
  const report = (await readReport(result)) as unknown as {
    keys: { accessKeyId: string; userName?: string; error?: string; sessions?: { ok: boolean } }[]
  }
  return report.keys[0]
}

describe('incident: a key whose user is unknown', () => {
  it('a deleted key: CloudTrail names its user, whose older sessions are then denied', async () => {
    fakes = await startFakes(withCarolEvents())
    await deleteCarolsKey(fakes)
    const result = await incidentRun(fakes, CAROL_KEY)

    expect(result.code).toBe(1)
    expect(fakes.aws.callsTo('GetAccessKeyInfo').map((c) => c.params.AccessKeyId)).toEqual([
      CAROL_KEY
    ])
    expect(fakes.aws.callsTo('PutUserPolicy').map((c) => c.params.UserName)).toEqual(['carol'])
    expect(
      fakes.aws.account().users.find((u) => u.userName === 'carol')?.inlinePolicies?.[
        'iam-key-sentinel-revoke-older-sessions'
      ]
    ).toContain('aws:TokenIssueTime')
    const key = await keyResult(result)
    expect(key?.userName).toBe('carol')
    expect(key?.sessions?.ok).toBe(true)
    expect(key?.error).toContain('The key could not be found in this account')
    expect(key?.error).toContain('Its CloudTrail events name its user: carol.')
    expect(key?.error).toContain('Older sessions of carol are denied')
    expect(result.summary).toContain('Manual inspection and intervention required')
    expect(fakes.aws.published[0]?.message).toContain('Its CloudTrail events name its user: carol.')
  })

  it('a deleted user: says the deny could not be attached to it', async () => {
    fakes = await startFakes(withCarolEvents())
    await deleteCarolsKey(fakes)
    const account = fakes.aws.account()
    account.users = account.users.filter((u) => u.userName !== 'carol')
    const result = await incidentRun(fakes, CAROL_KEY)

    expect(result.code).toBe(1)
    const key = await keyResult(result)
    expect(key?.sessions?.ok).toBe(false)
    expect(key?.error).toContain('The session deny could not be attached to carol')
    expect(result.summary).toContain('could not be attached to carol')
  })

  it("another account's key: names that account and changes nothing here", async () => {
    const other: FakeAccount = {
      accountId: '444455556666',
      users: [
        {
          userName: 'mallory',
          keys: [{ accessKeyId: 'AKIAOTHERACCOUNT0001', status: 'Active', createDate: new Date() }]
        }
      ]
    }
    fakes = await startFakes([sampleAccount(), other])
    const result = await incidentRun(fakes, 'AKIAOTHERACCOUNT0001')

    expect(result.code).toBe(1)
    expect(fakes.aws.mutatingCalls().filter((c) => c.service === 'iam')).toEqual([])
    const key = await keyResult(result)
    expect(key?.error).toContain(
      'STS says the key belongs to account 444455556666, not 111122223333: revoke it and its sessions from that account.'
    )
  })

  it('a key nobody knows: says neither STS nor CloudTrail could tell, and how to do it by hand', async () => {
    fakes = await startFakes(sampleAccount())
    const result = await incidentRun(fakes, 'AKIANEVERSEEN0000001')

    expect(result.code).toBe(1)
    expect(fakes.aws.callsTo('PutUserPolicy')).toEqual([])
    const key = await keyResult(result)
    expect(key?.error).toContain('STS could not say which account the key belongs to')
    expect(key?.error).toContain(
      'Neither IAM nor its CloudTrail events of the last 24 hours name its user, so no session deny could be attached'
    )
    expect(result.summary).toContain(
      'aws iam put-user-policy --user-name USER --policy-name iam-key-sentinel-revoke-older-sessions --policy-document'
    )
    expect(fakes.aws.published[0]?.message).toContain(
      'By hand, once the user is found: aws iam put-user-policy --user-name USER'
    )
  })
})
