// The account's findings beside its keys reach SNS too: the root user's access keys and the users
// with two active keys are in the account's SNS message and in the organization digest, in plain
// text; an active root key alone is a finding to publish (notify-on: findings).
import { afterEach, describe, expect, it } from '@jest/globals'
import { copyFile, mkdir, mkdtemp } from 'node:fs/promises'
import { basename, join } from 'node:path'
import type { FakeAccount } from '../support/fake-aws/index.js'
import { startFakes, type Fakes } from '../support/harness.js'
import { SAMPLE_TOPIC_ARN, sampleAccount } from '../support/sample-account.js'
import { tempRoot } from '../support/temp-root.js'

let fakes: Fakes
afterEach(() => fakes.stop())

const DAY = 86_400_000
const ROOT_KEY = {
  accessKeyId: 'AKIAROOTKEY000000001',
  status: 'Active' as const,
  createDate: new Date(Date.now() - 900 * DAY)
}

/** The sample account (bob has two active keys) with an active root key. */
function withRootKey(): FakeAccount {
  return { ...sampleAccount(), rootKeys: [ROOT_KEY] }
}

describe('root keys and two active keys in SNS', () => {
  it("are in the account's SNS message", async () => {
    fakes = await startFakes(withRootKey())
    const result = await fakes.run({
      'sns-topic-arn': SAMPLE_TOPIC_ARN,
      'fail-on': 'never',
      // The credential report shows each root key's status and dates.
      'scan-method': 'credential-report'
    })
    expect(result.code).toBe(0)
    const message = fakes.aws.published[0]?.message ?? ''
    expect(message).toContain('ROOT USER ACCESS KEYS: the root user should have none.')
    expect(message).toMatch(/- slot 1: ACTIVE, created \d{4}-\d\d-\d\d, never used/)
    expect(message).toContain('Users with two active access keys (1)')
    expect(message).toMatch(
      /- bob: AKIASAMPLEBOBOLD0001, 200 days old, .*; AKIASAMPLEBOBNEW0002, 10 days old/
    )
    // Before the keys, so that a cut for size never drops them.
    expect(message.indexOf('ROOT USER ACCESS KEYS')).toBeLessThan(
      message.indexOf('Keys needing action:')
    )
  })

  it('an active root key alone is a finding to publish under notify-on: findings', async () => {
    fakes = await startFakes({ ...withRootKey(), users: [] })
    const result = await fakes.run({ 'sns-topic-arn': SAMPLE_TOPIC_ARN })
    // The step fails for the root key, and the message says why.
    expect(result.code).toBe(1)
    expect(fakes.aws.published).toHaveLength(1)
    expect(fakes.aws.published[0]?.message).toContain('ROOT USER ACCESS KEYS')
  })

  it('are in the organization digest, each line naming its account', async () => {
    fakes = await startFakes(withRootKey())
    const audit = await fakes.run({ 'fail-on': 'never', 'scan-method': 'credential-report' })
    const dir = await mkdtemp(join(tempRoot(), 'iam-key-sentinel-reports-'))
    const path = audit.outputs['report-path'] ?? ''
    await mkdir(join(dir, 'iam-key-report-111122223333'))
    await copyFile(path, join(dir, 'iam-key-report-111122223333', basename(path)))

    const aggregated = await fakes.run({
      mode: 'aggregate',
      'reports-directory': dir,
      'expected-accounts': '111122223333',
      'sns-topic-arn': SAMPLE_TOPIC_ARN,
      'fail-on': 'never'
    })
    expect(aggregated.code).toBe(0)
    const digest = fakes.aws.published[0]?.message ?? ''
    expect(digest).toContain('Accounts whose root user has access keys (1):')
    expect(digest).toContain('- 111122223333 (acme-prod): 1 root access key, 1 active.')
    expect(digest).toContain('Users with two active access keys (1):')
    expect(digest).toMatch(/- 111122223333 \(acme-prod\) bob: AKIASAMPLEBOBOLD0001, 200 days old/)
  })
})
