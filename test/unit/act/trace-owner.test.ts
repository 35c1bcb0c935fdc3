// A key IAM could not take away for want of its user: STS names the account, CloudTrail the
// user, whose older sessions are then denied; every step that could not be done is said.
import { describe, expect, it } from '@jest/globals'
import { GetAccessKeyInfoCommand, STSClient } from '@aws-sdk/client-sts'
import { mockClient } from 'aws-sdk-client-mock'
import { traceMissingOwners, type TraceOptions } from '../../../src/act/trace-owner.js'
import type { ActivitySummary } from '../../../src/domain/activity.js'
import type { IncidentKeyResult } from '../../../src/domain/incident.js'
import { FakeIam, iamClient, NO_WAIT, NOW } from './fake-iam.js'

const KEY = 'AKIAGONE000000000001'
const HERE = '111122223333'

function setUp(account: string | Error) {
  const sts = new STSClient({ region: 'us-east-1' })
  const stsMock = mockClient(sts)
  if (account instanceof Error) stsMock.on(GetAccessKeyInfoCommand).rejects(account)
  else stsMock.on(GetAccessKeyInfoCommand).resolves({ Account: account })
  const iam = iamClient()
  const fake = new FakeIam(mockClient(iam))
  return { sts, iam, fake }
}

const missing = (over: Partial<IncidentKeyResult> = {}): IncidentKeyResult => ({
  accessKeyId: KEY,
  outcome: 'failed',
  error: 'The key could not be found in this account.',
  missing: 'owner',
  ...over
})

const activityNaming = (...userNames: string[]): ActivitySummary[] =>
  [{ accessKeyId: KEY, evidence: { userNames } }] as unknown as ActivitySummary[]

const options = (over: Partial<TraceOptions> = {}): TraceOptions => ({
  accountId: HERE,
  dryRun: false,
  revokeSessions: true,
  lookbackHours: 24,
  now: () => NOW,
  settle: NO_WAIT,
  ...over
})

describe('traceMissingOwners', () => {
  it('denies the older sessions of the user CloudTrail names', async () => {
    const { sts, iam, fake } = setUp(HERE)
    fake.addUser('carol')
    const results = [missing(), { accessKeyId: 'AKIAOK', outcome: 'revoked' as const }]
    await traceMissingOwners(iam, sts, results, activityNaming('carol'), options())
    expect(results[0]).toMatchObject({
      userName: 'carol',
      trace: { accountId: HERE, userFromCloudTrail: 'carol' },
      sessions: { ok: true }
    })
    expect(results[0]?.error).toContain('Older sessions of carol are denied')
    expect(results[1]).toEqual({ accessKeyId: 'AKIAOK', outcome: 'revoked' })
  })

  it('says when the user is gone, in a dry run, or with revoke-sessions off', async () => {
    const gone = setUp(HERE)
    const one = [missing()]
    await traceMissingOwners(gone.iam, gone.sts, one, activityNaming('carol'), options())
    expect(one[0]?.sessions?.ok).toBe(false)
    expect(one[0]?.error).toContain('The session deny could not be attached to carol')

    for (const [over, said] of [
      [{ dryRun: true }, 'Dry run: older sessions of carol would be denied.'],
      [{ revokeSessions: false }, 'revoke-sessions is off']
    ] as const) {
      const { sts, iam } = setUp(HERE)
      const results = [missing({ missing: 'key', userName: 'carol' })]
      await traceMissingOwners(iam, sts, results, [], options(over))
      expect(results[0]?.sessions).toBeUndefined()
      expect(results[0]?.error).toContain(said)
    }
  })

  it('leaves another account’s key to that account', async () => {
    const { sts, iam } = setUp('444455556666')
    const results = [missing()]
    await traceMissingOwners(iam, sts, results, activityNaming('carol'), options())
    expect(results[0]?.sessions).toBeUndefined()
    expect(results[0]?.error).toContain('STS says the key belongs to account 444455556666')
  })

  it('gives the command by hand when neither STS nor CloudTrail can tell', async () => {
    for (const named of [[], ['carol', 'dave']]) {
      const { sts, iam } = setUp(new Error('The access key does not exist'))
      const results = [missing()]
      await traceMissingOwners(iam, sts, results, activityNaming(...named), options())
      expect(results[0]?.error).toContain('STS could not say which account the key belongs to')
      expect(results[0]?.error).toContain(named.length === 0 ? 'Neither IAM nor' : 'several users')
      expect(results[0]?.trace?.byHand).toContain('aws iam put-user-policy --user-name USER')
    }
  })
})
