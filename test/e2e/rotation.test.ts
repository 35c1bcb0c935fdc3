// Rotation end to end over simulated days: dist/index.js against the fakes, checking what IAM,
// GitHub's secrets and Secrets Manager hold after each run.
import { afterEach, describe, expect, it } from '@jest/globals'
import { readFile } from 'node:fs/promises'
import { currentValue } from '../support/fake-aws/secrets-manager.js'
import { repositoryId } from '../support/fake-github/account-json.js'
import { advanceClock, keyStatus, readReport } from '../support/harness.js'
import {
  startRotationFakes,
  tagsOf,
  useKey,
  userKeys,
  type RotationFakes
} from '../support/rotation-account.js'
import { SAMPLE_TOPIC_ARN } from '../support/sample-account.js'

const OLD = 'AKIAROTATEDEPLOY0001'
const BATCH = 'AKIAROTATEBATCH00001'

interface Rotation {
  userName: string
  accessKeyId: string
  newAccessKeyId?: string
  action: string
  result: string
  stage: string
  detail: string
  next: string
  destination: string
  undo?: string
}

let fakes: RotationFakes
afterEach(() => fakes.stop())

const rotationsOf = (outputs: Record<string, string>): Rotation[] =>
  JSON.parse(outputs.rotations ?? '[]') as Rotation[]
const of = (rs: Rotation[], id: string): Rotation | undefined =>
  rs.find((r) => r.accessKeyId === id)
const newKeyOf = (userName: string, old: string) =>
  userKeys(fakes.aws.account(), userName).find((k) => k.accessKeyId !== old)
const issueOf = (id: string) => fakes.github.issues.find((i) => (i.body ?? '').includes(id))

describe('a rotation from start to end', () => {
  it('creates, delivers, waits for the consumer, deactivates the idle old key, then deletes it', async () => {
    fakes = await startRotationFakes()
    const account = fakes.aws.account()
    const run1 = await fakes.rotate({ 'sns-topic-arn': SAMPLE_TOPIC_ARN })
    expect(run1.code).toBe(0)

    // The new keys, delivered: the test decrypts what GitHub holds and reads Secrets Manager.
    const fresh = newKeyOf('deploy-bot', OLD)
    const batch = newKeyOf('batch-job', BATCH)
    expect(fresh?.status).toBe('Active')
    expect(fakes.github.secrets.valueOf('repo:acme/web', 'AWS_ACCESS_KEY_ID')).toBe(
      fresh?.accessKeyId
    )
    expect(fakes.github.secrets.valueOf('repo:acme/web', 'AWS_SECRET_ACCESS_KEY')).toBe(
      fresh?.secretAccessKey
    )
    const secret = account.secrets?.[0]
    expect(JSON.parse(secret ? (currentValue(secret) ?? '{}') : '{}')).toEqual({
      AccessKeyId: batch?.accessKeyId,
      SecretAccessKey: batch?.secretAccessKey
    })
    expect(keyStatus(account, OLD)).toBe('Active')
    expect(tagsOf(account, 'deploy-bot')[`iam-key-sentinel:rotation:${OLD}`]).toMatch(
      new RegExp(`^delivered ${fresh?.accessKeyId} \\S+ \\S+$`)
    )
    const r1 = of(rotationsOf(run1.outputs), OLD)
    expect(r1).toMatchObject({
      action: 'create',
      result: 'applied',
      stage: 'delivered',
      newAccessKeyId: fresh?.accessKeyId,
      destination: 'GitHub repository acme/web, secrets AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY'
    })
    expect(r1?.undo).toContain(
      `aws iam delete-access-key --user-name deploy-bot --access-key-id ${fresh?.accessKeyId}`
    )
    expect(r1?.next).toContain(`Deactivates ${OLD} once ${fresh?.accessKeyId} has been used`)
    // Only mapped users: the unmapped overdue key is left alone.
    expect(
      fakes.aws
        .callsTo('CreateAccessKey')
        .map((c) => c.params.UserName)
        .sort()
    ).toEqual(['batch-job', 'deploy-bot', 'leftover'])
    expect(run1.summary).toContain('### Key rotation')
    expect(issueOf(OLD)?.body).toContain('delivered, watching the cutover')
    expect(fakes.aws.published[0]?.message).toContain(
      `Rotation:    deploy-bot ${OLD} -> ${fresh?.accessKeyId}`
    )

    // A day later the consumer has not switched: nothing is deactivated.
    advanceClock(account, 1)
    const run2 = await fakes.rotate()
    expect(fakes.aws.callsTo('UpdateAccessKey')).toEqual([])
    expect(of(rotationsOf(run2.outputs), OLD)).toMatchObject({
      action: 'observe',
      stage: 'delivered'
    })
    expect(of(rotationsOf(run2.outputs), OLD)?.detail).toContain('has not been used yet')

    // The consumer switches: the new key's last use appears; the old one is idle for 25 hours.
    useKey(account, fresh?.accessKeyId ?? '', 1)
    const run3 = await fakes.rotate()
    expect(
      fakes.aws.callsTo('UpdateAccessKey').map((c) => [c.params.AccessKeyId, c.params.Status])
    ).toEqual([[OLD, 'Inactive']])
    expect(keyStatus(account, OLD)).toBe('Inactive')
    const r3 = of(rotationsOf(run3.outputs), OLD)
    expect(r3).toMatchObject({ action: 'deactivate', result: 'applied', stage: 'retiring' })
    expect(r3?.undo).toBe(
      `aws iam update-access-key --user-name deploy-bot --access-key-id ${OLD} --status Active`
    )
    expect(tagsOf(account, 'deploy-bot')[`iam-key-sentinel:deactivated:${OLD}`]).toBeDefined()
    expect(issueOf(OLD)?.state).toBe('open')

    // After delete-grace-days the staged delete removes the old key, and the issue closes.
    advanceClock(account, 7)
    const run4 = await fakes.rotate()
    expect(keyStatus(account, OLD)).toBe('Deleted')
    expect(of(rotationsOf(run4.outputs), OLD)).toMatchObject({
      action: 'delete',
      result: 'applied',
      stage: 'done'
    })
    expect(
      Object.keys(tagsOf(account, 'deploy-bot')).filter((t) => t.startsWith('iam-key-sentinel:'))
    ).toEqual([])
    expect(userKeys(account, 'deploy-bot').map((k) => k.accessKeyId)).toEqual([fresh?.accessKeyId])
    const issue = issueOf(OLD)
    expect(issue?.state).toBe('closed')
    expect(issue?.comments.at(-1)?.body).toContain(
      `the new key ${fresh?.accessKeyId} was delivered to GitHub repository acme/web`
    )
    const report = await readReport(run4)
    expect((report.rotation as { rotations: Rotation[] }).rotations.length).toBeGreaterThan(0)
  })

  it('a consumer that never switches: the old key stays active and the issue says so', async () => {
    fakes = await startRotationFakes()
    const account = fakes.aws.account()
    await fakes.rotate()
    advanceClock(account, 8)
    useKey(account, OLD, 0)
    const run = await fakes.rotate()
    expect(keyStatus(account, OLD)).toBe('Active')
    expect(fakes.aws.callsTo('UpdateAccessKey')).toEqual([])
    const r = of(rotationsOf(run.outputs), OLD)
    expect(r?.detail).toMatch(
      /The consumer has not picked up the new key: AKIA\w+ was delivered to GitHub repository acme\/web, .* on \d{4}-\d\d-\d\d and has not been used since/
    )
    expect(issueOf(OLD)?.body).toContain('The consumer has not picked up the new key')
  })
})

describe('the two-key limit', () => {
  it('holds a user with two keys, and deletes an inactive leftover first', async () => {
    fakes = await startRotationFakes()
    const run = await fakes.rotate()
    const rs = rotationsOf(run.outputs)
    expect(of(rs, 'AKIAROTATETWOA000001')).toMatchObject({ action: 'hold' })
    expect(of(rs, 'AKIAROTATETWOA000001')?.detail).toContain(
      'the user already has two keys (AKIAROTATETWOB000001 is Active)'
    )
    expect(userKeys(fakes.aws.account(), 'two-keys')).toHaveLength(2)
    // The leftover's inactive key from an earlier staged delete goes first, within the run.
    const deleted = fakes.aws.callsTo('DeleteAccessKey').map((c) => c.params.AccessKeyId)
    expect(deleted).toEqual(['AKIAROTATELEFTB00001'])
    const created = newKeyOf('leftover', 'AKIAROTATELEFTA00001')
    expect(created).toBeDefined()
    // The organization secret, visible to the selected repositories.
    expect(fakes.github.secrets.valueOf('org:acme', 'AWS_ACCESS_KEY_ID')).toBe(created?.accessKeyId)
    expect(fakes.github.secrets.stored('org:acme', 'AWS_ACCESS_KEY_ID')).toMatchObject({
      visibility: 'selected',
      selected_repository_ids: [repositoryId('acme', 'web'), repositoryId('acme', 'api')]
    })
    expect(of(rs, 'AKIAROTATELEFTA00001')).toMatchObject({ result: 'applied', stage: 'delivered' })
  })
})

describe('safety', () => {
  it('a dry run shows every key its whole plan and writes nothing', async () => {
    fakes = await startRotationFakes()
    const run = await fakes.rotate({ 'dry-run': 'true' })
    expect(fakes.aws.mutatingCalls()).toEqual([])
    expect(fakes.github.writes().filter((w) => w.path.includes('secrets'))).toEqual([])
    const r = of(rotationsOf(run.outputs), OLD)
    expect(r).toMatchObject({ action: 'create', result: 'planned', stage: 'none' })
    expect(r?.next).toBe(
      `Would create a new key, deliver it to GitHub repository acme/web, secrets AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY and verify it; later runs deactivate ${OLD} once the new key has been used and ${OLD} has been idle for 24 hours, then delete it after 7 days.`
    )
    expect(run.summary).toContain(
      '### Key rotation this run would do (dry run: nothing was changed)'
    )
  })

  it('max-actions counts the creations: over it, nothing is created', async () => {
    fakes = await startRotationFakes()
    const run = await fakes.rotate({ 'max-actions': '2' })
    expect(fakes.aws.mutatingCalls()).toEqual([])
    expect(run.code).toBe(1)
    expect(run.stdout).toContain('The rotation plan holds more writing steps than max-actions (2)')
  })

  it('the secret appears in no log, output, summary, report, issue or SNS message', async () => {
    fakes = await startRotationFakes()
    const run = await fakes.rotate({ 'sns-topic-arn': SAMPLE_TOPIC_ARN })
    const secrets = ['deploy-bot', 'batch-job', 'leftover'].map(
      (u) => userKeys(fakes.aws.account(), u).find((k) => k.secretAccessKey)?.secretAccessKey ?? ''
    )
    expect(secrets.every((s) => s.length === 40)).toBe(true)
    // Masked the moment it exists: the runner's add-mask command is the only place it is written.
    const log = run.stdout.split('\n')
    for (const s of secrets) {
      const masked = log.findIndex((line) => line === `::add-mask::${s}`)
      expect(masked).toBeGreaterThan(-1)
    }
    const channels = [
      log.filter((line) => !line.startsWith('::add-mask::')).join('\n'),
      run.stderr,
      JSON.stringify(run.outputs),
      run.summary,
      await readFile(run.outputs['report-path'] ?? '', 'utf8'),
      JSON.stringify(fakes.github.issues),
      JSON.stringify(fakes.aws.published)
    ]
    for (const s of secrets) for (const text of channels) expect(text).not.toContain(s)
    expect(fakes.aws.published).toHaveLength(1)
    expect(fakes.github.issues.length).toBeGreaterThan(1)
  })
})

describe('reminders under action: rotate', () => {
  it('give the dates the rotation is known by: its start, and the cutover timeout from delivery', async () => {
    const owners = `owners:
  - users: [deploy-bot, batch-job]
    github-users: [acme]
`
    fakes = await startRotationFakes(undefined, { 'iam-owners.yml': owners })
    const account = fakes.aws.account()
    const run = await fakes.rotate({
      'github-token': fakes.github.token,
      'owners-config': 'iam-owners.yml',
      'issue-for': 'due-soon',
      'rotate-on': 'overdue',
      'cutover-timeout-days': '10'
    })
    expect(run.code).toBe(0)
    const reminderOf = (id: string) =>
      issueOf(id)?.comments.find((c) => c.body.includes(`reminder key=${id}`))?.body ?? ''
    const day = (d: Date, plus: number) =>
      new Date(d.getTime() + plus * 86_400_000).toISOString().slice(0, 10)

    // deploy-bot's key is due soon and rotate-on is overdue: the rotation starts the day after
    // its deadline, and the cutover times out cutover-timeout-days later.
    const created = userKeys(account, 'deploy-bot').find((k) => k.accessKeyId === OLD)?.createDate
    if (!created) throw new Error('no deploy-bot key')
    const start = day(created, 91)
    expect(reminderOf(OLD)).toContain(
      `IAM Key Sentinel will rotate it on its first run on or after ${start} (rotate-on: overdue), delivering a new key to GitHub repository acme/web`
    )
    expect(reminderOf(OLD)).toContain(
      `if the new key is still unused on ${day(new Date(`${start}T00:00:00Z`), 10)} (cutover-timeout-days: 10)`
    )
    // batch-job's overdue key got its new key this run: the timeout counts from the delivery.
    const batch = of(rotationsOf(run.outputs), BATCH) as Rotation & { deliveredAt?: string }
    expect(batch).toMatchObject({ stage: 'delivered' })
    const delivered = new Date(batch.deliveredAt ?? '')
    expect(reminderOf(BATCH)).toContain(
      `A new key was delivered to AWS Secrets Manager secret batch/aws-key on ${day(delivered, 0)}`
    )
    expect(reminderOf(BATCH)).toContain(
      `if the new key is still unused on ${day(delivered, 10)} (cutover-timeout-days: 10)`
    )
  })
})
