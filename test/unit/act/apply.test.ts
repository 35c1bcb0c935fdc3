// Applying a plan to IAM: a change is written only to a key that still is what the plan saw,
// once, then verified; every refusal below asserts that no key write was sent at all.
import { beforeEach, describe, expect, it } from '@jest/globals'
import {
  DeleteAccessKeyCommand,
  IAMClient,
  TagUserCommand,
  UntagUserCommand,
  UpdateAccessKeyCommand
} from '@aws-sdk/client-iam'
import { mockClient } from 'aws-sdk-client-mock'
import { applyOne, applyPlan, type ApplyOptions } from '../../../src/act/apply.js'
import { claimTagKey } from '../../../src/act/claim.js'
import { deactivatedTagKey } from '../../../src/domain/lifecycle-tag.js'
import type { ChangeRecord, Plan, PlannedChange } from '../../../src/domain/changes.js'
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
const ALICE = 'AKIASAMPLEALICE00001'
const BOB = 'AKIASAMPLEBOB0000001'

let fake: FakeIam
let log: RecordingLog
const iam = iamClient()

beforeEach(() => {
  fake = new FakeIam(iamMock)
  log = recordingLog()
})

function change(over: Partial<PlannedChange> = {}): PlannedChange {
  return {
    kind: 'deactivate',
    userName: 'alice',
    accessKeyId: ALICE,
    createDate: CREATED,
    fromStatus: 'Active',
    reason: 'overdue: 120 days old (max 90)',
    ...over
  }
}

function plan(changes: PlannedChange[], over: Partial<Plan> = {}): Plan {
  return {
    action: 'deactivate',
    dryRun: false,
    maxActions: 10,
    changes,
    graceStarts: [],
    holds: [],
    capExceeded: false,
    ...over
  }
}

const options = (over: Partial<ApplyOptions> = {}): ApplyOptions => ({
  now: () => NOW,
  log,
  settle: NO_WAIT,
  ...over
})

async function collect(records: AsyncIterable<ChangeRecord>): Promise<ChangeRecord[]> {
  const all: ChangeRecord[] = []
  for await (const r of records) all.push(r)
  return all
}

const keyWrites = () => [
  ...iamMock.commandCalls(UpdateAccessKeyCommand),
  ...iamMock.commandCalls(DeleteAccessKeyCommand)
]

describe('a change to a key that still matches the plan', () => {
  it('deactivates it, verifies it, records the date and the undo command', async () => {
    fake.addUser('alice', [{ AccessKeyId: ALICE, Status: 'Active', CreateDate: CREATED }])

    const record = await applyOne(iam, change(), options())

    expect(fake.sent()).toEqual(['ListAccessKeys', 'UpdateAccessKey', 'ListAccessKeys', 'TagUser'])
    expect(iamMock.commandCalls(UpdateAccessKeyCommand)[0]?.args[0].input).toEqual({
      UserName: 'alice',
      AccessKeyId: ALICE,
      Status: 'Inactive'
    })
    const undo = `aws iam update-access-key --user-name alice --access-key-id ${ALICE} --status Active`
    expect(record).toEqual({
      kind: 'deactivate',
      userName: 'alice',
      accessKeyId: ALICE,
      reason: 'overdue: 120 days old (max 90)',
      result: 'applied',
      before: { status: 'Active', createDate: CREATED.toISOString() },
      at: NOW.toISOString(),
      undo,
      after: { status: 'Inactive' }
    })
    expect(fake.key('alice', ALICE)?.Status).toBe('Inactive')
    expect(fake.tags('alice').get(deactivatedTagKey(ALICE))).toBe(NOW.toISOString())
    expect(log.lines).toEqual([
      `info: Changed: alice ${ALICE} deactivated at ${NOW.toISOString()} (verified). Undo: ${undo}`
    ])
  })

  it('deletes it, verifies it is gone and removes its deactivation date; no undo', async () => {
    fake.addUser('alice', [{ AccessKeyId: ALICE, Status: 'Inactive', CreateDate: CREATED }], {
      [deactivatedTagKey(ALICE)]: '2026-11-01T00:00:00.000Z'
    })

    const record = await applyOne(
      iam,
      change({ kind: 'delete', fromStatus: 'Inactive' }),
      options()
    )

    expect(fake.sent()).toEqual([
      'ListAccessKeys',
      'DeleteAccessKey',
      'ListAccessKeys',
      'UntagUser'
    ])
    expect(record).toMatchObject({ result: 'applied', after: { status: 'Deleted' } })
    expect(record.undo).toBeUndefined()
    expect(fake.key('alice', ALICE)).toBeUndefined()
    expect(fake.tags('alice').has(deactivatedTagKey(ALICE))).toBe(false)
    expect(log.lines).toEqual([
      `info: Changed: alice ${ALICE} deleted at ${NOW.toISOString()} (verified).`
    ])
  })

  it('finds the key on a later page of the user’s keys', async () => {
    fake.pageSize = 1
    fake.addUser('alice', [
      { AccessKeyId: 'AKIASAMPLEALICE00002', Status: 'Active', CreateDate: CREATED },
      { AccessKeyId: ALICE, Status: 'Active', CreateDate: CREATED }
    ])

    expect(await applyOne(iam, change(), options())).toMatchObject({ result: 'applied' })
    expect(fake.key('alice', 'AKIASAMPLEALICE00002')?.Status).toBe('Active')
  })

  it('gives no undo command for a name that is not safe to paste into a shell', async () => {
    const name = 'alice; rm -rf ~'
    fake.addUser(name, [{ AccessKeyId: ALICE, Status: 'Active', CreateDate: CREATED }])

    const record = await applyOne(iam, change({ userName: name }), options())

    expect(record.result).toBe('applied')
    expect(record.undo).toBeUndefined()
    expect(log.lines).toEqual([
      `info: Changed: ${name} ${ALICE} deactivated at ${NOW.toISOString()} (verified).`
    ])
  })
})

describe('the re-read before the change', () => {
  const other = new Date('2026-02-02T00:00:00.000Z')
  it.each([
    {
      what: 'the key is gone (deactivate)',
      keys: [],
      planned: change(),
      result: 'already-done',
      detail:
        'Nothing written: at the re-read the key was already deleted (another run or a person changed it).',
      after: 'Deleted'
    },
    {
      what: 'the key is gone (delete)',
      keys: [],
      planned: change({ kind: 'delete', fromStatus: 'Inactive' }),
      result: 'already-done',
      detail:
        'Nothing written: at the re-read the key was already deleted (another run or a person changed it).',
      after: 'Deleted'
    },
    {
      what: 'the key is already inactive',
      keys: [{ AccessKeyId: ALICE, Status: 'Inactive' as const, CreateDate: CREATED }],
      planned: change(),
      result: 'already-done',
      detail:
        'Nothing written: at the re-read the key was already Inactive (another run or a person changed it).',
      after: 'Inactive'
    },
    {
      what: 'an inactive key to delete was reactivated',
      keys: [{ AccessKeyId: ALICE, Status: 'Active' as const, CreateDate: CREATED }],
      planned: change({ kind: 'delete', fromStatus: 'Inactive' }),
      result: 'skipped',
      detail: 'Not changed: its status changed since the plan (Inactive → Active).'
    },
    {
      what: 'an active key to delete was deactivated',
      keys: [{ AccessKeyId: ALICE, Status: 'Inactive' as const, CreateDate: CREATED }],
      planned: change({ kind: 'delete' }),
      result: 'skipped',
      detail: 'Not changed: its status changed since the plan (Active → Inactive).'
    },
    {
      what: 'the key has another creation date',
      keys: [{ AccessKeyId: ALICE, Status: 'Active' as const, CreateDate: other }],
      planned: change(),
      result: 'skipped',
      detail: 'Not changed: its creation date differs from the plan.'
    },
    {
      what: 'IAM lists the key without a creation date',
      keys: [{ AccessKeyId: ALICE, Status: 'Active' as const }],
      planned: change(),
      result: 'skipped',
      detail: 'Not changed: its creation date differs from the plan.'
    }
  ])('writes nothing when $what', async ({ keys, planned, result, detail, after }) => {
    fake.addUser('alice', keys)

    const record = await applyOne(iam, planned, options())

    expect(keyWrites()).toHaveLength(0)
    expect(iamMock.commandCalls(TagUserCommand)).toHaveLength(0)
    expect(iamMock.commandCalls(UntagUserCommand)).toHaveLength(0)
    expect(record).toMatchObject({ result, detail })
    expect(record.after?.status).toBe(after)
    expect(record.undo).toBeUndefined()
    expect(log.lines).toEqual([])
  })

  it('writes nothing when the user was renamed (IAM no longer knows the planned name)', async () => {
    fake.addUser('alice-renamed', [{ AccessKeyId: ALICE, Status: 'Active', CreateDate: CREATED }])

    const record = await applyOne(iam, change(), options())

    expect(keyWrites()).toHaveLength(0)
    expect(record.result).toBe('failed')
    expect(record.detail).toMatch(
      /^Could not re-read the key before the change: NoSuchEntity.*: The user with name alice cannot be found\.$/
    )
  })

  it('writes nothing when the re-read is throttled past the SDK’s retries', async () => {
    fake.addUser('alice', [{ AccessKeyId: ALICE, Status: 'Active', CreateDate: CREATED }])
    fake.fail('ListAccessKeys', throttled())

    const record = await applyOne(iam, change(), options())

    expect(keyWrites()).toHaveLength(0)
    expect(record).toMatchObject({
      result: 'failed',
      detail: 'Could not re-read the key before the change: Throttling: Rate exceeded'
    })
    expect(fake.key('alice', ALICE)?.Status).toBe('Active')
  })
})

describe('the write and its verification', () => {
  beforeEach(() => {
    fake.addUser('alice', [{ AccessKeyId: ALICE, Status: 'Active', CreateDate: CREATED }])
  })

  it('reports a write IAM refused, sent once and not repeated', async () => {
    fake.fail('UpdateAccessKey', throttled())

    const record = await applyOne(iam, change(), options())

    expect(iamMock.commandCalls(UpdateAccessKeyCommand)).toHaveLength(1)
    expect(record).toMatchObject({ result: 'failed', detail: 'Throttling: Rate exceeded' })
    expect(record.undo).toBeUndefined()
    expect(iamMock.commandCalls(TagUserCommand)).toHaveLength(0)
  })

  it('reads again until IAM shows the change, without writing again', async () => {
    fake.lag = 2

    const record = await applyOne(iam, change(), options())

    expect(fake.sent()).toEqual([
      'ListAccessKeys',
      'UpdateAccessKey',
      'ListAccessKeys',
      'ListAccessKeys',
      'ListAccessKeys',
      'TagUser'
    ])
    expect(record).toMatchObject({ result: 'applied', after: { status: 'Inactive' } })
  })

  it('fails when IAM never shows the change, and says the change was not repeated', async () => {
    fake.lag = 99

    const record = await applyOne(iam, change(), options())

    expect(iamMock.commandCalls(UpdateAccessKeyCommand)).toHaveLength(1)
    expect(record).toMatchObject({
      result: 'failed',
      after: { status: 'Active' },
      detail:
        'Verification failed: the key is still Active after 5 reads, expected Inactive. The change was sent once and not repeated; check the key.'
    })
    expect(record.undo).toBeUndefined()
    expect(iamMock.commandCalls(TagUserCommand)).toHaveLength(0)
    expect(log.lines).toEqual([])
  })

  it('fails when the verifying read itself fails', async () => {
    fake.beforeList = (_, call) => {
      if (call === 2) throw noSuchEntity()
    }

    const record = await applyOne(iam, change(), options())

    expect(iamMock.commandCalls(UpdateAccessKeyCommand)).toHaveLength(1)
    expect(record.result).toBe('failed')
    expect(record.detail).toMatch(/^The change was sent but could not be verified: NoSuchEntity/)
  })

  it('keeps a verified change applied when the lifecycle tag cannot be written, with a warning', async () => {
    fake.fail('TagUser', throttled())

    const record = await applyOne(iam, change(), options())

    const detail = 'Applied, but the lifecycle tag could not be written: Throttling: Rate exceeded'
    expect(record).toMatchObject({ result: 'applied', detail, after: { status: 'Inactive' } })
    expect(record.undo).toBeDefined()
    expect(log.lines[0]).toBe(`warning: alice ${ALICE}: ${detail}`)
    expect(log.lines[1]).toMatch(/^info: Changed: alice/)
  })
})

describe('the claim on the key', () => {
  const recent = new Date(NOW.getTime() - 60_000).toISOString()
  beforeEach(() => {
    fake.addUser('alice', [{ AccessKeyId: ALICE, Status: 'Active', CreateDate: CREATED }])
  })

  it('claims the key, changes it, then releases the claim', async () => {
    const record = await applyOne(iam, change(), options({ claimant: 'run-1.1.aa' }))

    expect(fake.sent()).toEqual([
      'ListUserTags',
      'TagUser',
      'ListUserTags',
      'ListAccessKeys',
      'UpdateAccessKey',
      'ListAccessKeys',
      'TagUser',
      'UntagUser'
    ])
    expect(iamMock.commandCalls(TagUserCommand)[0]?.args[0].input.Tags).toEqual([
      { Key: claimTagKey(ALICE, 'run-1.1.aa'), Value: NOW.toISOString() }
    ])
    expect(record.result).toBe('applied')
    expect(fake.tags('alice').has(claimTagKey(ALICE, 'run-1.1.aa'))).toBe(false)
  })

  it('leaves a key another run claimed: no write, and its claim stays', async () => {
    fake.tags('alice').set(claimTagKey(ALICE, 'run-2.1.bb'), recent)

    const record = await applyOne(iam, change(), options({ claimant: 'run-1.1.aa' }))

    expect(fake.sent()).toEqual(['ListUserTags'])
    expect(record).toMatchObject({
      result: 'claimed',
      detail: `Not changed: another run (run-2.1.bb) claimed this key at ${recent} and is changing it.`
    })
    expect(fake.tags('alice').get(claimTagKey(ALICE, 'run-2.1.bb'))).toBe(recent)
  })

  it('leaves a key whose earlier claim by another run showed only after ours was written', async () => {
    fake.afterTag = () => fake.tags('alice').set(claimTagKey(ALICE, 'run-2.1.bb'), recent)

    const record = await applyOne(iam, change(), options({ claimant: 'run-1.1.aa' }))

    expect(keyWrites()).toHaveLength(0)
    // Ours is taken away at once; theirs stays.
    expect(iamMock.commandCalls(UntagUserCommand)[0]?.args[0].input.TagKeys).toEqual([
      claimTagKey(ALICE, 'run-1.1.aa')
    ])
    expect([...fake.tags('alice').keys()]).toEqual([claimTagKey(ALICE, 'run-2.1.bb')])
    expect(record).toMatchObject({ result: 'claimed' })
  })

  it('writes nothing when another run finished first, and releases its own claim', async () => {
    fake.beforeList = () => {
      const key = fake.key('alice', ALICE)
      if (key) key.Status = 'Inactive'
    }

    const record = await applyOne(iam, change(), options({ claimant: 'run-1.1.aa' }))

    expect(keyWrites()).toHaveLength(0)
    expect(record.result).toBe('already-done')
    expect(fake.tags('alice').has(claimTagKey(ALICE, 'run-1.1.aa'))).toBe(false)
  })

  it('writes nothing when the claim cannot be taken', async () => {
    fake.fail('TagUser', throttled())

    const record = await applyOne(iam, change(), options({ claimant: 'run-1.1.aa' }))

    expect(keyWrites()).toHaveLength(0)
    expect(record).toMatchObject({
      result: 'failed',
      detail: 'Could not claim the key before the change: Throttling: Rate exceeded'
    })
  })

  it('warns when the claim cannot be released, and keeps the change applied', async () => {
    fake.fail('UntagUser', throttled())

    const record = await applyOne(iam, change(), options({ claimant: 'run-1.1.aa' }))

    expect(record.result).toBe('applied')
    expect(log.lines).toContain(
      `warning: alice ${ALICE}: the claim tag could not be removed (it expires by itself): Throttling: Rate exceeded`
    )
  })
})

describe('applying a plan', () => {
  beforeEach(() => {
    fake.addUser('alice', [{ AccessKeyId: ALICE, Status: 'Active', CreateDate: CREATED }])
    fake.addUser('bob', [{ AccessKeyId: BOB, Status: 'Active', CreateDate: CREATED }])
  })
  const two = () => [change(), change({ userName: 'bob', accessKeyId: BOB })]

  it('sends nothing at all in a dry run, and records every change as planned', async () => {
    const records = await collect(
      applyPlan(
        iam,
        plan(two(), { dryRun: true, graceStarts: [{ userName: 'bob', accessKeyId: BOB }] }),
        options()
      )
    )

    expect(iamMock.calls()).toHaveLength(0)
    expect(records.map((r) => [r.accessKeyId, r.result, r.detail])).toEqual([
      [ALICE, 'planned', 'Dry run: nothing was changed.'],
      [BOB, 'planned', 'Dry run: nothing was changed.']
    ])
    expect(records.every((r) => r.undo === undefined)).toBe(true)
  })

  it('sends nothing at all when the plan is over max-actions', async () => {
    const records = await collect(
      applyPlan(iam, plan(two(), { capExceeded: true, maxActions: 1 }), options())
    )

    expect(iamMock.calls()).toHaveLength(0)
    expect(records.map((r) => r.detail)).toEqual([
      'Not applied: the plan holds 2 changes, more than max-actions (1).',
      'Not applied: the plan holds 2 changes, more than max-actions (1).'
    ])
  })

  it('yields each record before the next change starts', async () => {
    const records = applyPlan(iam, plan(two()), options())

    const first = await records.next()
    expect(first.value).toMatchObject({ accessKeyId: ALICE, result: 'applied' })
    expect(iamMock.commandCalls(UpdateAccessKeyCommand)).toHaveLength(1)
    const second = await records.next()
    expect(second.value).toMatchObject({ accessKeyId: BOB, result: 'applied' })
    expect((await records.next()).done).toBe(true)
  })

  it('starts no change once the job is cancelled, and starts no grace period', async () => {
    let signal: string | undefined
    fake.beforeList = () => void (signal = 'SIGTERM')

    const records = await collect(
      applyPlan(
        iam,
        plan(two(), { graceStarts: [{ userName: 'bob', accessKeyId: BOB }] }),
        options({ cancelled: () => signal })
      )
    )

    expect(records.map((r) => [r.accessKeyId, r.result])).toEqual([
      [ALICE, 'applied'],
      [BOB, 'cancelled']
    ])
    expect(records[1]?.detail).toBe('Not started: the job was cancelled (SIGTERM).')
    expect(iamMock.commandCalls(UpdateAccessKeyCommand, { UserName: 'bob' })).toHaveLength(0)
    expect(fake.tags('bob').size).toBe(0)
  })

  it('claims every key of the plan before the first change, with one settle wait for all', async () => {
    const waits: number[] = []
    const records = await collect(
      applyPlan(
        iam,
        plan(two()),
        options({ claimant: 'run-1.1.aa', sleep: async (ms) => void waits.push(ms) })
      )
    )
    expect(records.map((r) => r.result)).toEqual(['applied', 'applied'])
    // Both claims are written before the first key is touched, and one wait serves both.
    const sent = fake.sent()
    expect(sent.slice(0, 5)).toEqual([
      'ListUserTags',
      'TagUser',
      'ListUserTags',
      'TagUser',
      'ListUserTags'
    ])
    expect(waits.reduce((a, b) => a + b, 0)).toBe(5000)
    expect(waits.length).toBeGreaterThan(1)
    expect([...fake.tags('alice').keys(), ...fake.tags('bob').keys()]).not.toContainEqual(
      expect.stringContaining('iam-key-sentinel:claim:')
    )
  })

  it('a cancelled run releases the claims of the changes it never started', async () => {
    let signal: string | undefined
    fake.beforeList = () => void (signal = 'SIGTERM')
    const records = await collect(
      applyPlan(iam, plan(two()), options({ claimant: 'run-1.1.aa', cancelled: () => signal }))
    )
    expect(records.map((r) => r.result)).toEqual(['applied', 'cancelled'])
    expect(fake.tags('bob').has(claimTagKey(BOB, 'run-1.1.aa'))).toBe(false)
    expect(iamMock.commandCalls(UntagUserCommand, { UserName: 'bob' })).toHaveLength(1)
  })

  it('records the start of each grace period, warning about one it cannot write', async () => {
    fake.addUser('carol', [])
    fake.fail('TagUser', throttled())
    const graceStarts = [
      { userName: 'carol', accessKeyId: 'AKIASAMPLECAROL00001' },
      { userName: 'bob', accessKeyId: BOB }
    ]

    const records = await collect(applyPlan(iam, plan([], { graceStarts }), options()))

    expect(records).toEqual([])
    expect(keyWrites()).toHaveLength(0)
    expect(fake.tags('bob').get(deactivatedTagKey(BOB))).toBe(NOW.toISOString())
    expect(log.lines).toEqual([
      'warning: carol AKIASAMPLECAROL00001: could not record the start of the grace period: Throttling: Rate exceeded'
    ])
  })

  it('goes on with the next change after one fails', async () => {
    fake.fail('UpdateAccessKey', throttled())

    const records = await collect(applyPlan(iam, plan(two()), options()))

    expect(records.map((r) => r.result)).toEqual(['failed', 'applied'])
    expect(fake.key('bob', BOB)?.Status).toBe('Inactive')
  })
})
