import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { EventError, parseExposureEvent } from '../../../src/inputs/exposure-event.js'

const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(`test/fixtures/events/${name}.json`, 'utf8')) as Record<string, unknown>

describe('parseExposureEvent', () => {
  it('reads the key of an AWS Health AWS_RISK_CREDENTIALS_EXPOSED event (seed 001)', () => {
    expect(parseExposureEvent(fixture('aws-health'))).toEqual({
      source: 'aws-health',
      eventTypeCode: 'AWS_RISK_CREDENTIALS_EXPOSED',
      keys: [{ accessKeyId: 'AKIASAMPLEALICE00001' }],
      accountId: '111122223333',
      detectedAt: '2016-06-05T06:27:57Z',
      reference: 'arn:aws:health:us-east-1::event/AWS_RISK_CREDENTIALS_EXPOSED_XXXXXXXXXXXXXXXXX'
    })
  })

  it.each([
    'AWS_RISK_CREDENTIALS_EXPOSURE_SUSPECTED',
    'AWS_RISK_CREDENTIALS_COMPROMISED',
    'AWS_RISK_CREDENTIALS_COMPROMISE_SUSPECTED',
    'AWS_RISK_IAM_QUARANTINE'
  ])('reads the key of every code of the risk family: %s', (code) => {
    const event = fixture('aws-health') as { client_payload: { detail: Record<string, unknown> } }
    event.client_payload.detail.eventTypeCode = code
    expect(parseExposureEvent(event)).toMatchObject({
      source: 'aws-health',
      eventTypeCode: code,
      keys: [{ accessKeyId: 'AKIASAMPLEALICE00001' }]
    })
  })

  it('ignores a Health event of another code', () => {
    const event = fixture('aws-health') as { client_payload: { detail: Record<string, unknown> } }
    event.client_payload.detail.eventTypeCode = 'AWS_RISK_CREDENTIALS_LEAKED'
    expect(parseExposureEvent(event)).toBeUndefined()
  })

  it('reads key, user and location of a Trusted Advisor Exposed Access Keys event (seed 000)', () => {
    expect(parseExposureEvent(fixture('trusted-advisor'))).toEqual({
      source: 'trusted-advisor',
      keys: [
        { accessKeyId: 'AKIASAMPLEJUDY000001', userName: 'judy', location: 'www.example.com' }
      ],
      accountId: '111122223333',
      detectedAt: '2018-11-22T11:38:24Z',
      reference: 'Trusted Advisor case 12345678-1234-1234-abcd-1234567890ab'
    })
  })

  it('accepts the detail as a JSON string, as PutEvents mock payloads carry it', () => {
    const event = fixture('trusted-advisor')
    const payload = event.client_payload as Record<string, unknown>
    payload.detail = JSON.stringify(payload.detail)
    expect(parseExposureEvent(event)?.keys[0]?.accessKeyId).toBe('AKIASAMPLEJUDY000001')
  })

  it('reads every affected key of one Health event', () => {
    const event = fixture('aws-health')
    const detail = (event.client_payload as { detail: Record<string, unknown> }).detail
    detail.affectedEntities = [
      { entityValue: 'AKIASAMPLEALICE00001' },
      { entityValue: 'AKIASAMPLEJUDY000001' }
    ]
    expect(parseExposureEvent(event)?.keys.map((k) => k.accessKeyId)).toEqual([
      'AKIASAMPLEALICE00001',
      'AKIASAMPLEJUDY000001'
    ])
  })

  it('keeps the valid keys of an event and lists the entities that are not keys', () => {
    const event = fixture('aws-health')
    const detail = (event.client_payload as { detail: Record<string, unknown> }).detail
    detail.affectedEntities = [
      { entityValue: 'AKIASAMPLEALICE00001' },
      { entityValue: 'not-an-access-key' },
      { entityValue: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
      {}
    ]
    const parsed = parseExposureEvent(event)
    expect(parsed?.keys).toEqual([{ accessKeyId: 'AKIASAMPLEALICE00001' }])
    expect(parsed?.unusable).toEqual([
      { where: 'detail.affectedEntities[1].entityValue', value: 'not-an-access-key' },
      {
        where: 'detail.affectedEntities[2].entityValue',
        value: '(40 characters that may be a secret access key)'
      },
      { where: 'detail.affectedEntities[3].entityValue', value: '(empty)' }
    ])
  })

  it('ignores payloads that are not exposure events', () => {
    expect(parseExposureEvent({})).toBeUndefined()
    expect(
      parseExposureEvent({ client_payload: { detail: { eventTypeCode: 'AWS_EC2_MAINTENANCE' } } })
    ).toBeUndefined()
    expect(parseExposureEvent({ client_payload: 'x' })).toBeUndefined()
  })

  it.each([
    [
      'an empty affected entity list',
      { eventTypeCode: 'AWS_RISK_CREDENTIALS_EXPOSED', affectedEntities: [] },
      /names no affected entity/
    ],
    [
      'a malformed key',
      {
        eventTypeCode: 'AWS_RISK_CREDENTIALS_EXPOSED',
        affectedEntities: [{ entityValue: 'akia-lower' }]
      },
      /not an access key ID/
    ],
    [
      'a secret instead of a key ID',
      {
        eventTypeCode: 'AWS_RISK_CREDENTIALS_EXPOSED',
        affectedEntities: [{ entityValue: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' }]
      },
      /not an access key ID/
    ],
    ['no check item', { 'check-name': 'Exposed Access Keys' }, /no detail.check-item-detail/],
    [
      'no key in the check item',
      { 'check-name': 'Exposed Access Keys', 'check-item-detail': { Location: 'x' } },
      /Access Key ID/
    ]
  ])('rejects %s with a clear error', (_, detail, message) => {
    expect(() => parseExposureEvent({ client_payload: { detail } })).toThrow(EventError)
    expect(() => parseExposureEvent({ client_payload: { detail } })).toThrow(message)
  })

  it('rejects a detail string that is not JSON', () => {
    expect(() => parseExposureEvent({ client_payload: { detail: '{not json' } })).toThrow(
      /not valid JSON/
    )
  })
})
