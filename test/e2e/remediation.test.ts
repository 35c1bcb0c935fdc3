// Remediation end to end: dist/index.js against the fake AWS, checking what IAM saw.
import { afterEach, describe, expect, it } from '@jest/globals'
import { FakeAccount } from '../support/fake-aws/index.js'
import {
  advanceClock,
  keyStatus,
  readReport,
  startFakes,
  type ChangeRecordJson,
  type Fakes
} from '../support/harness.js'
import { sampleAccount, SAMPLE_OFFENDERS } from '../support/sample-account.js'

/** The summary with its IAM console links reduced to their text (unit tests check the links). */
const plain = (md: string): string => md.replace(/\[([^\]]*)\]\(https:\/\/console\.[^)]*\)/g, '$1')

const OFFENDERS = SAMPLE_OFFENDERS
const WRITE_ACTIONS = ['UpdateAccessKey', 'DeleteAccessKey']

let fakes: Fakes
afterEach(() => fakes.stop())

function changedKeys(f: Fakes, action: string): string[] {
  return f.aws.callsTo(action).map((c) => c.params.AccessKeyId as string)
}

function changesOutput(outputs: Record<string, string>): ChangeRecordJson[] {
  return JSON.parse(outputs.changes ?? '[]') as ChangeRecordJson[]
}

function statusesOf(account: FakeAccount): Record<string, string> {
  return Object.fromEntries(
    account.users.flatMap((u) => u.keys.map((k) => [k.accessKeyId, k.status]))
  )
}

describe('dry run', () => {
  it('shows the full plan and writes nothing', async () => {
    fakes = await startFakes()
    const before = statusesOf(fakes.aws.account())
    const result = await fakes.run({ action: 'delete', 'dry-run': 'true', 'fail-on': 'never' })

    expect(result.code).toBe(0)
    expect(fakes.aws.mutatingCalls()).toEqual([])
    expect(statusesOf(fakes.aws.account())).toEqual(before)
    const changes = changesOutput(result.outputs)
    expect(changes.map((c) => [c.kind, c.accessKeyId, c.result])).toEqual(
      OFFENDERS.map((id) => ['deactivate', id, 'planned'])
    )
    expect(plain(result.summary)).toContain(
      '### Changes this run would make (dry run: nothing was changed)'
    )
    expect(plain(result.summary)).toMatch(
      /\| alice \| AKIASAMPLEALICE00001 \| Active → Inactive \| overdue: 120 days old .* \| 📝 would be done \|/
    )
    // Said once in the heading, not again in every row.
    expect(plain(result.summary)).not.toContain('Dry run: nothing was changed')
    expect(plain(result.summary)).toContain('| Active: would be deactivated (dry run) |')
    expect(result.outputs['deactivated-count']).toBe('0')
  })
})

describe('deactivate', () => {
  it('deactivates exactly the planned keys, verifies each and records how to undo it', async () => {
    fakes = await startFakes()
    const before = statusesOf(fakes.aws.account())
    const result = await fakes.run({ action: 'deactivate' })

    expect(changedKeys(fakes, 'UpdateAccessKey').sort()).toEqual([...OFFENDERS].sort())
    expect(fakes.aws.callsTo('UpdateAccessKey').every((c) => c.params.Status === 'Inactive')).toBe(
      true
    )
    expect(changedKeys(fakes, 'DeleteAccessKey')).toEqual([])
    const after = statusesOf(fakes.aws.account())
    for (const [id, status] of Object.entries(before)) {
      expect(after[id]).toBe(OFFENDERS.includes(id) ? 'Inactive' : status)
    }
    // Each change re-read the key right before and right after it.
    const reads = fakes.aws.calls.filter(
      (c) => c.action === 'ListAccessKeys' && c.params.UserName === 'alice'
    )
    expect(reads).toHaveLength(3)

    const changes = changesOutput(result.outputs)
    expect(changes).toHaveLength(5)
    for (const c of changes) {
      expect(c).toMatchObject({
        result: 'applied',
        before: { status: 'Active' },
        after: { status: 'Inactive' }
      })
      expect(c.undo).toBe(
        `aws iam update-access-key --user-name ${c.userName} --access-key-id ${c.accessKeyId} --status Active`
      )
      expect(Date.parse(c.at)).not.toBeNaN()
    }
    expect(result.outputs['deactivated-count']).toBe('5')
    expect(plain(result.summary)).toContain(
      'aws iam update-access-key --user-name alice --access-key-id AKIASAMPLEALICE00001 --status Active'
    )
    const alice = fakes.aws.account().users.find((u) => u.userName === 'alice')
    expect(
      Date.parse(alice?.tags?.['iam-key-sentinel:deactivated:AKIASAMPLEALICE00001'] ?? '')
    ).not.toBeNaN()
    // Every overdue and unused key is dealt with, so fail-on: overdue has nothing left to fail on.
    expect(result.code).toBe(0)
    const report = await readReport(result)
    expect(report.remediation?.changes).toEqual(changes)
  })

  it('never touches members of an exempt group', async () => {
    const account = sampleAccount()
    const alice = account.users.find((u) => u.userName === 'alice')
    if (alice) alice.groups = ['BreakGlass']
    fakes = await startFakes(account)
    const result = await fakes.run({ action: 'deactivate', 'exempt-groups': 'breakglass' })
    expect(changedKeys(fakes, 'UpdateAccessKey')).not.toContain('AKIASAMPLEALICE00001')
    expect(changedKeys(fakes, 'UpdateAccessKey')).toHaveLength(4)
    expect(plain(result.summary)).toContain('exempt (🔴 overdue; exempt group BreakGlass)')
  })

  it('never acts on the key the action itself runs with', async () => {
    const account = sampleAccount()
    const judyKey = account.users.find((u) => u.userName === 'judy')?.keys[0]
    if (judyKey) judyKey.secretAccessKey = 'judy-secret-judy-secret-judy-secret-1234'
    fakes = await startFakes(account)
    const result = await fakes.run(
      { action: 'deactivate', 'role-to-assume': '' },
      {
        oidcUrl: undefined,
        env: {
          AWS_ACCESS_KEY_ID: 'AKIASAMPLEJUDY000001',
          AWS_SECRET_ACCESS_KEY: judyKey?.secretAccessKey ?? ''
        }
      }
    )
    expect(changedKeys(fakes, 'UpdateAccessKey')).not.toContain('AKIASAMPLEJUDY000001')
    expect(changedKeys(fakes, 'UpdateAccessKey')).toHaveLength(4)
    expect(plain(result.summary)).toContain('the action is running with this key')
    expect(keyStatus(fakes.aws.account(), 'AKIASAMPLEJUDY000001')).toBe('Active')
  })
})

describe('staged delete', () => {
  it('deactivates on the first run and deletes after the grace period, never a re-activated key', async () => {
    fakes = await startFakes()
    const account = fakes.aws.account()
    const run1 = await fakes.run({ action: 'delete', 'delete-grace-days': '7' })
    expect(run1.code).toBe(0)
    expect(changedKeys(fakes, 'UpdateAccessKey').sort()).toEqual([...OFFENDERS].sort())
    expect(changedKeys(fakes, 'DeleteAccessKey')).toEqual([])
    // frank's key was already inactive: its grace period starts now.
    expect(plain(run1.summary)).toMatch(
      /\| frank \| AKIASAMPLEFRANK00001 \| already inactive when first seen/
    )

    // Three days later nothing is deleted yet.
    advanceClock(account, 3)
    fakes.aws.calls.length = 0
    const run2 = await fakes.run({ action: 'delete', 'delete-grace-days': '7' })
    expect(fakes.aws.mutatingCalls()).toEqual([])
    expect(plain(run2.summary)).toMatch(/inactive since .*: deletion from/)

    // Someone re-activates alice's key; five more days pass.
    const alice = account.users.find((u) => u.userName === 'alice')?.keys[0]
    if (alice) alice.status = 'Active'
    advanceClock(account, 5)
    fakes.aws.calls.length = 0
    const run3 = await fakes.run({ action: 'delete', 'delete-grace-days': '7' })
    const deleted = changedKeys(fakes, 'DeleteAccessKey').sort()
    expect(deleted).toEqual(
      [...OFFENDERS.filter((id) => id !== 'AKIASAMPLEALICE00001'), 'AKIASAMPLEFRANK00001'].sort()
    )
    expect(changedKeys(fakes, 'UpdateAccessKey')).toEqual(['AKIASAMPLEALICE00001'])
    for (const id of deleted) expect(keyStatus(account, id)).toBe('Deleted')
    expect(keyStatus(account, 'AKIASAMPLEALICE00001')).toBe('Inactive')
    expect(
      JSON.parse(run3.outputs.changes ?? '').filter((c: ChangeRecordJson) => c.result !== 'applied')
    ).toEqual([])
    expect(run3.outputs['deleted-count']).toBe('5')
    expect(run3.outputs['deactivated-count']).toBe('1')
    // The lifecycle records of deleted keys are removed; alice's is renewed.
    const tags = account.users.flatMap((u) =>
      Object.keys(u.tags ?? {}).filter((t) => t.startsWith('iam-key-sentinel:deactivated:'))
    )
    expect(tags).toEqual(['iam-key-sentinel:deactivated:AKIASAMPLEALICE00001'])
    // bob's fresh second key is untouched throughout.
    expect(keyStatus(account, 'AKIASAMPLEBOBNEW0002')).toBe('Active')
  })
})

describe('safety', () => {
  it('the cap stops everything, changes nothing and fails the step with what to do', async () => {
    fakes = await startFakes()
    const result = await fakes.run({ action: 'deactivate', 'max-actions': '4' })
    expect(fakes.aws.mutatingCalls()).toEqual([])
    expect(result.code).toBe(1)
    expect(result.stdout).toContain(
      'The plan holds 5 changes, more than max-actions (4), so nothing was changed'
    )
    expect(result.stdout).toContain('raise max-actions to at least 5')
    expect(plain(result.summary)).toContain('### Changes (not applied: over the max-actions cap)')
    expect(changesOutput(result.outputs).every((c) => c.result === 'planned')).toBe(true)
  })

  it('records a key found already inactive at the re-read as already done, with no write or undo', async () => {
    fakes = await startFakes()
    let aliceReads = 0
    fakes.aws.setOnCall((call) => {
      if (call.action !== 'ListAccessKeys' || call.params.UserName !== 'alice') return
      // The second read is the re-check right before the change: someone deactivated it meanwhile.
      if (++aliceReads === 2) {
        const alice = fakes.aws.account().users.find((u) => u.userName === 'alice')
        if (alice?.keys[0]) alice.keys[0].status = 'Inactive'
      }
    })
    const result = await fakes.run({ action: 'deactivate' })
    expect(changedKeys(fakes, 'UpdateAccessKey')).not.toContain('AKIASAMPLEALICE00001')
    expect(changedKeys(fakes, 'UpdateAccessKey')).toHaveLength(4)
    const alice = changesOutput(result.outputs).find(
      (c) => c.accessKeyId === 'AKIASAMPLEALICE00001'
    )
    expect(alice).toMatchObject({
      result: 'already-done',
      detail: expect.stringContaining('the key was already Inactive')
    })
    expect(alice?.undo).toBeUndefined()
    expect(plain(result.summary)).toMatch(/AKIASAMPLEALICE00001 .*☑️ already done Nothing written/)
    // Not counted against fail-on: the key is inactive, whoever did it.
    expect(result.code).toBe(0)
  })

  it('skips and reports a key that changed otherwise between plan and act', async () => {
    fakes = await startFakes()
    let aliceReads = 0
    fakes.aws.setOnCall((call) => {
      if (call.action !== 'ListAccessKeys' || call.params.UserName !== 'alice') return
      if (++aliceReads === 2) {
        const alice = fakes.aws.account().users.find((u) => u.userName === 'alice')
        if (alice?.keys[0]) alice.keys[0].createDate = new Date(Date.now() - 86_400_000)
      }
    })
    const result = await fakes.run({ action: 'deactivate' })
    expect(changedKeys(fakes, 'UpdateAccessKey')).not.toContain('AKIASAMPLEALICE00001')
    const alice = changesOutput(result.outputs).find(
      (c) => c.accessKeyId === 'AKIASAMPLEALICE00001'
    )
    expect(alice).toMatchObject({
      result: 'skipped',
      detail: expect.stringContaining('creation date differs')
    })
    expect(plain(result.summary)).toMatch(/AKIASAMPLEALICE00001 .*⏭️ skipped Not changed/)
  })

  it('a failing change on one key leaves the others done and the step failed', async () => {
    fakes = await startFakes()
    fakes.aws.addFault({
      action: 'UpdateAccessKey',
      match: (c) => c.params.AccessKeyId === 'AKIASAMPLEBOBOLD0001',
      fault: { status: 403, code: 'AccessDenied', message: 'explicit deny on bob' }
    })
    const result = await fakes.run({ action: 'deactivate' })
    const changes = changesOutput(result.outputs)
    expect(changes.filter((c) => c.result === 'applied')).toHaveLength(4)
    expect(changes.find((c) => c.accessKeyId === 'AKIASAMPLEBOBOLD0001')).toMatchObject({
      result: 'failed',
      detail: expect.stringContaining('explicit deny on bob')
    })
    expect(keyStatus(fakes.aws.account(), 'AKIASAMPLEBOBOLD0001')).toBe('Active')
    expect(result.outputs['deactivated-count']).toBe('4')
    expect(result.code).toBe(1)
    expect(result.stdout).toContain('1 of 5 key changes failed (bob AKIASAMPLEBOBOLD0001)')
    expect(plain(result.summary)).toContain('❌ failed')
  })

  it('writes nothing to IAM in report mode', async () => {
    fakes = await startFakes()
    await fakes.run({ action: 'report' })
    expect(fakes.aws.calls.filter((c) => WRITE_ACTIONS.includes(c.action))).toEqual([])
    expect(fakes.aws.mutatingCalls()).toEqual([])
  })
})
