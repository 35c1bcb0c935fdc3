// Two runs at once on one account (a re-run, a second workflow, a matrix overlap): each key is
// written once, by one run; the other records what it found, without an undo and without failing.
import { afterEach, describe, expect, it } from '@jest/globals'
import { keyStatus, readReport, startFakes, type Fakes } from '../support/harness.js'
import { SAMPLE_OFFENDERS } from '../support/sample-account.js'

const OFFENDERS = SAMPLE_OFFENDERS

let fakes: Fakes
afterEach(() => fakes.stop())

const updatesOf = (f: Fakes, id: string) =>
  f.aws.callsTo('UpdateAccessKey').filter((c) => c.params.AccessKeyId === id)

describe('two runs at once', () => {
  it('a run held mid-write and a second run: one write per key, both runs pass, one undo each', async () => {
    fakes = await startFakes()
    // Run A's first deactivation is held in the fake after its claim and re-read...
    const gate = fakes.aws.hold({ action: 'UpdateAccessKey' })
    const runA = fakes.run({ action: 'deactivate' }, { env: { GITHUB_RUN_ID: '2001' } })
    const held = await gate.reached
    const contested = held.params.AccessKeyId as string
    // ...while run B scans, re-reads every key (the held one still Active) and acts.
    const b = await fakes.run({ action: 'deactivate' }, { env: { GITHUB_RUN_ID: '2002' } })
    gate.release()
    const a = await runA

    // Every offender was written exactly once and is Inactive.
    for (const id of OFFENDERS) {
      expect(updatesOf(fakes, id)).toHaveLength(1)
      expect(keyStatus(fakes.aws.account(), id)).toBe('Inactive')
    }
    expect(fakes.aws.callsTo('UpdateAccessKey')).toHaveLength(OFFENDERS.length)

    const changesOf = async (r: typeof a) =>
      new Map(((await readReport(r)).remediation?.changes ?? []).map((c) => [c.accessKeyId, c]))
    const changesA = await changesOf(a)
    const changesB = await changesOf(b)
    // B found A's claim on the contested key and left it; A found the others already done.
    expect(changesB.get(contested)).toMatchObject({ result: 'claimed' })
    expect(changesB.get(contested)?.detail).toMatch(
      /another run \(run-2001\.1\.[0-9a-f]{8}\) claimed/
    )
    expect(changesA.get(contested)).toMatchObject({ result: 'applied' })
    for (const id of OFFENDERS.filter((k) => k !== contested)) {
      expect(changesB.get(id)).toMatchObject({ result: 'applied' })
      expect(changesA.get(id)).toMatchObject({ result: 'already-done' })
      expect(changesA.get(id)?.detail).toContain('already Inactive')
    }
    // One undo command per key, in the run that made the change.
    const undos = [...changesA.values(), ...changesB.values()].filter((c) => c.undo)
    expect(undos.map((c) => c.accessKeyId).sort()).toEqual([...OFFENDERS].sort())
    expect([...changesA.values()].filter((c) => c.undo).map((c) => c.accessKeyId)).toEqual([
      contested
    ])
    // Neither run fails for keys the other dealt with.
    expect(a.code).toBe(0)
    expect(b.code).toBe(0)
    expect(a.outputs['deactivated-count']).toBe('1')
    expect(b.outputs['deactivated-count']).toBe(String(OFFENDERS.length - 1))
    expect(a.summary).toContain('☑️ already done')
    expect(b.summary).toContain('🔒 left to another run')
    // No claim is left behind.
    const tags = fakes.aws.account().users.flatMap((u) => Object.keys(u.tags ?? {}))
    expect(tags.filter((t) => t.startsWith('iam-key-sentinel:claim:'))).toEqual([])
  }, 60_000)

  it('an expired claim (a killed run) is ignored and replaced', async () => {
    const account = (await import('../support/sample-account.js')).sampleAccount()
    const alice = account.users.find((u) => u.userName === 'alice')
    if (alice)
      alice.tags = {
        ...alice.tags,
        'iam-key-sentinel:claim:AKIASAMPLEALICE00001': `run-1.1.deadbeef ${new Date(Date.now() - 3_600_000).toISOString()}`
      }
    fakes = await startFakes(account)
    const result = await fakes.run({ action: 'deactivate' })
    expect(updatesOf(fakes, 'AKIASAMPLEALICE00001')).toHaveLength(1)
    expect(result.code).toBe(0)
    expect(alice?.tags?.['iam-key-sentinel:claim:AKIASAMPLEALICE00001']).toBeUndefined()
  })
})
