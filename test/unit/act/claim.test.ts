// The claim on a key: whose it is, when it has expired, and what a tag written by another run
// between our write and our read back means.
import { describe, expect, it } from '@jest/globals'
import { IAMClient } from '@aws-sdk/client-iam'
import {
  CLAIM_TTL_MS,
  claimantId,
  claimTagKey,
  parseClaim,
  takeClaim
} from '../../../src/act/claim.js'

const KEY = { userName: 'alice', accessKeyId: 'AKIASAMPLEALICE00001' }
const NOW = new Date('2026-12-01T12:00:00.000Z')
// IAM tag values allow letters, digits, spaces and _.:/=+-@ only.
const TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{0,256}$/u

/** Just enough of IAM's tags for the claim; `afterTag` lets "another run" write in between. */
function tagsIam(tags: Map<string, string>, afterTag?: () => void): IAMClient {
  const send = async (command: {
    constructor: { name: string }
    input: Record<string, unknown>
  }) => {
    if (command.constructor.name === 'ListUserTagsCommand')
      return { Tags: [...tags].map(([Key, Value]) => ({ Key, Value })), IsTruncated: false }
    if (command.constructor.name === 'TagUserCommand') {
      for (const t of command.input.Tags as { Key: string; Value: string }[])
        tags.set(t.Key, t.Value)
      afterTag?.()
      return {}
    }
    throw new Error(`unexpected ${command.constructor.name}`)
  }
  // A real client (the paginator checks), answering locally.
  const iam = new IAMClient({ region: 'us-east-1' })
  iam.send = send as unknown as IAMClient['send']
  return iam
}

const settle = { attempts: 2, baseDelayMs: 1, sleep: async () => undefined }

describe('claims', () => {
  it('names the run in a value IAM accepts, unique per job', () => {
    const id = claimantId({ runId: '1001', runAttempt: '2' })
    expect(id).toMatch(/^run-1001\.2\.[0-9a-f]{8}$/)
    expect(claimantId({ runId: '1001', runAttempt: '2' })).not.toBe(id)
    expect(`${id} ${NOW.toISOString()}`).toMatch(TAG_VALUE)
    expect(parseClaim(`${id} ${NOW.toISOString()}`)).toEqual({ claimant: id, at: NOW })
    expect(parseClaim('hand-edited')).toBeUndefined()
  })

  it('takes a free key and writes the claim with the time', async () => {
    const tags = new Map<string, string>()
    expect(await takeClaim(tagsIam(tags), KEY, 'run-1.1.aa', () => NOW, settle)).toEqual({
      ok: true
    })
    expect(tags.get(claimTagKey(KEY.accessKeyId))).toBe(`run-1.1.aa ${NOW.toISOString()}`)
  })

  it('leaves a key another run claimed recently, without writing', async () => {
    const recent = new Date(NOW.getTime() - 60_000).toISOString()
    const tags = new Map([[claimTagKey(KEY.accessKeyId), `run-2.1.bb ${recent}`]])
    const result = await takeClaim(tagsIam(tags), KEY, 'run-1.1.aa', () => NOW, settle)
    expect(result).toEqual({ ok: false, holder: { claimant: 'run-2.1.bb', at: new Date(recent) } })
    expect(tags.get(claimTagKey(KEY.accessKeyId))).toBe(`run-2.1.bb ${recent}`)
  })

  it('ignores an expired claim (a killed run) and takes the key', async () => {
    const old = new Date(NOW.getTime() - CLAIM_TTL_MS - 1).toISOString()
    const tags = new Map([[claimTagKey(KEY.accessKeyId), `run-2.1.bb ${old}`]])
    expect(await takeClaim(tagsIam(tags), KEY, 'run-1.1.aa', () => NOW, settle)).toEqual({
      ok: true
    })
  })

  it('loses to a run whose claim landed after ours (the read back shows theirs)', async () => {
    const tags = new Map<string, string>()
    const other = () => tags.set(claimTagKey(KEY.accessKeyId), `run-2.1.bb ${NOW.toISOString()}`)
    const result = await takeClaim(tagsIam(tags, other), KEY, 'run-1.1.aa', () => NOW, settle)
    expect(result).toMatchObject({ ok: false, holder: { claimant: 'run-2.1.bb' } })
  })
})
