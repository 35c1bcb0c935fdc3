// The root user's keys and the users with two active keys in plain text (SNS, the digest): one
// line per value from AWS, and a key this run deactivated is not shown as still active.
import { describe, expect, it } from '@jest/globals'
import type { TwoActiveKeys } from '../../../src/domain/account-findings.js'
import type { ChangeRecord } from '../../../src/domain/changes.js'
import {
  activeRootKeys,
  changesByKey,
  rootKeysPlain,
  twoActiveKeysPlain
} from '../../../src/render/account-findings-plain.js'

const created = new Date('2025-01-02T03:04:05Z')
const used = {
  kind: 'used' as const,
  date: created,
  serviceName: 's3\nINJECTED',
  region: 'eu-west-1'
}

describe('twoActiveKeysPlain', () => {
  const users: TwoActiveKeys[] = [
    {
      userName: 'bob\nFAKE LINE',
      keys: [
        { accessKeyId: 'AKIASAMPLEBOBOLD0001', createDate: created, ageDays: 200, lastUse: used },
        { slot: 2, createDate: created, ageDays: 10, lastUse: { kind: 'never' } }
      ]
    }
  ]
  const deactivated = {
    kind: 'deactivate',
    accessKeyId: 'AKIASAMPLEBOBOLD0001',
    result: 'applied'
  } as ChangeRecord

  it('one line per user, values on one line, the state after this run', () => {
    const text = twoActiveKeysPlain(users, changesByKey([deactivated])) ?? ''
    const lines = text.split('\n')
    expect(lines).toHaveLength(2)
    expect(lines[1]).toBe(
      '- bob FAKE LINE: AKIASAMPLEBOBOLD0001, 200 days old, last used 2025-01-02 (s3 INJECTED, eu-west-1) (after run: Inactive: deactivated by this run); access key 2 (created 2025-01-02), 10 days old, never used'
    )
  })

  it('nothing for no user', () => {
    expect(twoActiveKeysPlain([], new Map())).toBeUndefined()
    expect(twoActiveKeysPlain(undefined, new Map())).toBeUndefined()
  })
})

describe('rootKeysPlain', () => {
  it('lists the report’s root keys with what to do, and counts the active ones', () => {
    const scan = {
      method: 'credential-report' as const,
      requested: 'auto' as const,
      reason: 'r',
      rootKeyCheck: { present: true },
      credentialReport: { generatedAt: created, candidateUsers: 0, unlistedOkKeys: 0 },
      rootAccessKeys: [
        {
          slot: 1 as const,
          active: true,
          createDate: created,
          ageDays: 700,
          lastUse: { kind: 'never' as const }
        },
        { slot: 2 as const, active: false, ageDays: 1, lastUse: used }
      ]
    }
    const text = rootKeysPlain(scan) ?? ''
    expect(text).toContain('- slot 1: ACTIVE, created 2025-01-02, never used')
    expect(text).toContain('- slot 2: inactive, creation date unknown, last used 2025-01-02')
    expect(text).toContain('sts:AssumeRoot')
    expect(activeRootKeys(scan)).toBe(1)
  })

  it('says nothing when GetAccountSummary finds none, and counts present-but-unknown as active', () => {
    const none = {
      method: 'api' as const,
      requested: 'api' as const,
      reason: 'r',
      rootKeyCheck: { present: false }
    }
    expect(rootKeysPlain(none)).toBeUndefined()
    expect(activeRootKeys(none)).toBe(0)
    const unknown = { ...none, rootKeyCheck: { present: true } }
    expect(rootKeysPlain(unknown)).toContain('present (GetAccountSummary)')
    expect(activeRootKeys(unknown)).toBe(1)
  })
})
