// What each exposure signal calls for, and AWS's quarantine, as every incident channel says it.
import { describe, expect, it } from '@jest/globals'
import {
  healthResponse,
  HEALTH_RISK_CODES,
  QUARANTINE_POLICY
} from '../../../src/domain/exposure.js'
import type { IncidentKeyResult } from '../../../src/domain/incident.js'
import { escapeMarkdown } from '../../../src/kit/text/markdown.js'
import { signalLines } from '../../../src/render/exposure-signal.js'

const key = (
  userName: string,
  quarantine?: IncidentKeyResult['quarantine']
): IncidentKeyResult => ({
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  userName,
  outcome: 'revoked',
  ...(quarantine ? { quarantine } : {})
})
const V2 = 'arn:aws:iam::aws:policy/AWSCompromisedKeyQuarantineV2'

describe('healthResponse', () => {
  it('never deletes on a suspicion, and knows the quarantine code', () => {
    expect(HEALTH_RISK_CODES.map((c) => [c, healthResponse(c)])).toEqual([
      ['AWS_RISK_CREDENTIALS_EXPOSED', { suspected: false, quarantined: false }],
      ['AWS_RISK_CREDENTIALS_EXPOSURE_SUSPECTED', { suspected: true, quarantined: false }],
      ['AWS_RISK_CREDENTIALS_COMPROMISED', { suspected: false, quarantined: false }],
      ['AWS_RISK_CREDENTIALS_COMPROMISE_SUSPECTED', { suspected: true, quarantined: false }],
      ['AWS_RISK_IAM_QUARANTINE', { suspected: false, quarantined: true }]
    ])
  })

  it('matches the three quarantine policies of AWS only', () => {
    for (const name of [
      'AWSCompromisedKeyQuarantine',
      'AWSCompromisedKeyQuarantineV2',
      'AWSCompromisedKeyQuarantineV3'
    ])
      expect(QUARANTINE_POLICY.test(`arn:aws:iam::aws:policy/${name}`)).toBe(true)
    expect(
      QUARANTINE_POLICY.test('arn:aws:iam::123456789012:policy/AWSCompromisedKeyQuarantineV2')
    ).toBe(false)
    expect(
      QUARANTINE_POLICY.test('arn:aws:iam::aws:policy/AWSCompromisedKeyQuarantineV2Extra')
    ).toBe(false)
  })
})

describe('signalLines', () => {
  it('says nothing for a manual request without quarantine', () => {
    expect(
      signalLines({ action: 'deactivate', keys: [key('alice', { policies: [] })] }, escapeMarkdown)
    ).toEqual([])
  })

  it('names a suspected code’s deactivation and the delete that was asked for', () => {
    const [line] = signalLines(
      {
        eventTypeCode: 'AWS_RISK_CREDENTIALS_COMPROMISE_SUSPECTED',
        action: 'deactivate',
        requestedAction: 'delete',
        keys: []
      },
      escapeMarkdown
    )
    expect(line).toContain('never deleted on a suspicion (action delete was asked for)')
  })

  it('reports each quarantined user once, escaped, and a read that failed', () => {
    const lines = signalLines(
      {
        action: 'delete',
        keys: [
          key('*bob*', { policies: [V2] }),
          key('*bob*', { policies: [V2] }),
          key('carol', { policies: [], error: 'AccessDenied: <no>' })
        ]
      },
      escapeMarkdown
    )
    expect(lines).toHaveLength(2)
    expect(lines[0]).toContain('AWS has attached AWSCompromisedKeyQuarantineV2 to &#42;bob&#42;.')
    expect(lines[1]).toContain('Whether AWS has quarantined carol could not be read')
    expect(lines[1]).not.toContain('<no>')
  })

  it('says when the quarantine event finds no quarantine policy', () => {
    const lines = signalLines(
      {
        eventTypeCode: 'AWS_RISK_IAM_QUARANTINE',
        action: 'deactivate',
        keys: [key('alice', { policies: [] })]
      },
      escapeMarkdown
    )
    expect(lines[1]).toContain('no AWSCompromisedKeyQuarantine policy is attached')
  })
})
