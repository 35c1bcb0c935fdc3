// Incident response end to end: one exposed key revoked on demand or from AWS's own event,
// and the "manual intervention" path when it cannot be taken away.
import { afterEach, describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { makeEvents } from '../support/cloudtrail-events.js'
import { keyStatus, startFakes, type Fakes } from '../support/harness.js'
import { SAMPLE_TOPIC_ARN, sampleAccount } from '../support/sample-account.js'

let fakes: Fakes
afterEach(() => fakes.stop())

const HOUR = 3_600_000

/** The sample account with 24 hours of CloudTrail activity of alice's key, and a session of hers. */
function accountWithActivity() {
  const account = sampleAccount()
  const start = new Date(Date.now() - 20 * HOUR)
  account.cloudTrail = [
    ...makeEvents({
      accessKeyId: 'AKIASAMPLEALICE00001',
      userName: 'alice',
      region: 'us-east-1',
      count: 30,
      start
    }),
    ...makeEvents({
      accessKeyId: 'ASIASESSIONALICE0001',
      userName: 'alice',
      region: 'us-east-1',
      count: 5,
      start,
      idPrefix: 's'
    })
  ]
  return account
}

function incidentRun(f: Fakes, inputs: Record<string, string>, options = {}) {
  return f.run(
    { 'github-token': f.github.token, 'sns-topic-arn': SAMPLE_TOPIC_ARN, ...inputs },
    { eventName: 'workflow_dispatch', ...options }
  )
}

function writesTo(f: Fakes, action: string): string[] {
  return f.aws
    .callsTo(action)
    .map((c) => `${c.params.UserName} ${c.params.AccessKeyId ?? c.params.PolicyName}`)
}

describe('incident response', () => {
  it('dispatch with one key deactivates exactly it, revokes its sessions and tells everyone', async () => {
    fakes = await startFakes(accountWithActivity())
    const result = await incidentRun(fakes, { 'revoke-access-key-ids': 'AKIASAMPLEALICE00001' })

    expect(result.code).toBe(0)
    expect(writesTo(fakes, 'UpdateAccessKey')).toEqual(['alice AKIASAMPLEALICE00001'])
    expect(writesTo(fakes, 'DeleteAccessKey')).toEqual([])
    expect(keyStatus(fakes.aws.account(), 'AKIASAMPLEALICE00001')).toBe('Inactive')
    expect(keyStatus(fakes.aws.account(), 'AKIASAMPLEBOBOLD0001')).toBe('Active')
    // Only the exposed key: no scan of the account.
    expect(fakes.aws.callsTo('ListUsers')).toEqual([])

    const policy = fakes.aws.account().users.find((u) => u.userName === 'alice')?.inlinePolicies?.[
      'iam-key-sentinel-revoke-older-sessions'
    ]
    const statement = JSON.parse(policy ?? '{}').Statement[0]
    expect(statement).toMatchObject({ Effect: 'Deny', Action: '*', Resource: '*' })
    expect(Date.parse(statement.Condition.DateLessThan['aws:TokenIssueTime'])).toBeGreaterThan(
      Date.now() - 60_000
    )

    // CloudTrail by key ID and by user name (the session's events count too).
    const lookups = fakes.aws.callsTo('LookupEvents').map((c) => c.params.LookupAttributes)
    expect(lookups.some((l) => l?.includes('"AccessKeyId"'))).toBe(true)
    expect(lookups.some((l) => l?.includes('"Username"'))).toBe(true)

    const [message] = fakes.aws.published
    expect(message?.subject).toBe(
      'IAM Key Sentinel incident: 1 exposed key deactivated in 111122223333'
    )
    expect(message?.attributes.event).toEqual({ DataType: 'String', StringValue: 'incident' })
    expect(message?.message).toMatch(
      /the IAM access key AKIASAMPLEALICE00001 for user alice on account 111122223333 was deactivated/
    )
    expect(message?.message).toContain('CloudTrail activity of access key AKIASAMPLEALICE00001')
    expect(message?.message).toContain(
      'aws iam delete-user-policy --user-name alice --policy-name iam-key-sentinel-revoke-older-sessions'
    )

    const issue = fakes.github.issues.find((i) =>
      i.labels.some((l) => l.name === 'security-incident')
    )
    expect(issue?.title).toBe('Exposed access key AKIASAMPLEALICE00001 in 111122223333')
    expect(issue?.body).toContain('✅ revoked (deactivate: applied)')
    expect(result.summary).toContain('## IAM Key Sentinel: exposed access key incident')
    expect(result.summary).toContain('### Activity (CloudTrail, last 24 hours)')
    expect(result.outputs['deactivated-count']).toBe('1')
  })

  it('an AWS Health event through GITHUB_EVENT_PATH does the same', async () => {
    fakes = await startFakes(accountWithActivity())
    const event = JSON.parse(readFileSync('test/fixtures/events/aws-health.json', 'utf8'))
    const result = await incidentRun(fakes, {}, { eventName: 'repository_dispatch', event })

    expect(result.code).toBe(0)
    expect(writesTo(fakes, 'UpdateAccessKey')).toEqual(['alice AKIASAMPLEALICE00001'])
    expect(writesTo(fakes, 'PutUserPolicy')).toEqual([
      'alice iam-key-sentinel-revoke-older-sessions'
    ])
    expect(fakes.aws.published[0]?.message).toContain(
      'Source:   AWS Health (AWS_RISK_CREDENTIALS_EXPOSED)'
    )
    expect(
      fakes.github.issues.some((i) => i.labels.some((l) => l.name === 'security-incident'))
    ).toBe(true)
    expect(result.summary).toContain('reported by AWS Health')
  })

  it('a Trusted Advisor event with action delete deletes at once and names the exposure location', async () => {
    fakes = await startFakes()
    const event = JSON.parse(readFileSync('test/fixtures/events/trusted-advisor.json', 'utf8'))
    const result = await incidentRun(
      fakes,
      { action: 'delete' },
      { eventName: 'repository_dispatch', event }
    )
    expect(result.code).toBe(0)
    expect(writesTo(fakes, 'DeleteAccessKey')).toEqual(['judy AKIASAMPLEJUDY000001'])
    expect(keyStatus(fakes.aws.account(), 'AKIASAMPLEJUDY000001')).toBe('Deleted')
    expect(fakes.aws.published[0]?.message).toContain(
      'was deleted after it was found to have been exposed at www.example.com'
    )
  })

  it('a key that does not exist produces the manual-intervention notice everywhere and fails', async () => {
    fakes = await startFakes()
    const result = await incidentRun(fakes, { 'revoke-access-key-ids': 'AKIANOSUCHKEY0000001' })
    expect(result.code).toBe(1)
    expect(fakes.aws.mutatingCalls().filter((c) => c.service === 'iam')).toEqual([])
    expect(result.stdout).toMatch(
      /::error::Manual inspection and intervention needed for AKIANOSUCHKEY0000001/
    )
    const [message] = fakes.aws.published
    expect(message?.subject).toBe(
      'IAM Key Sentinel incident: 1 exposed key NEEDS MANUAL INTERVENTION in 111122223333'
    )
    expect(message?.message).toContain('MANUAL INSPECTION AND INTERVENTION REQUIRED')
    const issue = fakes.github.issues.find((i) =>
      i.labels.some((l) => l.name === 'security-incident')
    )
    expect(issue?.title).toBe(
      'Manual intervention needed: Exposed access key AKIANOSUCHKEY0000001 in 111122223333'
    )
    expect(result.summary).toContain('**Manual inspection and intervention required**')
  })

  it('two keys where one fails: the other is still revoked', async () => {
    fakes = await startFakes()
    fakes.aws.addFault({
      action: 'UpdateAccessKey',
      match: (c) => c.params.AccessKeyId === 'AKIASAMPLEBOBOLD0001',
      fault: { status: 403, code: 'AccessDenied', message: 'explicit deny' }
    })
    const result = await incidentRun(fakes, {
      'revoke-access-key-ids': 'AKIASAMPLEBOBOLD0001\nAKIASAMPLEALICE00001'
    })
    expect(result.code).toBe(1)
    expect(keyStatus(fakes.aws.account(), 'AKIASAMPLEALICE00001')).toBe('Inactive')
    expect(keyStatus(fakes.aws.account(), 'AKIASAMPLEBOBOLD0001')).toBe('Active')
    const incident = JSON.parse(result.outputs.incident ?? '[]') as {
      accessKeyId: string
      outcome: string
    }[]
    expect(incident.map((k) => [k.accessKeyId, k.outcome])).toEqual([
      ['AKIASAMPLEBOBOLD0001', 'failed'],
      ['AKIASAMPLEALICE00001', 'revoked']
    ])
    expect(fakes.aws.published[0]?.subject).toBe(
      'IAM Key Sentinel incident: 1 exposed key NEEDS MANUAL INTERVENTION, 1 deactivated in 111122223333'
    )
    expect(result.stdout).toContain('explicit deny')
  })

  it('a Health event with a valid key and a malformed entity revokes the key and reports the entity', async () => {
    fakes = await startFakes()
    const event = JSON.parse(readFileSync('test/fixtures/events/aws-health.json', 'utf8'))
    event.client_payload.detail.affectedEntities = [
      { entityValue: 'AKIASAMPLEALICE00001' },
      { entityValue: 'not-an-access-key' }
    ]
    const result = await incidentRun(fakes, {}, { eventName: 'repository_dispatch', event })

    // The valid key is taken away; the step fails at the end for the entity a person must check.
    expect(keyStatus(fakes.aws.account(), 'AKIASAMPLEALICE00001')).toBe('Inactive')
    expect(writesTo(fakes, 'UpdateAccessKey')).toEqual(['alice AKIASAMPLEALICE00001'])
    expect(result.code).toBe(1)
    expect(result.stdout).toMatch(
      /::error::Manual inspection and intervention needed for not-an-access-key: The event names 'not-an-access-key' \(detail\.affectedEntities\[1\]\.entityValue\)/
    )
    const incident = JSON.parse(result.outputs.incident ?? '[]') as {
      accessKeyId: string
      outcome: string
    }[]
    expect(incident.map((k) => [k.accessKeyId, k.outcome])).toEqual([
      ['AKIASAMPLEALICE00001', 'revoked'],
      ['not-an-access-key', 'failed']
    ])
    const [message] = fakes.aws.published
    expect(message?.subject).toBe(
      'IAM Key Sentinel incident: 1 exposed key NEEDS MANUAL INTERVENTION, 1 deactivated in 111122223333'
    )
    expect(message?.message).toContain(
      "MANUAL INSPECTION AND INTERVENTION REQUIRED: the event names 'not-an-access-key' as exposed"
    )
    expect(message?.message).toMatch(
      /IAM access key AKIASAMPLEALICE00001 for user alice .* was deactivated/
    )
    const issue = fakes.github.issues.find((i) =>
      i.labels.some((l) => l.name === 'security-incident')
    )
    expect(issue?.title).toContain('Manual intervention needed')
    expect(issue?.body).toContain('not-an-access-key')
    expect(result.summary).toContain('**Manual inspection and intervention required** for 1 key')
    expect(result.summary).toContain('not-an-access-key')
    // Nothing was asked of CloudTrail or IAM about the entity.
    const asked = fakes.aws.calls.filter((c) => c.service === 'iam' || c.service === 'cloudtrail')
    expect(asked.some((c) => c.body.includes('not-an-access-key'))).toBe(false)
  })

  it('a Health event with no valid key at all fails before any call', async () => {
    fakes = await startFakes()
    const event = JSON.parse(readFileSync('test/fixtures/events/aws-health.json', 'utf8'))
    event.client_payload.detail.affectedEntities = [{ entityValue: 'not-an-access-key' }]
    const result = await incidentRun(fakes, {}, { eventName: 'repository_dispatch', event })
    expect(result.code).toBe(1)
    expect(result.stdout).toContain(
      'detail.affectedEntities[0].entityValue is not an access key ID'
    )
    expect(fakes.aws.calls).toEqual([])
    expect(fakes.github.requests).toEqual([])
  })

  it('rejects a malformed key ID before any AWS or GitHub call', async () => {
    fakes = await startFakes()
    const result = await incidentRun(fakes, {
      'revoke-access-key-ids': 'AKIASAMPLEALICE00001,not-a-key'
    })
    expect(result.code).toBe(1)
    expect(result.stdout).toContain("'revoke-access-key-ids' entries must be access key IDs")
    expect(fakes.aws.calls).toEqual([])
    expect(fakes.github.requests).toEqual([])
  })
})
