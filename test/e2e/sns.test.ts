// SNS end to end: what reached the fake topic is exactly what the renderer produces.
import { afterEach, describe, expect, it } from '@jest/globals'
import { readFile } from 'node:fs/promises'
import { renderSnsNotification } from '../../src/render/sns-message.js'
import { startFakes, type Fakes } from '../support/harness.js'
import { parseReport } from '../support/report-json.js'
import {
  SAMPLE_FIFO_TOPIC_ARN,
  SAMPLE_TOPIC_ARN,
  sampleAccount
} from '../support/sample-account.js'

let fakes: Fakes
afterEach(() => fakes.stop())

describe('SNS notification', () => {
  it('publishes exactly the rendered message to the topic, in the topic region', async () => {
    fakes = await startFakes()
    const result = await fakes.run({ 'sns-topic-arn': SAMPLE_TOPIC_ARN, 'fail-on': 'never' })
    expect(result.code).toBe(0)
    expect(fakes.aws.published).toHaveLength(1)
    const [published] = fakes.aws.published
    const report = parseReport(await readFile(result.outputs['report-path'] as string, 'utf8'))
    const expected = renderSnsNotification({
      report,
      event: 'audit',
      runUrl: 'https://github.com/acme/security/actions/runs/1001',
      partition: 'aws'
    })
    expect(published?.topicArn).toBe(SAMPLE_TOPIC_ARN)
    expect(published?.region).toBe('eu-west-1')
    expect(published?.subject).toBe(expected.subject)
    expect(published?.subject).toBe(
      'IAM Key Sentinel: 3 overdue, 2 unused, 1 due soon in 111122223333 (acme-prod)'
    )
    expect(published?.message).toBe(expected.message)
    expect(published?.attributes).toEqual(expected.attributes)
    expect(published?.messageGroupId).toBeUndefined()
    expect(result.outputs['sns-message-id']).toBe(published?.messageId)
    expect(result.summary).toContain('| SNS | ✅ delivered |')
  })

  it('respects notify-on', async () => {
    fakes = await startFakes()
    await fakes.run({ 'sns-topic-arn': SAMPLE_TOPIC_ARN, 'notify-on': 'never', 'fail-on': 'never' })
    expect(fakes.aws.published).toHaveLength(0)
    expect(fakes.aws.callsTo('Publish')).toHaveLength(0)

    // A healthy account: nothing to say with notify-on: findings, a message with always.
    const healthy = sampleAccount()
    healthy.users = healthy.users.filter((u) => ['grace', 'ivan', 'heidi'].includes(u.userName))
    await fakes.stop()
    fakes = await startFakes(healthy)
    await fakes.run({ 'sns-topic-arn': SAMPLE_TOPIC_ARN })
    expect(fakes.aws.published).toHaveLength(0)
    await fakes.run({ 'sns-topic-arn': SAMPLE_TOPIC_ARN, 'notify-on': 'always' })
    expect(fakes.aws.published).toHaveLength(1)
    expect(fakes.aws.published[0]?.subject).toBe(
      'IAM Key Sentinel: no key needs attention in 111122223333 (acme-prod)'
    )
  })

  it('gives a FIFO topic a message group and a deduplication ID derived from the run', async () => {
    fakes = await startFakes()
    await fakes.run({ 'sns-topic-arn': SAMPLE_FIFO_TOPIC_ARN, 'fail-on': 'never' })
    const [published] = fakes.aws.published
    expect(published?.region).toBe('us-east-2')
    expect(published?.messageGroupId).toBe('iam-key-sentinel-111122223333')
    expect(published?.messageDeduplicationId).toMatch(/^[0-9a-f]{64}$/)
    // The same run retried publishes nothing new: the deduplication ID is the same.
    await fakes.run({ 'sns-topic-arn': SAMPLE_FIFO_TOPIC_ARN, 'fail-on': 'never' })
    expect(fakes.aws.published).toHaveLength(1)
  })

  it('a re-run (attempt 2) publishes to a FIFO topic with the same deduplication ID', async () => {
    fakes = await startFakes()
    const inputs = { 'sns-topic-arn': SAMPLE_FIFO_TOPIC_ARN, 'fail-on': 'never' }
    await fakes.run(inputs)
    await fakes.run(inputs, { env: { GITHUB_RUN_ATTEMPT: '2' } })
    const ids = fakes.aws.callsTo('Publish').map((c) => c.params.MessageDeduplicationId)
    expect(ids).toHaveLength(2)
    expect(ids[1]).toMatch(/^[0-9a-f]{64}$/)
    expect(ids[1]).toBe(ids[0])
    // So the topic delivered the message once, within SNS's 5-minute deduplication window.
    expect(fakes.aws.published).toHaveLength(1)
  })

  it('an AccessDenied on publish leaves the summary and outputs written and fails the step', async () => {
    fakes = await startFakes()
    fakes.aws.addFault({
      action: 'Publish',
      fault: {
        status: 403,
        code: 'AuthorizationError',
        message: 'User is not authorized to perform: SNS:Publish'
      }
    })
    const result = await fakes.run({ 'sns-topic-arn': SAMPLE_TOPIC_ARN, 'fail-on': 'never' })
    expect(result.code).toBe(1)
    expect(result.summary).toContain('## IAM Key Sentinel: access key audit')
    expect(result.summary).toMatch(/\| SNS \| ❌ failed \| Publishing to .* failed/)
    expect(result.summary).toContain('Allow sns:Publish on')
    expect(result.outputs['overdue-count']).toBe('3')
    expect(result.outputs['report-path']).toBeTruthy()
    expect(result.stdout).toMatch(/::error::SNS delivery failed: .*not authorized/)
  })
})
