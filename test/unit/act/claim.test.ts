// The claim on a key: whose it is, when it has expired, and what a tag written by another run
// between our write and our read back means.
import { beforeEach, describe, expect, it } from '@jest/globals'
import {
  IAMClient,
  ListUserTagsCommand,
  TagUserCommand,
  UntagUserCommand
} from '@aws-sdk/client-iam'
import { mockClient } from 'aws-sdk-client-mock'
import {
  CLAIM_TTL_MS,
  claimantId,
  claimTagKey,
  parseClaim,
  releaseClaim,
  takeClaim
} from '../../../src/act/claim.js'
import { FakeIam, iamClient, NOW } from './fake-iam.js'

const iamMock = mockClient(IAMClient)
const iam = iamClient()
const KEY = { userName: 'alice', accessKeyId: 'AKIASAMPLEALICE00001' }
// IAM tag values allow letters, digits, spaces and _.:/=+-@ only.
const TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{0,256}$/u
const settle = { attempts: 2, baseDelayMs: 1, sleep: async () => undefined }

let fake: FakeIam
let tags: Map<string, string>
beforeEach(() => {
  fake = new FakeIam(iamMock).addUser('alice')
  tags = fake.tags('alice')
})

describe('claims', () => {
  it('names the run in a value IAM accepts, unique per job', () => {
    const id = claimantId({ runId: '1001', runAttempt: '2' })
    expect(id).toMatch(/^run-1001\.2\.[0-9a-f]{8}$/)
    expect(claimantId({ runId: '1001', runAttempt: '2' })).not.toBe(id)
    expect(`${id} ${NOW.toISOString()}`).toMatch(TAG_VALUE)
    expect(parseClaim(`${id} ${NOW.toISOString()}`)).toEqual({ claimant: id, at: NOW })
    expect(parseClaim('hand-edited')).toBeUndefined()
    expect(parseClaim('run-1.1.aa not-a-date')).toBeUndefined()
    expect(parseClaim(undefined)).toBeUndefined()
  })

  it('takes a free key and writes the claim with the time', async () => {
    expect(await takeClaim(iam, KEY, 'run-1.1.aa', () => NOW, settle)).toEqual({ ok: true })
    expect(tags.get(claimTagKey(KEY.accessKeyId))).toBe(`run-1.1.aa ${NOW.toISOString()}`)
    expect(fake.sent()).toEqual(['ListUserTags', 'TagUser', 'ListUserTags'])
  })

  it('leaves a key another run claimed recently, without writing', async () => {
    const recent = new Date(NOW.getTime() - 60_000).toISOString()
    tags.set(claimTagKey(KEY.accessKeyId), `run-2.1.bb ${recent}`)
    const result = await takeClaim(iam, KEY, 'run-1.1.aa', () => NOW, settle)
    expect(result).toEqual({ ok: false, holder: { claimant: 'run-2.1.bb', at: new Date(recent) } })
    expect(tags.get(claimTagKey(KEY.accessKeyId))).toBe(`run-2.1.bb ${recent}`)
    expect(iamMock.commandCalls(TagUserCommand)).toHaveLength(0)
  })

  it('ignores an expired claim (a killed run) and takes the key', async () => {
    const old = new Date(NOW.getTime() - CLAIM_TTL_MS - 1).toISOString()
    tags.set(claimTagKey(KEY.accessKeyId), `run-2.1.bb ${old}`)
    expect(await takeClaim(iam, KEY, 'run-1.1.aa', () => NOW, settle)).toEqual({ ok: true })
  })

  it('takes again a key it claimed itself (a retried change)', async () => {
    tags.set(claimTagKey(KEY.accessKeyId), `run-1.1.aa ${NOW.toISOString()}`)
    expect(await takeClaim(iam, KEY, 'run-1.1.aa', () => NOW, settle)).toEqual({ ok: true })
  })

  it('loses to a run whose claim landed after ours (the read back shows theirs)', async () => {
    fake.afterTag = () => tags.set(claimTagKey(KEY.accessKeyId), `run-2.1.bb ${NOW.toISOString()}`)
    const result = await takeClaim(iam, KEY, 'run-1.1.aa', () => NOW, settle)
    expect(result).toMatchObject({ ok: false, holder: { claimant: 'run-2.1.bb' } })
  })

  it('reads back until its own tag shows, as IAM settles', async () => {
    // The first read back still shows no claim at all.
    let reads = 0
    iamMock.on(ListUserTagsCommand).callsFake(async () => {
      reads++
      const shown = reads >= 3 ? [...tags].map(([Key, Value]) => ({ Key, Value })) : []
      return { Tags: shown, IsTruncated: false }
    })
    expect(await takeClaim(iam, KEY, 'run-1.1.aa', () => NOW, settle)).toEqual({ ok: true })
    expect(reads).toBe(3)
  })

  it('releases the claim by removing its tag', async () => {
    tags.set(claimTagKey(KEY.accessKeyId), `run-1.1.aa ${NOW.toISOString()}`)
    tags.set('team', 'payments')
    await releaseClaim(iam, KEY)
    expect(iamMock.commandCalls(UntagUserCommand)[0]?.args[0].input).toEqual({
      UserName: 'alice',
      TagKeys: [claimTagKey(KEY.accessKeyId)]
    })
    expect([...tags.keys()]).toEqual(['team'])
  })
})
