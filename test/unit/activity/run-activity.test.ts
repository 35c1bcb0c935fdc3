// Which keys of a run get a CloudTrail lookup: the audit's changed or flagged keys, the
// incident's revoked keys (by user name too) and exposed keys whose owner is unknown.
import { describe, expect, it } from '@jest/globals'
import {
  auditTargets,
  globalEventsRegion,
  incidentTargets,
  lookUpRunActivity
} from '../../../src/activity/run-activity.js'
import { classify } from '../../../src/domain/classify.js'
import type { ChangeRecord } from '../../../src/domain/changes.js'

const NOW = new Date('2026-06-01T00:00:00Z')
const key = (userName: string, accessKeyId: string, created: string) =>
  classify(
    {
      userName,
      accessKeyId,
      status: 'Active',
      createDate: new Date(created),
      lastUse: { kind: 'never' }
    },
    NOW,
    { maxAgeDays: 90, warnDays: 14, unusedDays: 0 }
  )
const OLD = key('alice', 'AKIAALICE00000000001', '2025-01-01T00:00:00Z')
const FRESH = key('bob', 'AKIABOB0000000000001', '2026-05-30T00:00:00Z')
const change = (result: ChangeRecord['result']): ChangeRecord =>
  ({
    kind: 'deactivate',
    userName: 'carol',
    accessKeyId: 'AKIACAROL00000000001',
    result
  }) as ChangeRecord

describe('auditTargets', () => {
  it('names the attempted changes, and the flagged keys only with activity-for flagged', () => {
    const changes = [
      change('applied'),
      { ...change('planned'), accessKeyId: 'AKIAPLANNED000000001' }
    ]
    expect(auditTargets('changed', [OLD, FRESH], changes)).toEqual([
      { accessKeyId: 'AKIACAROL00000000001', userName: 'carol', byUsername: false }
    ])
    expect(auditTargets('flagged', [OLD, FRESH], changes).map((t) => t.accessKeyId)).toEqual([
      'AKIACAROL00000000001',
      'AKIAALICE00000000001'
    ])
    expect(auditTargets('none', [OLD], changes)).toEqual([])
  })
})

describe('incidentTargets', () => {
  it('looks up revoked keys by user name, unknown owners by key ID, and skips entities', () => {
    const targets = incidentTargets('changed', [
      { accessKeyId: 'AKIAALICE00000000001', userName: 'alice', outcome: 'revoked' },
      { accessKeyId: 'AKIAUNKNOWN000000001', outcome: 'failed' },
      { accessKeyId: 'my-bucket', unusableEntity: 'detail.x', outcome: 'failed' }
    ])
    expect(targets).toEqual([
      { accessKeyId: 'AKIAALICE00000000001', userName: 'alice', byUsername: true },
      { accessKeyId: 'AKIAUNKNOWN000000001', byUsername: false }
    ])
    expect(
      incidentTargets('none', [{ accessKeyId: 'AKIAUNKNOWN000000001', outcome: 'failed' }])
    ).toEqual([])
  })
})

describe('lookUpRunActivity', () => {
  it('asks CloudTrail nothing when no key is named', async () => {
    const lines: string[] = []
    const log = {
      debug: () => {},
      info: (m: string) => lines.push(m),
      warning: () => {},
      error: () => {}
    }
    const settings = {
      activityFor: 'changed' as const,
      lookbackHours: 24,
      regions: ['us-east-1'],
      maxEvents: 10
    }
    expect(await lookUpRunActivity([], { settings, now: NOW, log })).toEqual([])
    expect(lines).toEqual([])
  })
})

describe('globalEventsRegion', () => {
  it('is where each partition records IAM, STS and sign-in events', () => {
    expect(['eu-west-1', 'us-east-1', 'ap-south-2'].map(globalEventsRegion)).toEqual([
      'us-east-1',
      'us-east-1',
      'us-east-1'
    ])
    expect(globalEventsRegion('us-gov-east-1')).toBe('us-gov-west-1')
    expect(globalEventsRegion('cn-northwest-1')).toBe('cn-north-1')
  })
})
