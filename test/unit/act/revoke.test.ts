// Revoking one exposed key: found by its ID, never the action's own, changed with the same
// re-read and verification as remediation, then older sessions denied by a verified policy.
import { beforeEach, describe, expect, it } from '@jest/globals'
import {
  DeleteAccessKeyCommand,
  GetAccessKeyLastUsedCommand,
  IAMClient,
  PutUserPolicyCommand,
  UpdateAccessKeyCommand
} from '@aws-sdk/client-iam'
import { mockClient } from 'aws-sdk-client-mock'
import { revokeAll, revokeKey, type RevokeOptions } from '../../../src/act/revoke.js'
import {
  USER_DENY_POLICY_NAME,
  revokeOlderSessionsPolicy
} from '../../../src/domain/session-deny.js'
import { claimTagKey } from '../../../src/act/claim.js'
import {
  CREATED,
  FakeIam,
  iamClient,
  NO_WAIT,
  noSuchEntity,
  NOW,
  recordingLog,
  throttled,
  type RecordingLog
} from './fake-iam.js'

const iamMock = mockClient(IAMClient)
const KEY = 'AKIASAMPLEALICE00001'
const EXPOSED = { accessKeyId: KEY, location: 'https://github.com/o/r/blob/main/.env' }
const SESSIONS_UNDO = `aws iam delete-user-policy --user-name alice --policy-name ${USER_DENY_POLICY_NAME}`

let fake: FakeIam
let log: RecordingLog
const iam = iamClient()

beforeEach(() => {
  fake = new FakeIam(iamMock)
  fake.addUser('alice', [{ AccessKeyId: KEY, Status: 'Active', CreateDate: CREATED }])
  log = recordingLog()
})

const options = (over: Partial<RevokeOptions> = {}): RevokeOptions => ({
  action: 'deactivate',
  dryRun: false,
  revokeSessions: true,
  ownKeyId: 'AKIASAMPLEOWNKEY0001',
  log,
  now: () => NOW,
  settle: NO_WAIT,
  ...over
})

const keyWrites = () => [
  ...iamMock.commandCalls(UpdateAccessKeyCommand),
  ...iamMock.commandCalls(DeleteAccessKeyCommand)
]

describe('revoking an exposed key', () => {
  it('deactivates it and denies the sessions issued before now, each verified', async () => {
    const result = await revokeKey(iam, EXPOSED, options())

    expect(fake.sent()).toEqual([
      'GetAccessKeyLastUsed',
      'ListAccessKeys',
      'ListAccessKeys',
      'UpdateAccessKey',
      'ListAccessKeys',
      'TagUser',
      'PutUserPolicy',
      'GetUserPolicy'
    ])
    expect(result).toEqual({
      accessKeyId: KEY,
      location: EXPOSED.location,
      outcome: 'revoked',
      userName: 'alice',
      change: expect.objectContaining({
        kind: 'deactivate',
        result: 'applied',
        reason: `exposed at ${EXPOSED.location}`,
        undo: `aws iam update-access-key --user-name alice --access-key-id ${KEY} --status Active`
      }),
      sessions: {
        policyName: USER_DENY_POLICY_NAME,
        issuedBefore: NOW.toISOString(),
        undo: SESSIONS_UNDO,
        ok: true
      }
    })
    expect(JSON.stringify(Object.keys(result))).toBe(
      '["accessKeyId","location","outcome","userName","change","sessions"]'
    )
    expect(fake.key('alice', KEY)?.Status).toBe('Inactive')
    expect(fake.policy('alice', USER_DENY_POLICY_NAME)).toBe(revokeOlderSessionsPolicy(NOW))
    expect(log.lines).toEqual([expect.stringMatching(/^info: Changed: alice .* deactivated at/)])
  })

  it('deletes it under action: delete', async () => {
    const result = await revokeKey(iam, { accessKeyId: KEY }, options({ action: 'delete' }))

    expect(iamMock.commandCalls(DeleteAccessKeyCommand)).toHaveLength(1)
    expect(result).toMatchObject({
      outcome: 'revoked',
      change: { kind: 'delete', reason: 'exposed' }
    })
    expect(result.location).toBeUndefined()
    expect(fake.key('alice', KEY)).toBeUndefined()
  })

  it('leaves sessions alone without revoke-sessions', async () => {
    const result = await revokeKey(iam, EXPOSED, options({ revokeSessions: false }))

    expect(iamMock.commandCalls(PutUserPolicyCommand)).toHaveLength(0)
    expect(result.outcome).toBe('revoked')
    expect(result.sessions).toBeUndefined()
  })

  it('takes a claim on the key and releases it', async () => {
    const result = await revokeKey(iam, EXPOSED, options({ claimant: 'run-1.1.aa' }))

    expect(result.outcome).toBe('revoked')
    expect(fake.sent()).toContain('UntagUser')
    expect(fake.tags('alice').has(claimTagKey(KEY, 'run-1.1.aa'))).toBe(false)
  })
})

describe('what it refuses to write', () => {
  it('never touches the key the action runs with', async () => {
    const result = await revokeKey(iam, EXPOSED, options({ ownKeyId: KEY }))

    expect(keyWrites()).toHaveLength(0)
    expect(iamMock.commandCalls(PutUserPolicyCommand)).toHaveLength(0)
    expect(result).toEqual({
      accessKeyId: KEY,
      location: EXPOSED.location,
      outcome: 'failed',
      userName: 'alice',
      error: 'The action is running with this key; it will not revoke its own credentials.'
    })
  })

  it('writes nothing in a dry run and records the change as planned', async () => {
    const result = await revokeKey(iam, EXPOSED, options({ dryRun: true }))

    expect(fake.sent()).toEqual(['GetAccessKeyLastUsed', 'ListAccessKeys'])
    expect(result.outcome).toBe('planned')
    expect(result.sessions).toBeUndefined()
    expect(result.change).toEqual({
      kind: 'deactivate',
      userName: 'alice',
      accessKeyId: KEY,
      reason: `exposed at ${EXPOSED.location}`,
      result: 'planned',
      detail: 'Dry run: nothing was changed.',
      before: { status: 'Active', createDate: CREATED.toISOString() },
      at: NOW.toISOString()
    })
  })

  it('writes nothing for a key this account does not have', async () => {
    const result = await revokeKey(iam, { accessKeyId: 'AKIASAMPLENOBODY0001' }, options())

    expect(fake.sent()).toEqual(['GetAccessKeyLastUsed'])
    expect(result.outcome).toBe('failed')
    expect(result.userName).toBeUndefined()
    expect(result.error).toMatch(
      /^The key could not be found in this account: NoSuchEntity.*AKIASAMPLENOBODY0001 cannot be found\.$/
    )
  })

  it('writes nothing when IAM names no user for the key', async () => {
    iamMock.on(GetAccessKeyLastUsedCommand).resolves({})

    const result = await revokeKey(iam, EXPOSED, options())

    expect(keyWrites()).toHaveLength(0)
    expect(result.error).toBe(
      'The key could not be found in this account: IAM did not name the key’s user'
    )
  })

  it('writes nothing when the user’s keys cannot be listed', async () => {
    fake.fail('ListAccessKeys', throttled())

    const result = await revokeKey(iam, EXPOSED, options())

    expect(keyWrites()).toHaveLength(0)
    expect(result).toMatchObject({
      outcome: 'failed',
      error: 'Listing the keys of alice failed: Throttling: Rate exceeded'
    })
  })

  it('writes nothing when the key is gone by the time it is listed', async () => {
    fake.beforeList = () => fake.users.get('alice')?.keys.splice(0)

    const result = await revokeKey(iam, EXPOSED, options())

    expect(keyWrites()).toHaveLength(0)
    expect(result.error).toBe(`alice has no key ${KEY} any more (already deleted?).`)
  })

  it('writes nothing when the key changes between its listing and the re-read', async () => {
    fake.users.get('alice')?.keys.splice(0, 1, {
      AccessKeyId: KEY,
      Status: 'Inactive',
      CreateDate: CREATED
    })
    // A person reactivates it after the listing: the re-read no longer matches.
    fake.beforeList = (_, call) => {
      const key = fake.key('alice', KEY)
      if (call === 2 && key) key.Status = 'Active'
    }

    const result = await revokeKey(iam, EXPOSED, options({ action: 'delete' }))

    expect(keyWrites()).toHaveLength(0)
    expect(result).toMatchObject({
      outcome: 'failed',
      change: { result: 'skipped' },
      error:
        'The key could not be deleted: Not changed: its status changed since the plan (Inactive → Active).'
    })
    expect(result.sessions?.ok).toBe(true)
  })

  it('writes nothing while another run holds the claim, and says a person must look', async () => {
    const at = new Date(NOW.getTime() - 60_000).toISOString()
    fake.tags('alice').set(claimTagKey(KEY, 'run-2.1.bb'), at)

    const result = await revokeKey(iam, EXPOSED, options({ claimant: 'run-1.1.aa' }))

    expect(keyWrites()).toHaveLength(0)
    expect(result.outcome).toBe('failed')
    expect(result.error).toBe(
      `The key could not be deactivated: Not changed: another run (run-2.1.bb) claimed this key at ${at} and is changing it.`
    )
  })
})

describe('a key already dealt with', () => {
  it('is already inactive: no key write, sessions still revoked', async () => {
    fake.key('alice', KEY)!.Status = 'Inactive'

    const result = await revokeKey(iam, EXPOSED, options())

    expect(keyWrites()).toHaveLength(0)
    expect(result.change).toBeUndefined()
    expect(result.outcome).toBe('already-inactive')
    expect(result.sessions?.ok).toBe(true)
  })

  it('was deactivated by someone else between the listing and the re-read', async () => {
    fake.beforeList = (_, call) => {
      const key = fake.key('alice', KEY)
      if (call === 2 && key) key.Status = 'Inactive'
    }

    const result = await revokeKey(iam, EXPOSED, options())

    expect(keyWrites()).toHaveLength(0)
    expect(result.change?.result).toBe('already-done')
    expect(result.outcome).toBe('already-inactive')
  })
})

describe('failures a person must see', () => {
  it('the key write fails: still denies older sessions, and reports the key', async () => {
    fake.fail('UpdateAccessKey', throttled())

    const result = await revokeKey(iam, EXPOSED, options())

    expect(iamMock.commandCalls(UpdateAccessKeyCommand)).toHaveLength(1)
    expect(result.outcome).toBe('failed')
    expect(result.error).toBe('The key could not be deactivated: Throttling: Rate exceeded')
    expect(result.sessions?.ok).toBe(true)
  })

  it('the policy cannot be written', async () => {
    fake.fail('PutUserPolicy', throttled())

    const result = await revokeKey(iam, EXPOSED, options())

    expect(result.outcome).toBe('failed')
    expect(result.sessions).toEqual({
      policyName: USER_DENY_POLICY_NAME,
      issuedBefore: NOW.toISOString(),
      undo: SESSIONS_UNDO,
      ok: false,
      error: 'Throttling: Rate exceeded'
    })
    expect(result.error).toBe(
      'The key is inactive, but older sessions could not be revoked: Throttling: Rate exceeded'
    )
  })

  it('the policy reads back only after IAM settles: read again, not written again', async () => {
    fake.fail('GetUserPolicy', noSuchEntity(), 2)

    const result = await revokeKey(iam, EXPOSED, options({ action: 'delete' }))

    expect(iamMock.commandCalls(PutUserPolicyCommand)).toHaveLength(1)
    expect(fake.sent().filter((c) => c === 'GetUserPolicy')).toHaveLength(3)
    expect(result.outcome).toBe('revoked')
  })

  it('the stored policy is not the one written', async () => {
    // Another writer's policy of the same name lands over ours.
    iamMock.on(PutUserPolicyCommand).callsFake(async (input: { PolicyName: string }) => {
      fake.users
        .get('alice')
        ?.policies.set(input.PolicyName, revokeOlderSessionsPolicy(new Date(0)))
      return {}
    })

    const result = await revokeKey(iam, EXPOSED, options({ action: 'delete' }))

    expect(result.sessions?.error).toBe('the stored policy differs from the one written')
    expect(result.error).toBe(
      'The key is deleted, but older sessions could not be revoked: the stored policy differs from the one written'
    )
  })

  it('reading the policy back fails', async () => {
    fake.fail('GetUserPolicy', throttled())

    const result = await revokeKey(iam, EXPOSED, options())

    expect(result.sessions).toMatchObject({ ok: false, error: 'Throttling: Rate exceeded' })
  })
})

describe('revokeAll', () => {
  const collect = async (gen: AsyncGenerator<unknown>): Promise<unknown[]> => {
    const out: unknown[] = []
    for await (const r of gen) out.push(r)
    return out
  }

  it('revokes each key, then fails each entity that names no key, for a person to find', async () => {
    const results = await collect(
      revokeAll(
        iam,
        {
          keys: [EXPOSED],
          event: {
            source: 'aws-health',
            keys: [EXPOSED],
            unusable: [{ where: 'detail.affectedEntities[1].entityValue', value: 'my-bucket' }]
          }
        },
        { ...options(), cancelled: () => undefined }
      )
    )
    expect(results).toMatchObject([
      { accessKeyId: KEY, outcome: 'revoked' },
      {
        accessKeyId: 'my-bucket',
        unusableEntity: 'detail.affectedEntities[1].entityValue',
        outcome: 'failed'
      }
    ])
    expect(iamMock.commandCalls(UpdateAccessKeyCommand)).toHaveLength(1)
  })

  it('after a cancel, starts no key and says what to do for each', async () => {
    const results = await collect(
      revokeAll(iam, { keys: [EXPOSED] }, { ...options(), cancelled: () => 'SIGINT' })
    )
    expect(results).toEqual([
      {
        accessKeyId: KEY,
        outcome: 'failed',
        error:
          'Not attempted: the job was cancelled (SIGINT) before this key. Revoke it by hand or run again.'
      }
    ])
    expect(keyWrites()).toHaveLength(0)
  })
})
