// The records the act stage makes, as every report reads them: the undo command, the counts of
// a run's changes, which results leave a key handled, and the deactivation date tag.
import { describe, expect, it } from '@jest/globals'
import { DEACTIVATED_TAG_PREFIX, readDeactivatedAt } from '../../../src/domain/lifecycle-tag.js'
import {
  countChanges,
  HANDLED_RESULTS,
  undoCommand,
  type ChangeRecord
} from '../../../src/domain/changes.js'
import { isIamName } from '../../../src/domain/iam-name.js'

describe('the undo command', () => {
  const key = {
    kind: 'deactivate' as const,
    userName: 'eve+ops=1,x.y@corp_z-9',
    accessKeyId: 'AKIA1'
  }

  it('reactivates a deactivated key, names as IAM spells them', () => {
    expect(undoCommand(key)).toBe(
      'aws iam update-access-key --user-name eve+ops=1,x.y@corp_z-9 --access-key-id AKIA1 --status Active'
    )
  })

  it('is not given for a deletion, or for a value a shell would read as more than a name', () => {
    expect(undoCommand({ ...key, kind: 'delete' })).toBeUndefined()
    for (const bad of ['a b', 'a;b', '$(id)', '`id`', "a'b", 'a\nb', '']) {
      expect(isIamName(bad)).toBe(false)
      expect(undoCommand({ ...key, userName: bad })).toBeUndefined()
      expect(undoCommand({ ...key, accessKeyId: bad })).toBeUndefined()
    }
  })
})

describe('counting changes', () => {
  const c = (kind: ChangeRecord['kind'], result: ChangeRecord['result']) => ({ kind, result })

  it('counts applied changes by kind, and failed, planned and cancelled ones', () => {
    expect(
      countChanges([
        c('deactivate', 'applied'),
        c('deactivate', 'applied'),
        c('delete', 'applied'),
        c('delete', 'failed'),
        c('deactivate', 'planned'),
        c('deactivate', 'cancelled'),
        c('deactivate', 'already-done'),
        c('deactivate', 'claimed'),
        c('delete', 'skipped')
      ])
    ).toEqual({ deactivated: 2, deleted: 1, failed: 1, planned: 1, cancelled: 1 })
    expect(countChanges([])).toEqual({
      deactivated: 0,
      deleted: 0,
      failed: 0,
      planned: 0,
      cancelled: 0
    })
  })

  it('leaves a key handled only when changed, already done, or left to another run', () => {
    expect([...HANDLED_RESULTS].sort()).toEqual(['already-done', 'applied', 'claimed'])
  })
})

describe('the deactivation date', () => {
  const id = 'AKIASAMPLEALICE00001'
  const tag = `${DEACTIVATED_TAG_PREFIX}${id}`

  it('is read from the tag of its key', () => {
    const tags = new Map([[tag, '2026-11-01T00:00:00.000Z']])
    expect(readDeactivatedAt(tags, id)).toEqual(new Date('2026-11-01T00:00:00.000Z'))
    expect(readDeactivatedAt(tags, 'AKIASAMPLEOTHER00001')).toBeUndefined()
  })

  it('is unknown without tags or when the tag is not a date (the grace period restarts)', () => {
    expect(readDeactivatedAt(undefined, id)).toBeUndefined()
    expect(readDeactivatedAt(new Map([[tag, 'last tuesday']]), id)).toBeUndefined()
  })
})
