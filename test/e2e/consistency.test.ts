// IAM's eventual consistency: a verification read that still shows the old state right after a
// successful write is read again with backoff, never answered by writing again.
import { afterEach, describe, expect, it } from '@jest/globals'
import { keyStatus, readReport, startFakes, type Fakes } from '../support/harness.js'

let fakes: Fakes
afterEach(() => fakes.stop())

const ALICE = 'AKIASAMPLEALICE00001'
const readsOfAlice = (f: Fakes): number =>
  f.aws.calls.filter((c) => c.action === 'ListAccessKeys' && c.params.UserName === 'alice').length

describe('verification under eventual consistency', () => {
  it('remediation: a read lagging two reads behind is waited out, with exactly one write', async () => {
    fakes = await startFakes()
    fakes.aws.lagReadsAfter({
      action: 'UpdateAccessKey',
      reads: 2,
      match: (c) => c.params.AccessKeyId === ALICE
    })
    const result = await fakes.run({ action: 'deactivate' })

    expect(
      fakes.aws.callsTo('UpdateAccessKey').filter((c) => c.params.AccessKeyId === ALICE)
    ).toHaveLength(1)
    const alice = (await readReport(result)).remediation?.changes.find(
      (c) => c.accessKeyId === ALICE
    )
    expect(alice).toMatchObject({ result: 'applied', after: { status: 'Inactive' } })
    expect(alice?.undo).toContain('--status Active')
    // Scan, re-read, then three verification reads: two stale, the third settled.
    expect(readsOfAlice(fakes)).toBe(5)
    expect(keyStatus(fakes.aws.account(), ALICE)).toBe('Inactive')
    expect(result.code).toBe(0)
  })

  it('incident revoke: the same wait, the key reported revoked after one write', async () => {
    fakes = await startFakes()
    fakes.aws.lagReadsAfter({ action: 'UpdateAccessKey', reads: 2 })
    const result = await fakes.run(
      { 'revoke-access-key-ids': ALICE, 'revoke-sessions': 'false' },
      { eventName: 'workflow_dispatch' }
    )
    expect(fakes.aws.callsTo('UpdateAccessKey')).toHaveLength(1)
    const incident = JSON.parse(result.outputs.incident ?? '[]') as {
      outcome: string
      change?: { result: string }
    }[]
    expect(incident.map((k) => [k.outcome, k.change?.result])).toEqual([['revoked', 'applied']])
    expect(result.code).toBe(0)
  })

  it('a read that never settles fails the change after a bounded number of reads, without a second write', async () => {
    fakes = await startFakes()
    fakes.aws.lagReadsAfter({
      action: 'UpdateAccessKey',
      reads: 1000,
      match: (c) => c.params.AccessKeyId === ALICE
    })
    const result = await fakes.run({ action: 'deactivate', 'fail-on': 'never' })
    expect(
      fakes.aws.callsTo('UpdateAccessKey').filter((c) => c.params.AccessKeyId === ALICE)
    ).toHaveLength(1)
    const alice = (await readReport(result)).remediation?.changes.find(
      (c) => c.accessKeyId === ALICE
    )
    expect(alice?.result).toBe('failed')
    expect(alice?.detail).toContain('still Active after 5 reads')
    expect(alice?.undo).toBeUndefined()
    // Scan, re-read, five verification reads.
    expect(readsOfAlice(fakes)).toBe(7)
    expect(result.code).toBe(1)
  })
})
