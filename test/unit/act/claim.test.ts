// The claim on a key: each run's own tag, the earliest claim wins whatever order IAM shows them
// in, a run that loses takes its claim away, and a killed run's leftover is ignored and cleaned.
import { beforeEach, describe, expect, it } from '@jest/globals'
import { IAMClient, TagUserCommand, UntagUserCommand } from '@aws-sdk/client-iam'
import { mockClient } from 'aws-sdk-client-mock'
import {
  CLAIM_SETTLE_MS,
  CLAIM_TTL_MS,
  claimantId,
  claimsOn,
  claimTagKey,
  compareClaims,
  judgeClaims,
  releaseClaim,
  takeClaim,
  takeClaims,
  type Claim
} from '../../../src/act/claim.js'
import { FakeIam, iamClient, NOW } from './fake-iam.js'

const iamMock = mockClient(IAMClient)
const iam = iamClient()
const KEY = { userName: 'alice', accessKeyId: 'AKIASAMPLEALICE00001' }
// IAM tag keys and values allow letters, digits, spaces and _.:/=+-@ only; keys up to 128.
const TAG_KEY = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u
const TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{0,256}$/u
const sum = (ns: number[]): number => ns.reduce((a, b) => a + b, 0)
const ago = (ms: number): Date => new Date(NOW.getTime() - ms)
const claim = (claimant: string, at: Date): Claim => ({
  claimant,
  at,
  tagKey: claimTagKey(KEY.accessKeyId, claimant)
})

let fake: FakeIam
let tags: Map<string, string>
let waits: number[]
const options = () => ({
  now: () => NOW,
  sleep: async (ms: number) => {
    waits.push(ms)
  }
})
beforeEach(() => {
  fake = new FakeIam(iamMock).addUser('alice')
  tags = fake.tags('alice')
  waits = []
})

describe('claim ordering (pure)', () => {
  it('the earliest claim wins, whatever order the tags come in', () => {
    const early = claim('run-9.1.aa', ago(2000))
    const late = claim('run-1.1.bb', ago(1000))
    expect(judgeClaims([late, early], NOW).holder).toBe(early)
    expect(judgeClaims([early, late], NOW).holder).toBe(early)
  })

  it('a tie goes to the lower run ID (as a number), then the attempt, then the text', () => {
    const at = ago(1000)
    expect(
      [claim('run-10.1.aa', at), claim('run-9.1.zz', at)].sort(compareClaims)[0]?.claimant
    ).toBe('run-9.1.zz')
    expect(
      [claim('run-9.2.aa', at), claim('run-9.1.zz', at)].sort(compareClaims)[0]?.claimant
    ).toBe('run-9.1.zz')
    expect(
      [claim('run-9.1.bb', at), claim('run-9.1.aa', at)].sort(compareClaims)[0]?.claimant
    ).toBe('run-9.1.aa')
  })

  it('a claim older than the TTL is stale: ignored, and listed for cleaning', () => {
    const stale = claim('run-1.1.aa', ago(CLAIM_TTL_MS))
    const live = claim('run-2.1.bb', ago(CLAIM_TTL_MS - 1))
    expect(judgeClaims([stale, live], NOW)).toEqual({ holder: live, stale: [stale] })
    expect(judgeClaims([stale], NOW)).toEqual({ stale: [stale] })
  })

  it('reads every claim on the key from the tags, the single tag of earlier versions too', () => {
    const found = claimsOn(
      new Map([
        [claimTagKey(KEY.accessKeyId, 'run-1.1.aa'), NOW.toISOString()],
        [claimTagKey('AKIAOTHERKEY00000001', 'run-1.1.aa'), NOW.toISOString()],
        [claimTagKey(KEY.accessKeyId, 'run-2.1.bb'), 'not a date'],
        [`iam-key-sentinel:claim:${KEY.accessKeyId}`, `run-3.1.cc ${NOW.toISOString()}`],
        ['team', 'payments']
      ]),
      KEY.accessKeyId
    )
    expect(found.map((c) => [c.claimant, c.at.toISOString()])).toEqual([
      ['run-1.1.aa', NOW.toISOString()],
      ['run-3.1.cc', NOW.toISOString()]
    ])
  })

  it('names the run in a tag IAM accepts, unique per job', () => {
    const id = claimantId({ runId: '12345678901', runAttempt: '2' })
    expect(id).toMatch(/^run-12345678901\.2\.[0-9a-f]{8}$/)
    expect(claimantId({ runId: '12345678901', runAttempt: '2' })).not.toBe(id)
    expect(claimTagKey(KEY.accessKeyId, id)).toMatch(TAG_KEY)
    expect(NOW.toISOString()).toMatch(TAG_VALUE)
  })
})

describe('takeClaims', () => {
  it('writes its own tag, waits for IAM to settle, reads again and holds a free key', async () => {
    const result = await takeClaim(iam, KEY, 'run-1.1.aa', options())
    expect(result).toEqual({
      ok: true,
      tagKey: claimTagKey(KEY.accessKeyId, 'run-1.1.aa'),
      stale: []
    })
    expect(tags.get(claimTagKey(KEY.accessKeyId, 'run-1.1.aa'))).toBe(NOW.toISOString())
    expect(fake.sent()).toEqual(['ListUserTags', 'TagUser', 'ListUserTags'])
    expect(sum(waits)).toBe(CLAIM_SETTLE_MS)
  })

  it('leaves a key another run claimed recently, without writing or waiting', async () => {
    tags.set(claimTagKey(KEY.accessKeyId, 'run-2.1.bb'), ago(60_000).toISOString())
    const result = await takeClaim(iam, KEY, 'run-1.1.aa', options())
    expect(result).toMatchObject({ ok: false, holder: { claimant: 'run-2.1.bb' } })
    expect(iamMock.commandCalls(TagUserCommand)).toHaveLength(0)
    expect(waits).toEqual([])
  })

  it('an earlier claim that shows only after ours was written wins: ours is taken away', async () => {
    // Both runs read "free"; theirs, written a moment before ours, shows by the re-read.
    fake.afterTag = () =>
      tags.set(claimTagKey(KEY.accessKeyId, 'run-2.1.bb'), ago(100).toISOString())
    const result = await takeClaim(iam, KEY, 'run-1.1.aa', options())
    expect(result).toMatchObject({ ok: false, holder: { claimant: 'run-2.1.bb' } })
    expect(iamMock.commandCalls(UntagUserCommand)[0]?.args[0].input.TagKeys).toEqual([
      claimTagKey(KEY.accessKeyId, 'run-1.1.aa')
    ])
    expect([...tags.keys()]).toEqual([claimTagKey(KEY.accessKeyId, 'run-2.1.bb')])
  })

  it('a later claim that shows by the re-read loses to ours: no overwrite can undo that', async () => {
    fake.afterTag = () => tags.set(claimTagKey(KEY.accessKeyId, 'run-2.1.bb'), NOW.toISOString())
    // Theirs carries our time too: the tie goes to the lower run ID, ours.
    expect(await takeClaim(iam, KEY, 'run-1.1.aa', options())).toMatchObject({ ok: true })
  })

  it('ours need not show yet: only the other runs’ claims are read back', async () => {
    iamMock.on(UntagUserCommand).resolves({})
    const { ListUserTagsCommand } = await import('@aws-sdk/client-iam')
    iamMock.on(ListUserTagsCommand).resolves({ Tags: [], IsTruncated: false })
    expect(await takeClaim(iam, KEY, 'run-1.1.aa', options())).toMatchObject({ ok: true })
  })

  it('ignores an expired claim (a killed run), takes the key, and cleans it on release', async () => {
    const old = claimTagKey(KEY.accessKeyId, 'run-2.1.bb')
    tags.set(old, ago(CLAIM_TTL_MS + 1).toISOString())
    tags.set(
      `iam-key-sentinel:claim:${KEY.accessKeyId}`,
      `run-0.1.cc ${ago(CLAIM_TTL_MS).toISOString()}`
    )
    tags.set('team', 'payments')
    const result = await takeClaim(iam, KEY, 'run-1.1.aa', options())
    expect(result).toMatchObject({ ok: true })
    if (!result.ok) throw new Error('expected the claim')
    await releaseClaim(iam, KEY, result)
    expect([...tags.keys()]).toEqual(['team'])
  })

  it('a cancel during the wait ends it and removes the claims, so that none blocks other runs', async () => {
    let signal: string | undefined
    const cancelling = {
      ...options(),
      cancelled: () => signal,
      sleep: async (ms: number) => {
        waits.push(ms)
        if (sum(waits) >= 1000) signal = 'SIGTERM'
      }
    }
    const result = await takeClaim(iam, KEY, 'run-1.1.aa', cancelling)
    expect(result).toEqual({ ok: false, error: 'Not claimed: the job was cancelled (SIGTERM).' })
    expect(sum(waits)).toBe(1000)
    expect([...tags.keys()]).toEqual([])
    expect(fake.sent()).toEqual(['ListUserTags', 'TagUser', 'UntagUser'])
  })

  it('claims several keys with one wait, and says which could not be written', async () => {
    fake.addUser('bob')
    const bob = { userName: 'bob', accessKeyId: 'AKIASAMPLEBOBOLD0001' }
    const carol = { userName: 'carol', accessKeyId: 'AKIASAMPLECAROL00001' }
    const results = await takeClaims(iam, [KEY, bob, carol], 'run-1.1.aa', options())
    expect(results.get(KEY.accessKeyId)).toMatchObject({ ok: true })
    expect(results.get(bob.accessKeyId)).toMatchObject({ ok: true })
    // carol does not exist in the fake: her tags cannot be read.
    expect(results.get(carol.accessKeyId)).toMatchObject({
      ok: false,
      error: expect.stringContaining('Could not claim the key before the change: ')
    })
    expect(sum(waits)).toBe(CLAIM_SETTLE_MS)
  })
})
