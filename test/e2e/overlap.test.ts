// Two runs at once on one account (a re-run, a second workflow, a matrix overlap): each key is
// written once, by one run; the other records what it found, without an undo and without failing.
// Each run claims a key with a tag of its own (src/act/claim.ts): the earliest claim wins, even
// when IAM shows the other run's claim late (the fake's TagLag) and both read the key free.
import { afterEach, describe, expect, it } from '@jest/globals'
import type { RecordedCall } from '../support/fake-aws/index.js'
import { keyStatus, readReport, startFakes, type Fakes } from '../support/harness.js'
import { SAMPLE_OFFENDERS, sampleAccount } from '../support/sample-account.js'

const OFFENDERS = SAMPLE_OFFENDERS
const ALICE = 'AKIASAMPLEALICE00001'

let fakes: Fakes
afterEach(() => fakes.stop())

const updatesOf = (f: Fakes, id: string) =>
  f.aws.callsTo('UpdateAccessKey').filter((c) => c.params.AccessKeyId === id)

/** A TagUser that writes a claim of the run with this ID. */
const claimBy =
  (runId: string) =>
  (c: RecordedCall): boolean => {
    const text = JSON.stringify(c.params)
    return text.includes('iam-key-sentinel:claim:') && text.includes(`run-${runId}.`)
  }

const claimTags = (f: Fakes): string[] =>
  f.aws
    .account()
    .users.flatMap((u) => Object.keys(u.tags ?? {}))
    .filter((t) => t.startsWith('iam-key-sentinel:claim:'))

describe('two runs at once', () => {
  it('both read the key free, both claim it, IAM shows each the other late: the earlier claim acts, the other says who', async () => {
    const account = sampleAccount()
    account.users = account.users.filter((u) => u.userName === 'alice')
    fakes = await startFakes(account)
    // Another session's tag write shows 2 s late (a run sees its own at once): the lag under
    // which a claim tag that each run overwrites let both runs act.
    fakes.aws.lagTagReads({ ms: 2000 })
    const claimA = fakes.aws.hold({ action: 'TagUser', match: claimBy('2001') })
    const claimB = fakes.aws.hold({ action: 'TagUser', match: claimBy('2002') })
    // The key write, held until both runs reach it or one run is over.
    const keyWrite = fakes.aws.hold({ action: 'UpdateAccessKey', times: 2 })
    let reachedWrite = 0
    let bothAtWrite = (): void => undefined
    const both = new Promise<void>((resolve) => (bothAtWrite = resolve))
    fakes.aws.setOnCall((c) => {
      if (c.action === 'UpdateAccessKey' && ++reachedWrite === 2) bothAtWrite()
    })

    const runA = fakes.run({ action: 'deactivate' }, { env: { GITHUB_RUN_ID: '2001' } })
    // A read the key free; its claim is on its way (held), so A's claim is the earlier one.
    await claimA.reached
    const runB = fakes.run({ action: 'deactivate' }, { env: { GITHUB_RUN_ID: '2002' } })
    // B read it free too: A's claim is not written yet. Both claims land now.
    await claimB.reached
    claimA.release()
    claimB.release()
    await Promise.race([runA, runB, both])
    keyWrite.release()
    const [a, b] = await Promise.all([runA, runB])
    fakes.aws.setOnCall(undefined)

    // One write, by the run that claimed first.
    expect(updatesOf(fakes, ALICE)).toHaveLength(1)
    expect(keyStatus(fakes.aws.account(), ALICE)).toBe('Inactive')
    const changeOf = async (r: typeof a) =>
      ((await readReport(r)).remediation?.changes ?? []).find((c) => c.accessKeyId === ALICE)
    const changeA = await changeOf(a)
    const changeB = await changeOf(b)
    expect(changeA).toMatchObject({ result: 'applied' })
    expect(changeA?.undo).toContain(ALICE)
    expect(changeB).toMatchObject({ result: 'claimed' })
    expect(changeB?.undo).toBeUndefined()
    expect(changeB?.detail).toMatch(/another run \(run-2001\.1\.[0-9a-f]{8}\) claimed this key/)
    expect(a.code).toBe(0)
    expect(b.code).toBe(0)
    expect(b.summary).toContain('🔒 left to another run')
    // Both claims were written, each under its own tag, and both are gone.
    expect(fakes.aws.callsTo('TagUser').filter(claimBy('2001'))).toHaveLength(1)
    expect(fakes.aws.callsTo('TagUser').filter(claimBy('2002'))).toHaveLength(1)
    expect(claimTags(fakes)).toEqual([])
  }, 90_000)

  it('a run held mid-write and a second run: the second leaves every key the first claimed', async () => {
    fakes = await startFakes()
    // Run A's first deactivation is held in the fake after it claimed every key of its plan...
    const gate = fakes.aws.hold({ action: 'UpdateAccessKey' })
    const runA = fakes.run({ action: 'deactivate' }, { env: { GITHUB_RUN_ID: '2001' } })
    await gate.reached
    // ...while run B scans, finds A's claims, and leaves them all.
    const b = await fakes.run({ action: 'deactivate' }, { env: { GITHUB_RUN_ID: '2002' } })
    gate.release()
    const a = await runA

    // Every offender was written exactly once, by A, and is Inactive.
    for (const id of OFFENDERS) {
      expect(updatesOf(fakes, id)).toHaveLength(1)
      expect(keyStatus(fakes.aws.account(), id)).toBe('Inactive')
    }
    expect(fakes.aws.callsTo('UpdateAccessKey')).toHaveLength(OFFENDERS.length)
    const changesOf = async (r: typeof a) =>
      new Map(((await readReport(r)).remediation?.changes ?? []).map((c) => [c.accessKeyId, c]))
    const changesA = await changesOf(a)
    const changesB = await changesOf(b)
    for (const id of OFFENDERS) {
      expect(changesA.get(id)).toMatchObject({ result: 'applied' })
      expect(changesB.get(id)).toMatchObject({ result: 'claimed' })
      expect(changesB.get(id)?.detail).toMatch(/another run \(run-2001\.1\.[0-9a-f]{8}\) claimed/)
    }
    // One undo command per key, in the run that made the change; B wrote no claim of its own.
    expect([...changesA.values()].filter((c) => c.undo)).toHaveLength(OFFENDERS.length)
    expect([...changesB.values()].filter((c) => c.undo)).toEqual([])
    expect(fakes.aws.callsTo('TagUser').filter(claimBy('2002'))).toEqual([])
    // Neither run fails for keys the other dealt with.
    expect(a.code).toBe(0)
    expect(b.code).toBe(0)
    expect(a.outputs['deactivated-count']).toBe(String(OFFENDERS.length))
    expect(b.outputs['deactivated-count']).toBe('0')
    expect(b.summary).toContain('🔒 left to another run')
    expect(claimTags(fakes)).toEqual([])
  }, 60_000)

  it('an expired claim (a killed run) is ignored, and removed by the run that acts', async () => {
    const account = sampleAccount()
    const alice = account.users.find((u) => u.userName === 'alice')
    const hourAgo = new Date(Date.now() - 3_600_000).toISOString()
    if (alice)
      alice.tags = {
        ...alice.tags,
        [`iam-key-sentinel:claim:${ALICE}:run-1.1.deadbeef`]: hourAgo,
        // The single tag of earlier versions, left by one of their killed runs.
        [`iam-key-sentinel:claim:${ALICE}`]: `run-0.1.cafebabe ${hourAgo}`
      }
    fakes = await startFakes(account)
    const result = await fakes.run({ action: 'deactivate' })
    expect(updatesOf(fakes, ALICE)).toHaveLength(1)
    expect(result.code).toBe(0)
    expect(claimTags(fakes)).toEqual([])
  })
})
