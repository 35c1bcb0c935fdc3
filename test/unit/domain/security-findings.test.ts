// The Security Hub sync rule: current findings imported with their stored first-seen times,
// the gone ones resolved only when the run saw enough, resolved ones that are back reopened,
// and a person's suppression left alone.
import { describe, expect, it } from '@jest/globals'
import {
  planFindingSync,
  securityFindingId,
  type SecurityFinding,
  type StoredFinding
} from '../../../src/domain/security-findings.js'
import { renderAsff, storedFinding } from '../../../src/render/asff.js'

const ACCOUNT = '111122223333'

function current(accessKeyId: string): SecurityFinding {
  return {
    id: securityFindingId(ACCOUNT, { accessKeyId }),
    generator: 'audit',
    kind: 'overdue',
    severity: 'HIGH',
    title: 't',
    description: 'd',
    remediation: 'r',
    accountId: ACCOUNT,
    userName: 'alice',
    key: { accessKeyId, status: 'Active', createDate: new Date('2026-01-01T00:00:00Z') }
  }
}

function stored(accessKeyId: string, workflowStatus: string, userName = 'alice'): StoredFinding {
  return {
    id: securityFindingId(ACCOUNT, { accessKeyId }),
    generator: 'audit',
    kind: 'overdue',
    userName,
    accessKeyId,
    createdAt: '2026-11-01T00:00:00.000Z',
    firstObservedAt: '2026-11-01T00:00:00.000Z',
    workflowStatus
  }
}

describe('securityFindingId', () => {
  it('is one per key whatever its class, and apart for users, root and exposures', () => {
    expect(securityFindingId(ACCOUNT, { accessKeyId: 'AKIA1' })).toBe(
      'iam-key-sentinel/111122223333/AKIA1'
    )
    expect(securityFindingId(ACCOUNT, { accessKeyId: 'AKIA1', exposure: true })).toBe(
      'iam-key-sentinel/111122223333/AKIA1/exposure'
    )
    expect(securityFindingId(ACCOUNT, { userName: 'bob', twoActiveKeys: true })).toBe(
      'iam-key-sentinel/111122223333/user/bob/two-active-keys'
    )
    expect(securityFindingId(ACCOUNT, { root: true })).toBe(
      'iam-key-sentinel/111122223333/root/access-keys'
    )
  })
})

describe('planFindingSync', () => {
  it('keeps the stored first-seen times of a finding seen again; a new one has none', () => {
    const plan = planFindingSync(
      [current('AKIAOLD'), current('AKIANEW')],
      [stored('AKIAOLD', 'NEW')],
      () => true
    )
    expect(plan.imports.map((i) => [i.finding.key?.accessKeyId, i.createdAt])).toEqual([
      ['AKIAOLD', '2026-11-01T00:00:00.000Z'],
      ['AKIANEW', undefined]
    ])
    expect(plan.resolve).toEqual([])
  })

  it('resolves what is gone, unless the run could not tell or it is settled already', () => {
    const plan = planFindingSync(
      [],
      [
        stored('AKIAGONE', 'NEW'),
        stored('AKIANOTIFIED', 'NOTIFIED'),
        stored('AKIAUNREAD', 'NEW', 'unreadable'),
        stored('AKIADONE', 'RESOLVED'),
        stored('AKIAMUTED', 'SUPPRESSED')
      ],
      (s) => s.userName !== 'unreadable'
    )
    expect(plan.resolve.map((s) => s.accessKeyId)).toEqual(['AKIAGONE', 'AKIANOTIFIED'])
  })

  it('reopens a resolved finding that is current again, never a suppressed one', () => {
    const plan = planFindingSync(
      [current('AKIABACK'), current('AKIAMUTED')],
      [stored('AKIABACK', 'RESOLVED'), stored('AKIAMUTED', 'SUPPRESSED')],
      () => true
    )
    expect(plan.reopen.map((s) => s.accessKeyId)).toEqual(['AKIABACK'])
  })
})

describe('renderAsff and storedFinding', () => {
  const ctx = {
    partition: 'aws' as const,
    region: 'eu-west-1',
    now: new Date('2026-12-01T00:00:00Z')
  }

  it('a new finding starts now; a stored one keeps CreatedAt and FirstObservedAt', () => {
    const fresh = renderAsff(current('AKIA1'), ctx)
    expect([fresh.CreatedAt, fresh.FirstObservedAt, fresh.UpdatedAt]).toEqual([
      '2026-12-01T00:00:00.000Z',
      '2026-12-01T00:00:00.000Z',
      '2026-12-01T00:00:00.000Z'
    ])
    const again = renderAsff(current('AKIA1'), ctx, stored('AKIA1', 'NEW'))
    expect([again.CreatedAt, again.FirstObservedAt, again.LastObservedAt]).toEqual([
      '2026-11-01T00:00:00.000Z',
      '2026-11-01T00:00:00.000Z',
      '2026-12-01T00:00:00.000Z'
    ])
    expect(again.ProductArn).toBe(
      'arn:aws:securityhub:eu-west-1:111122223333:product/111122223333/default'
    )
  })

  it('reads its own findings back and ignores any other product or generator', () => {
    const asff = renderAsff(current('AKIA1'), ctx)
    const product = asff.ProductArn
    expect(storedFinding({ ...asff, Workflow: { Status: 'NOTIFIED' } }, product)).toEqual({
      id: asff.Id,
      generator: 'audit',
      kind: 'overdue',
      userName: 'alice',
      accessKeyId: 'AKIA1',
      createdAt: asff.CreatedAt,
      firstObservedAt: asff.FirstObservedAt,
      workflowStatus: 'NOTIFIED'
    })
    expect(storedFinding({ ...asff, GeneratorId: 'someone-else' }, product)).toBeUndefined()
    expect(
      storedFinding(asff, 'arn:aws:securityhub:eu-west-1::product/aws/guardduty')
    ).toBeUndefined()
  })
})
