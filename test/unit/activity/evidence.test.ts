// An incident key's evidence, read from its events: persistence calls (successful or denied, the
// new key of a CreateAccessKey), roles reached, temporary keys minted, and the user named.
import { describe, expect, it } from '@jest/globals'
import { KeyRun, MAX_SESSION_KEYS } from '../../../src/activity/key-run.js'
import { ActivityAccumulator } from '../../../src/activity/summarize.js'
import type { LookupEvent } from '../../../src/activity/summarize.js'
import { MAX_PERSISTENCE_CALLS, persistenceDoor } from '../../../src/domain/evidence.js'
import { assumeRoleCall, makeCall } from '../../support/cloudtrail-events.js'
import type { FakeCloudTrailEvent } from '../../support/fake-aws/index.js'

const KEY = 'AKIAEXPOSED000000001'
const T0 = Date.parse('2026-11-20T10:00:00Z')
const at = (m: number) => new Date(T0 + m * 60_000)
const asLookup = (e: FakeCloudTrailEvent): LookupEvent => ({
  EventId: e.eventId,
  EventName: e.eventName,
  EventTime: e.eventTime,
  AccessKeyId: e.accessKeyId,
  CloudTrailEvent: e.cloudTrailEvent
})
const alice = { accessKeyId: KEY, caller: 'alice', region: 'us-east-1' }
const iam = { ...alice, eventSource: 'iam.amazonaws.com' }
const window = { start: '', end: '', hours: 24 }

function evidenceOf(events: FakeCloudTrailEvent[]) {
  const accumulator = new ActivityAccumulator(KEY, true)
  for (const e of events) accumulator.add(asLookup(e))
  return accumulator.summary({ accessKeyId: KEY, lookups: [], window, regions: [] }).evidence
}

describe('evidence', () => {
  it('lists the persistence calls newest first, denied ones with their error, and the new key', () => {
    const evidence = evidenceOf([
      makeCall({
        ...iam,
        time: at(1),
        eventName: 'CreateUser',
        requestParameters: { userName: 'x' }
      }),
      makeCall({
        ...iam,
        time: at(2),
        eventName: 'CreateAccessKey',
        requestParameters: { userName: 'x' },
        responseElements: { accessKey: { accessKeyId: 'AKIANEW0000000000001' } }
      }),
      makeCall({
        ...iam,
        time: at(3),
        eventName: 'AttachRolePolicy',
        requestParameters: {
          roleName: 'r',
          policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess'
        },
        errorCode: 'AccessDenied'
      }),
      makeCall({ ...iam, time: at(4), eventName: 'ListUsers' }),
      // Not IAM's: another service's CreateUser opens no IAM door.
      makeCall({
        ...alice,
        eventSource: 'transfer.amazonaws.com',
        time: at(5),
        eventName: 'CreateUser'
      })
    ])
    expect(
      evidence?.persistence.map((p) => [p.eventName, p.errorCode, p.targets, p.createdAccessKeyId])
    ).toEqual([
      [
        'AttachRolePolicy',
        'AccessDenied',
        ['role r', 'policy arn:aws:iam::aws:policy/AdministratorAccess'],
        undefined
      ],
      ['CreateAccessKey', undefined, ['user x'], 'AKIANEW0000000000001'],
      ['CreateUser', undefined, ['user x'], undefined]
    ])
    expect(evidence?.userNames).toEqual(['alice'])
  })

  it('caps the list and says how many more there were', () => {
    const calls = Array.from({ length: MAX_PERSISTENCE_CALLS + 3 }, (_, n) =>
      makeCall({
        ...iam,
        time: at(n),
        eventName: 'PutUserPolicy',
        requestParameters: { userName: `u${n}` }
      })
    )
    const evidence = evidenceOf(calls)
    expect(evidence?.persistence).toHaveLength(MAX_PERSISTENCE_CALLS)
    expect(evidence?.persistenceOmitted).toBe(3)
    expect(evidence?.persistence[0]?.targets).toEqual([`user u${MAX_PERSISTENCE_CALLS + 2}`])
  })

  it('counts roles reached by successful and refused AssumeRole, and the keys they minted', () => {
    const deploy = 'arn:aws:iam::111122223333:role/deploy'
    const accumulator = new ActivityAccumulator(KEY, true)
    for (const e of [
      assumeRoleCall({
        ...alice,
        time: at(1),
        roleArn: deploy,
        sessionKeyId: 'ASIASESSION000000001'
      }),
      assumeRoleCall({ ...alice, time: at(2), roleArn: deploy, errorCode: 'AccessDenied' }),
      makeCall({
        ...alice,
        eventSource: 'sts.amazonaws.com',
        eventName: 'GetSessionToken',
        time: at(3),
        responseElements: { credentials: { accessKeyId: 'ASIASESSION000000002' } }
      })
    ]) {
      accumulator.add(asLookup(e))
    }
    expect(accumulator.mintedKeys()).toEqual([
      { accessKeyId: 'ASIASESSION000000001', via: 'AssumeRole' },
      { accessKeyId: 'ASIASESSION000000002', via: 'GetSessionToken' }
    ])
    const evidence = accumulator.summary({
      accessKeyId: KEY,
      lookups: [],
      window,
      regions: []
    }).evidence
    expect(evidence?.assumedRoles).toEqual([
      { roleArn: deploy, succeeded: 1, denied: 1, lastEventTime: at(2).toISOString() }
    ])
  })

  it('knows only IAM calls as doors', () => {
    expect(persistenceDoor('iam.amazonaws.com', 'CreateLoginProfile')).toBe('a console password')
    expect(persistenceDoor('iam.amazonaws.com', 'ListUsers')).toBeUndefined()
    expect(persistenceDoor('iam.amazonaws.com', 'constructor')).toBeUndefined()
  })
})

describe('KeyRun.nextSessionKeys', () => {
  it('follows role sessions once each, leaves GetSessionToken ones to the Username lookup, and caps', () => {
    const run = new KeyRun({ accessKeyId: KEY, userName: 'alice', byUsername: true }, 1000, true)
    const minted = (n: number, eventName = 'AssumeRole') =>
      makeCall({
        ...alice,
        eventSource: 'sts.amazonaws.com',
        eventName,
        time: at(n),
        requestParameters: { roleArn: 'arn:aws:iam::111122223333:role/r' },
        responseElements: {
          credentials: { accessKeyId: `ASIAMINTED${String(n).padStart(10, '0')}` }
        }
      })
    run.take(asLookup(minted(0, 'GetSessionToken')), 'us-east-1')
    for (let n = 1; n <= MAX_SESSION_KEYS + 2; n++) run.take(asLookup(minted(n)), 'us-east-1')
    const first = run.nextSessionKeys()
    expect(first).toHaveLength(MAX_SESSION_KEYS)
    expect(first).not.toContain('ASIAMINTED0000000000')
    expect(run.nextSessionKeys()).toEqual([])
    const summary = run.summary(window, ['us-east-1'])
    expect(summary.evidence?.sessionKeys).toEqual(first)
    expect(summary.evidence?.sessionKeysNotFollowed).toBe(2)
    expect(summary.lookups.filter((l) => l.value.startsWith('ASIA'))).toHaveLength(MAX_SESSION_KEYS)
  })
})
