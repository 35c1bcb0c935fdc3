// Every exposure signal AWS sends, end to end: each AWS Health credential risk code gets its
// documented response, AWS's own quarantine policy is reported on every channel and left in
// place, and a Trusted Advisor event is answered the same way.
import { afterEach, describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { HEALTH_RISK_CODES } from '../../src/domain/exposure.js'
import { keyStatus, readReport, startFakes, type Fakes } from '../support/harness.js'
import { SAMPLE_TOPIC_ARN, sampleAccount } from '../support/sample-account.js'

let fakes: Fakes
afterEach(() => fakes.stop())

const QUARANTINE = {
  policyName: 'AWSCompromisedKeyQuarantineV2',
  policyArn: 'arn:aws:iam::aws:policy/AWSCompromisedKeyQuarantineV2'
}
const BOUNDARY = {
  policyName: 'ReadOnlyAccess',
  policyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess'
}

function healthEvent(code: string): unknown {
  const event = JSON.parse(readFileSync('test/fixtures/events/aws-health.json', 'utf8'))
  event.client_payload.detail.eventTypeCode = code
  event.client_payload.detail.eventArn = `arn:aws:health:us-east-1::event/RISK/${code}/EXAMPLE1`
  return event
}

/** The sample account, alice quarantined by AWS (beside a policy of her own). */
function quarantinedAccount() {
  const account = sampleAccount()
  const alice = account.users.find((u) => u.userName === 'alice')
  if (alice) alice.attachedPolicies = [QUARANTINE, BOUNDARY]
  return account
}

function dispatch(f: Fakes, event: unknown, inputs: Record<string, string> = {}) {
  return f.run(
    { 'github-token': f.github.token, 'sns-topic-arn': SAMPLE_TOPIC_ARN, ...inputs },
    { eventName: 'repository_dispatch', event }
  )
}

const attached = (f: Fakes, user: string) =>
  f.aws.account().users.find((u) => u.userName === user)?.attachedPolicies ?? []

const DETACHING = ['DetachUserPolicy', 'DeleteUserPolicy', 'DeletePolicy', 'DeletePolicyVersion']

describe('AWS Health credential risk codes', () => {
  it.each(HEALTH_RISK_CODES.map((code) => [code]))(
    '%s revokes the key and names the code and its response everywhere',
    async (code) => {
      fakes = await startFakes()
      const result = await dispatch(fakes, healthEvent(code))

      expect(result.code).toBe(0)
      expect(keyStatus(fakes.aws.account(), 'AKIASAMPLEALICE00001')).toBe('Inactive')
      expect(fakes.aws.callsTo('UpdateAccessKey')).toHaveLength(1)
      expect(result.summary).toContain(`reported by AWS Health (${code})`)
      const message = fakes.aws.published[0]?.message ?? ''
      expect(message).toContain(
        `Source:   AWS Health (${code}), arn:aws:health:us-east-1::event/RISK/${code}/EXAMPLE1`
      )
      const issue = fakes.github.issues.find((i) =>
        i.labels.some((l) => l.name === 'security-incident')
      )
      for (const text of [result.summary, message, issue?.body ?? '']) {
        expect(text).toContain(`(${code}): the key is`)
      }
      const report = await readReport(result)
      expect(report.event).toMatchObject({ source: 'aws-health', eventTypeCode: code })
      // The user carries no quarantine policy: read, nothing to say about it.
      expect(fakes.aws.callsTo('ListAttachedUserPolicies').map((c) => c.params.UserName)).toEqual([
        'alice'
      ])
      if (code === 'AWS_RISK_IAM_QUARANTINE') {
        expect(result.summary).toContain('no AWSCompromisedKeyQuarantine policy is attached')
      } else {
        expect(result.summary).not.toContain('AWSCompromisedKeyQuarantine')
      }
    }
  )

  it.each([
    ['AWS_RISK_CREDENTIALS_EXPOSURE_SUSPECTED'],
    ['AWS_RISK_CREDENTIALS_COMPROMISE_SUSPECTED']
  ])('%s with action delete deactivates only, and says why', async (code) => {
    fakes = await startFakes()
    const result = await dispatch(fakes, healthEvent(code), { action: 'delete' })

    expect(result.code).toBe(0)
    expect(fakes.aws.callsTo('DeleteAccessKey')).toEqual([])
    expect(keyStatus(fakes.aws.account(), 'AKIASAMPLEALICE00001')).toBe('Inactive')
    expect(result.summary).toContain(
      'the key is deactivated, never deleted on a suspicion (action delete was asked for)'
    )
    const report = await readReport(result)
    expect(report).toMatchObject({ action: 'deactivate', requestedAction: 'delete' })
  })

  it.each([['AWS_RISK_CREDENTIALS_EXPOSED'], ['AWS_RISK_CREDENTIALS_COMPROMISED']])(
    '%s with action delete deletes',
    async (code) => {
      fakes = await startFakes()
      const result = await dispatch(fakes, healthEvent(code), { action: 'delete' })
      expect(result.code).toBe(0)
      expect(keyStatus(fakes.aws.account(), 'AKIASAMPLEALICE00001')).toBe('Deleted')
    }
  )

  it('AWS_RISK_IAM_QUARANTINE on a quarantined user: reported on every channel, never removed', async () => {
    fakes = await startFakes(quarantinedAccount())
    const result = await dispatch(fakes, healthEvent('AWS_RISK_IAM_QUARANTINE'), {
      action: 'delete'
    })

    expect(result.code).toBe(0)
    expect(keyStatus(fakes.aws.account(), 'AKIASAMPLEALICE00001')).toBe('Deleted')
    const said = 'AWS has attached AWSCompromisedKeyQuarantineV2 to alice. Leave it in place'
    const issue = fakes.github.issues.find((i) =>
      i.labels.some((l) => l.name === 'security-incident')
    )
    expect(result.summary).toContain(said)
    expect(issue?.body).toContain(said)
    expect(fakes.aws.published[0]?.message).toContain(said)
    expect(result.summary).not.toContain('no AWSCompromisedKeyQuarantine policy is attached')
    // Both managed policies are still attached, and nothing tried to detach or delete one.
    expect(attached(fakes, 'alice')).toEqual([QUARANTINE, BOUNDARY])
    for (const action of DETACHING) expect(fakes.aws.callsTo(action)).toEqual([])
    const report = await readReport(result)
    expect((report.keys as unknown as { quarantine?: unknown }[])[0]?.quarantine).toEqual({
      policies: [QUARANTINE.policyArn]
    })
  })

  it('a quarantine that cannot be read is said, and the key is still revoked', async () => {
    fakes = await startFakes(quarantinedAccount())
    fakes.aws.addFault({
      action: 'ListAttachedUserPolicies',
      fault: { status: 403, code: 'AccessDenied', message: 'not allowed' }
    })
    const result = await dispatch(fakes, healthEvent('AWS_RISK_CREDENTIALS_EXPOSED'))
    expect(result.code).toBe(0)
    expect(keyStatus(fakes.aws.account(), 'AKIASAMPLEALICE00001')).toBe('Inactive')
    expect(result.summary).toContain('Whether AWS has quarantined alice could not be read')
  })
})

describe('Trusted Advisor Exposed Access Keys', () => {
  it('revokes the key it names, with its location, and reports AWS’s quarantine policy', async () => {
    const account = sampleAccount()
    const judy = account.users.find((u) => u.userName === 'judy')
    if (judy) judy.attachedPolicies = [QUARANTINE]
    fakes = await startFakes(account)
    const event = JSON.parse(readFileSync('test/fixtures/events/trusted-advisor.json', 'utf8'))
    const result = await dispatch(fakes, event)

    expect(result.code).toBe(0)
    expect(keyStatus(fakes.aws.account(), 'AKIASAMPLEJUDY000001')).toBe('Inactive')
    expect(result.summary).toContain('reported by Trusted Advisor (Exposed Access Keys)')
    expect(fakes.aws.published[0]?.message).toContain(
      'was deactivated after it was found to have been exposed at www.example.com'
    )
    expect(result.summary).toContain('AWS has attached AWSCompromisedKeyQuarantineV2 to judy')
    expect(attached(fakes, 'judy')).toEqual([QUARANTINE])
  })
})
