// Rotation issues end to end: dist/index.js against the fake AWS and the fake GitHub.
import { afterEach, describe, expect, it } from '@jest/globals'
import type { FakeAccount } from '../support/fake-aws/index.js'
import type { Fakes } from '../support/harness.js'
import { issueFor, issueRun, markerKey, startIssueFakes } from '../support/issue-fakes.js'
import { sampleAccount, SAMPLE_OFFENDERS } from '../support/sample-account.js'

const NEEDING = SAMPLE_OFFENDERS

let fakes: Fakes
afterEach(() => fakes.stop())

async function start(accounts: FakeAccount | FakeAccount[] = sampleAccount()) {
  fakes = await startIssueFakes(accounts)
  return fakes
}

describe('rotation issues', () => {
  it('opens one issue per overdue or unused key, with labels, title, owner and body', async () => {
    await start()
    const result = await issueRun(fakes)
    expect(result.code).toBe(0)
    const mine = fakes.github.issues.filter((i) => !i.pull_request)
    expect(mine.map(markerKey).sort()).toEqual([...NEEDING].sort())
    expect(fakes.github.labels.map((l) => l.name)).toContain('iam-key-rotation')
    const label = fakes.github.labels.find((l) => l.name === 'iam-key-rotation')
    expect(label?.color).toMatch(/^[0-9a-f]{6}$/)
    expect(label?.description).toBeTruthy()

    const alice = issueFor(fakes, 'AKIASAMPLEALICE00001')
    expect(alice?.title).toBe('Rotate access key AKIA…0001 of alice (120 days)')
    expect(alice?.labels.map((l) => l.name)).toEqual(['iam-key-rotation'])
    expect(alice?.assignees.map((a) => a.login)).toEqual(['alice-gh'])
    expect(alice?.body).toContain('@alice-gh (assigned)')
    expect(alice?.body).toContain('aws iam create-access-key --user-name alice')
    expect(alice?.body).toContain('/actions/runs/1001')

    const bob = issueFor(fakes, 'AKIASAMPLEBOBOLD0001')
    expect(bob?.assignees).toEqual([])
    expect(bob?.body).toContain(
      'bob-outsider (from tag github): could not be assigned, not a collaborator'
    )
    expect(bob?.body).not.toMatch(/@bob/)
    expect(issueFor(fakes, 'AKIASAMPLEERIN000001')?.title).toBe(
      'Remove unused access key AKIA…0001 of erin (idle 35 days)'
    )
    expect(result.summary).toMatch(
      /\| GitHub issues \| ✅ delivered \| 5 opened, 0 updated, 0 reopened, 0 closed/
    )
  })

  it('a second identical run changes nothing', async () => {
    await start()
    await issueRun(fakes)
    fakes.github.clearRequests()
    const result = await issueRun(fakes)
    expect(fakes.github.writes()).toEqual([])
    expect(result.summary).toContain('0 opened, 0 updated, 0 reopened, 0 closed')
  })
})
