// The owners file and the reminder ladder end to end, over simulated days: each rung's comment
// once across reruns and two concurrent jobs, escalation to the team, the SNS `team` attribute,
// and titles that name the account once the repository serves several.
import { afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdtemp, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { FakeAccount } from '../support/fake-aws/index.js'
import { advanceClock, type Fakes } from '../support/harness.js'
import { issueFor, markerKey, startIssueFakes } from '../support/issue-fakes.js'
import { SAMPLE_TOPIC_ARN, sampleAccount } from '../support/sample-account.js'
import { tempRoot } from '../support/temp-root.js'

const OWNERS = `owners:
  - users: [carol]
    github-users: [alice-gh, bob-outsider]
    github-teams: [acme/payments-oncall]
    team: payments
  - owner-tag-values: [alice-gh]
    github-users: [secops-lead]
    team: identity
`
const CAROL = 'AKIASAMPLECAROL00001'

let fakes: Fakes
let workspace: string
beforeAll(async () => {
  workspace = await mkdtemp(join(tempRoot(), 'workspace-'))
  await writeFile(join(workspace, 'iam-owners.yml'), OWNERS)
})
afterEach(() => fakes.stop())

/** carol: due soon (80 days, 10 to the deadline), alice: overdue with owner tag alice-gh. */
function account(): FakeAccount {
  const a = sampleAccount()
  a.users = a.users.filter((u) => ['carol', 'alice'].includes(u.userName))
  return a
}

function run(inputs: Record<string, string> = {}) {
  return fakes.run(
    {
      'github-token': fakes.github.token,
      'fail-on': 'never',
      'issue-for': 'due-soon',
      'owners-config': 'iam-owners.yml',
      ...inputs
    },
    { env: { GITHUB_WORKSPACE: workspace } }
  )
}

/** The rung ids of the reminders on carol's issue, in order. */
function rungs(): string[] {
  return (issueFor(fakes, CAROL)?.comments ?? []).flatMap(
    (c) => /<!-- iam-key-sentinel reminder key=\w+ rung=([a-z]+-\d+) -->/.exec(c.body)?.[1] ?? []
  )
}

const reminder = (rung: string) =>
  issueFor(fakes, CAROL)?.comments.find((c) => c.body.includes(`rung=${rung} -->`))?.body ?? ''

describe('the reminder ladder', () => {
  it('posts each rung once over simulated days, reruns and two concurrent jobs', async () => {
    fakes = await startIssueFakes(account())
    const aws = fakes.aws.account()
    await writeFile(join(workspace, 'ladder.yml'), OWNERS)
    const ladder = (inputs: Record<string, string> = {}) =>
      run({ 'owners-config': 'ladder.yml', ...inputs })

    // Day 0, 10 days to the deadline: the 14-day rung, with the date the action will act.
    const first = await ladder({ action: 'delete', 'delete-grace-days': '7' })
    expect(first.code).toBe(0)
    expect(rungs()).toEqual(['before-14'])
    const issue = issueFor(fakes, CAROL)
    expect(issue?.assignees.map((a) => a.login)).toEqual(['alice-gh'])
    expect(issue?.body).toContain('@alice-gh (assigned)')
    expect(issue?.body).toContain('bob-outsider: could not be assigned')
    const day0 = reminder('before-14')
    expect(day0).toContain('Owners: @alice-gh')
    expect(day0).not.toContain('@bob-outsider')
    expect(day0).not.toContain('@acme/payments-oncall')
    expect(day0).toMatch(
      /will deactivate it on its first run on or after (\d{4}-\d\d-\d\d), and delete it once inactive for 7 days \(from \d{4}-\d\d-\d\d\)/
    )
    // A rerun the same day writes nothing at all.
    fakes.github.clearRequests()
    await ladder({ action: 'delete', 'delete-grace-days': '7' })
    expect(fakes.github.writes()).toEqual([])
    expect(rungs()).toEqual(['before-14'])

    // secops-lead joins carol's entry: the open issue gets them as an assignee too.
    await writeFile(
      join(workspace, 'ladder.yml'),
      OWNERS.replace('[alice-gh, bob-outsider]', '[alice-gh, bob-outsider, secops-lead]')
    )
    advanceClock(aws, 3) // 7 days left
    await ladder()
    expect(issueFor(fakes, CAROL)?.assignees.map((a) => a.login)).toEqual([
      'alice-gh',
      'secops-lead'
    ])
    expect(reminder('before-7')).toContain('Owners: @alice-gh @secops-lead')
    advanceClock(aws, 6) // 1 day left
    await ladder()
    await ladder()
    expect(rungs()).toEqual(['before-14', 'before-7', 'before-1'])

    advanceClock(aws, 2) // overdue since today
    await ladder()
    advanceClock(aws, 7) // 8 days overdue: below escalate-after-days (14)
    await ladder()
    expect(rungs()).toEqual(['before-14', 'before-7', 'before-1', 'overdue-1', 'overdue-8'])
    expect(reminder('overdue-8')).not.toContain('@acme/payments-oncall')
    expect(reminder('overdue-1')).toContain('This workflow only reports (action: report)')

    advanceClock(aws, 7) // 15 days overdue: the team is mentioned too
    await ladder()
    expect(reminder('overdue-15')).toContain(
      'Escalated to @acme/payments-oncall: overdue for 15 days (escalate-after-days: 14).'
    )

    // No run for two weeks: only the rung reached is posted, not the one skipped (overdue-22).
    advanceClock(aws, 14)
    await ladder()
    expect(rungs().slice(5)).toEqual(['overdue-15', 'overdue-29'])

    // Two jobs at once, both past the check before posting: the later comment withdraws itself.
    advanceClock(aws, 7)
    const number = issueFor(fakes, CAROL)?.number ?? 0
    fakes.github.holdUntil('POST', new RegExp(`/issues/${number}/comments$`), 2)
    fakes.github.clearRequests()
    const [a, b] = await Promise.all([ladder(), ladder()])
    expect([a.code, b.code]).toEqual([0, 0])
    expect(rungs().slice(7)).toEqual(['overdue-36'])
    const posts = fakes.github
      .writes()
      .filter((r) => r.method === 'POST' && r.path.endsWith(`/issues/${number}/comments`))
    expect(posts).toHaveLength(2)
    expect(fakes.github.writes().filter((r) => r.method === 'DELETE')).toHaveLength(1)
    expect(a.summary + b.summary).toContain('1 withdrawn: another job posted them first')
    // And a rerun after both finds the rung there.
    await ladder()
    expect(rungs()).toHaveLength(8)
  }, 240_000)

  it("a marker in someone else's comment does not silence a rung: only the token's own count", async () => {
    fakes = await startIssueFakes(account())
    const aws = fakes.aws.account()
    expect((await run()).code).toBe(0)
    expect(rungs()).toEqual(['before-14'])
    // A collaborator pastes the next rung's marker into a comment of their own.
    advanceClock(aws, 3) // 7 days left
    const issue = issueFor(fakes, CAROL)
    issue?.comments.push({
      id: 990_001,
      user: 'mallory',
      body: `<!-- iam-key-sentinel reminder key=${CAROL} rung=before-7 -->\nnothing to see`
    })
    expect((await run()).code).toBe(0)
    const byBot = (rung: string) =>
      (issueFor(fakes, CAROL)?.comments ?? []).filter(
        (c) => c.user === 'github-actions[bot]' && c.body.includes(`rung=${rung} -->`)
      )
    expect(byBot('before-7')).toHaveLength(1)
    expect(byBot('before-7')[0]?.body).toContain('Owners: @alice-gh')
    // The forged comment is left as it is; the action deletes only its own duplicates.
    expect(issueFor(fakes, CAROL)?.comments.some((c) => c.user === 'mallory')).toBe(true)
    // A rerun finds its own comment and posts nothing.
    fakes.github.clearRequests()
    await run()
    expect(byBot('before-7')).toHaveLength(1)
    expect(fakes.github.writes().filter((r) => r.method === 'POST')).toEqual([])
  })

  it('with a personal token, the rungs are the comments of that token’s user', async () => {
    fakes = await startIssueFakes(account(), { tokenLogin: 'secops-automation' })
    const aws = fakes.aws.account()
    await run()
    const mine = () =>
      (issueFor(fakes, CAROL)?.comments ?? []).filter((c) => c.user === 'secops-automation')
    expect(mine()).toHaveLength(1)
    // The same day again: its own comment counts, nothing is posted.
    await run()
    expect(mine()).toHaveLength(1)
    // A marker from another identity (here the Actions bot of some other workflow) does not.
    advanceClock(aws, 3)
    issueFor(fakes, CAROL)?.comments.push({
      id: 990_002,
      user: 'github-actions[bot]',
      body: `<!-- iam-key-sentinel reminder key=${CAROL} rung=before-7 -->`
    })
    await run()
    expect(mine().map((c) => /rung=([a-z]+-\d+)/.exec(c.body)?.[1])).toEqual([
      'before-14',
      'before-7'
    ])
  })

  it('without owners-config no reminder is posted, as before', async () => {
    fakes = await startIssueFakes(account())
    await fakes.run({
      'github-token': fakes.github.token,
      'fail-on': 'never',
      'issue-for': 'due-soon'
    })
    expect(issueFor(fakes, CAROL)?.comments).toEqual([])
    expect(issueFor(fakes, 'AKIASAMPLEALICE00001')?.assignees.map((a) => a.login)).toEqual([
      'alice-gh'
    ])
  })

  it('a bad owners file fails before any AWS or GitHub call, naming the line', async () => {
    fakes = await startIssueFakes(account())
    await writeFile(
      join(workspace, 'bad-owners.yml'),
      'owners:\n  - users: [carol]\n    githb-users: [x]\n'
    )
    const result = await run({ 'owners-config': 'bad-owners.yml' })
    expect(result.code).toBe(1)
    expect(result.stdout).toContain(
      "'owners-config' bad-owners.yml line 3: unknown key 'githb-users' in owners[0]"
    )
    expect(fakes.aws.calls).toEqual([])
    expect(fakes.github.requests).toEqual([])
  })
})

describe('the SNS team attribute and the account in titles', () => {
  it('publishes the teams of the listed keys as a String.Array', async () => {
    fakes = await startIssueFakes(account())
    await run({ 'sns-topic-arn': SAMPLE_TOPIC_ARN })
    const [published] = fakes.aws.published
    expect(published?.attributes.team).toEqual({
      DataType: 'String.Array',
      StringValue: '["identity","payments"]'
    })
    expect(published?.message).toContain('Owners:      team payments, alice-gh, bob-outsider')
    // alice is covered through her owner tag's value, which selects an entry, never mentioned.
    const alice = issueFor(fakes, 'AKIASAMPLEALICE00001')
    expect(alice?.assignees.map((a) => a.login)).toEqual(['secops-lead'])
    expect(alice?.comments.at(-1)?.body).toContain('Owners: @secops-lead')
    expect(alice?.comments.at(-1)?.body).not.toContain('@alice-gh')
  })

  it('titles name the account once the repository holds issues of another account', async () => {
    const a = account()
    const b = account()
    b.accountId = '999988887777'
    b.alias = 'acme-staging'
    b.roles = ['arn:aws:iam::999988887777:role/iam-key-sentinel-audit']
    fakes = await startIssueFakes([a, b])
    await run()
    const titleOf = (account: string) =>
      fakes.github.issues
        .filter((i) => markerKey(i) === CAROL && i.body?.includes(`account=${account}`))
        .map((i) => i.title)
    // Alone in the repository: the title as it always was.
    expect(titleOf('111122223333')).toEqual(['Rotate access key AKIA…0001 of carol soon (80 days)'])
    await run({ 'role-to-assume': 'arn:aws:iam::999988887777:role/iam-key-sentinel-audit' })
    expect(titleOf('999988887777')).toEqual([
      'Rotate access key AKIA…0001 of carol in acme-staging soon (80 days)'
    ])
    // The first account's next run sees the other's issues and renames its own, in place.
    await run()
    expect(titleOf('111122223333')).toEqual([
      'Rotate access key AKIA…0001 of carol in acme-prod soon (80 days)'
    ])
  }, 120_000)
})
