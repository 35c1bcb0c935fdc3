// Rotation issue lifecycle end to end: close, reopen, accounts, permissions, limits.
// A small account (two keys needing an issue) keeps the paced GitHub writes few.
import { afterEach, describe, expect, it } from '@jest/globals'
import type { FakeAccount } from '../support/fake-aws/index.js'
import type { Fakes } from '../support/harness.js'
import { issueFor, issueRun, markerKey, startIssueFakes } from '../support/issue-fakes.js'
import { sampleAccount } from '../support/sample-account.js'

let fakes: Fakes
afterEach(() => fakes.stop())

/** alice (overdue, owner alice-gh), judy (overdue, no owner) and grace (ok). */
function smallAccount(): FakeAccount {
  const account = sampleAccount()
  account.users = account.users.filter((u) => ['alice', 'judy', 'grace'].includes(u.userName))
  return account
}

async function start(accounts: FakeAccount | FakeAccount[] = smallAccount()) {
  fakes = await startIssueFakes(accounts)
  return fakes
}

describe('rotation issue lifecycle', () => {
  it('closes the issue of a key deleted in AWS, with a comment saying why', async () => {
    await start()
    await issueRun(fakes)
    const judy = fakes.aws.account().users.find((u) => u.userName === 'judy')
    if (judy) judy.keys = []
    await issueRun(fakes)
    const issue = issueFor(fakes, 'AKIASAMPLEJUDY000001')
    expect(issue?.state).toBe('closed')
    expect(issue?.state_reason).toBe('completed')
    expect(issue?.comments.at(-1)?.body).toContain('no longer exists')
    // The others stay open.
    expect(fakes.github.issues.filter((i) => i.state === 'open' && !i.pull_request)).toHaveLength(1)
  })

  it('closes an exempted key as not planned and reopens the same issue when it needs attention again', async () => {
    await start()
    await issueRun(fakes)
    const number = issueFor(fakes, 'AKIASAMPLEJUDY000001')?.number
    const judy = fakes.aws.account().users.find((u) => u.userName === 'judy')
    if (judy) judy.tags = { 'iam-key-sentinel-exempt': 'migration until December' }
    await issueRun(fakes)
    expect(issueFor(fakes, 'AKIASAMPLEJUDY000001')).toMatchObject({
      state: 'closed',
      state_reason: 'not_planned'
    })

    if (judy) judy.tags = {}
    await issueRun(fakes)
    const reopened = fakes.github.issues.filter((i) => markerKey(i) === 'AKIASAMPLEJUDY000001')
    expect(reopened).toHaveLength(1)
    expect(reopened[0]).toMatchObject({ number, state: 'open' })
    expect(reopened[0]?.comments.at(-1)?.body).toContain('needs attention again')
  })

  it('closes the issue of a key the action deactivated, with the undo command', async () => {
    await start()
    await issueRun(fakes)
    await issueRun(fakes, { action: 'deactivate' })
    const alice = issueFor(fakes, 'AKIASAMPLEALICE00001')
    expect(alice?.state).toBe('closed')
    expect(alice?.comments.at(-1)?.body).toContain(
      'aws iam update-access-key --user-name alice --access-key-id AKIASAMPLEALICE00001 --status Active'
    )
  })

  it('two accounts in one repository never touch each other’s issues', async () => {
    const a = smallAccount()
    const b = smallAccount()
    b.accountId = '999988887777'
    b.roles = ['arn:aws:iam::999988887777:role/iam-key-sentinel-audit']
    await start([a, b])
    await issueRun(fakes)
    const ofA = fakes.github.issues.filter((i) => !i.pull_request).map((i) => i.number)
    fakes.github.clearRequests()
    // Account B lost judy's key: its run opens its own issues, and closes nothing of A's.
    b.users = b.users.filter((u) => u.userName === 'alice')
    await issueRun(fakes, {
      'role-to-assume': 'arn:aws:iam::999988887777:role/iam-key-sentinel-audit'
    })
    const touched = fakes.github
      .writes()
      .map((r) => /\/issues\/(\d+)/.exec(r.path)?.[1])
      .filter(Boolean)
      .map(Number)
    expect(touched.filter((n) => ofA.includes(n))).toEqual([])
    const ofB = fakes.github.issues.filter((i) => i.body?.includes('account=999988887777'))
    expect(ofB.map(markerKey)).toEqual(['AKIASAMPLEALICE00001'])
    expect(
      fakes.github.issues.filter(
        (i) => i.body?.includes('account=111122223333') && i.state === 'open'
      )
    ).toHaveLength(2)
  })

  it('a 403 names the permission to add, and the summary is still written', async () => {
    await start()
    fakes.github.addFault({
      method: 'POST',
      status: 403,
      body: { message: 'Resource not accessible by integration' }
    })
    fakes.github.addFault({
      method: 'GET',
      path: /\/labels\//,
      status: 404,
      body: { message: 'Not Found' }
    })
    const result = await issueRun(fakes)
    expect(result.code).toBe(1)
    expect(result.stdout).toContain('permissions: issues: write')
    expect(result.summary).toContain('## IAM Key Sentinel: access key audit')
    expect(result.summary).toMatch(/\| GitHub issues \| ❌ failed \|/)
    expect(result.outputs['overdue-count']).toBe('2')
  })

  it('waits out a secondary rate limit instead of failing', async () => {
    await start()
    fakes.github.addFault({
      method: 'POST',
      path: /\/issues$/,
      times: 1,
      status: 403,
      headers: { 'retry-after': '1' },
      body: {
        message:
          'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.'
      }
    })
    const result = await issueRun(fakes)
    expect(result.code).toBe(0)
    expect(fakes.github.issues.filter((i) => !i.pull_request)).toHaveLength(2)
    expect(fakes.github.requests.filter((r) => r.status === 403)).toHaveLength(1)
  })

  it('opens at most max-new-issues and lists the rest in one roll-up issue', async () => {
    await start()
    await issueRun(fakes, { 'max-new-issues': '1' })
    const mine = fakes.github.issues.filter((i) => !i.pull_request)
    expect(mine.filter((i) => markerKey(i))).toHaveLength(1)
    const rollup = mine.find((i) => i.body?.includes('iam-key-sentinel rollup'))
    expect(rollup?.title).toBe('IAM Key Sentinel: 1 more access key needs rotation in 111122223333')
    expect(rollup?.body).toMatch(
      /\| judy \| AKIASAMPLEJUDY000001 \| 🔴 overdue \| 91 \| \d{4}-\d\d-\d\d \(1 day past\) \|/
    )
    // The next run opens the rest, and the roll-up closes once empty.
    await issueRun(fakes, { 'max-new-issues': '1' })
    expect(fakes.github.issues.filter((i) => markerKey(i))).toHaveLength(2)
    expect(fakes.github.issues.find((i) => i.number === rollup?.number)?.state).toBe('closed')
  })
})
