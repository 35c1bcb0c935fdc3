// What the planner is told besides each key's class: keys it must not touch, and the dates the
// staged delete recorded on earlier runs.
import { describe, expect, it } from '@jest/globals'
import { classify } from '../../../src/domain/classify.js'
import { deactivatedTagKey } from '../../../src/domain/lifecycle-tag.js'
import { blockedKeys, recordedDeactivations } from '../../../src/plan/guards.js'
import type { Finding } from '../../../src/domain/types.js'

const NOW = new Date('2026-06-01T00:00:00Z')
const T = { maxAgeDays: 90, warnDays: 14, unusedDays: 0 }
const finding = (userName: string, accessKeyId: string): Finding =>
  classify(
    {
      userName,
      accessKeyId,
      status: 'Active',
      createDate: new Date('2025-01-01T00:00:00Z'),
      lastUse: { kind: 'never' }
    },
    NOW,
    T
  )

const ALICE = finding('alice', 'AKIAALICE00000000001')
const BOB = finding('bob', 'AKIABOB0000000000001')
const CAROL = finding('carol', 'AKIACAROL00000000001')

describe('blockedKeys', () => {
  it("holds the action's own key and the keys of users whose exemptions could not be read", () => {
    const blocked = blockedKeys([ALICE, BOB, CAROL], BOB.accessKeyId, new Set(['carol']))
    expect([...blocked]).toEqual([
      [BOB.accessKeyId, 'the action is running with this key'],
      [CAROL.accessKeyId, "the user's tags or groups could not be read, so exemptions are unknown"]
    ])
  })

  it('holds nothing when the action runs without a user key and every user was read', () => {
    expect(blockedKeys([ALICE, BOB], undefined, new Set()).size).toBe(0)
  })
})

describe('recordedDeactivations', () => {
  it("reads each key's deactivation date from its owner's tags, and ignores what is not a date", () => {
    const tags = new Map([
      ['alice', new Map([[deactivatedTagKey(ALICE.accessKeyId), '2026-05-20T10:00:00.000Z']])],
      ['bob', new Map([[deactivatedTagKey(BOB.accessKeyId), 'last tuesday']])]
    ])
    expect(recordedDeactivations([ALICE, BOB, CAROL], tags)).toEqual(
      new Map([[ALICE.accessKeyId, new Date('2026-05-20T10:00:00.000Z')]])
    )
  })
})
