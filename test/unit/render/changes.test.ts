// The "Changes" section: users and keys linked to the IAM console of the run's partition.
import { describe, expect, it } from '@jest/globals'
import type { ChangeRecord, Plan } from '../../../src/domain/changes.js'
import { renderChanges } from '../../../src/render/changes.js'

const record = (userName: string, accessKeyId: string): ChangeRecord => ({
  kind: 'deactivate',
  userName,
  accessKeyId,
  reason: 'overdue: 120 days old',
  result: 'applied',
  before: { status: 'Active', createDate: '2026-08-01T00:00:00.000Z' },
  after: { status: 'Inactive' },
  at: '2026-12-01T00:00:00.000Z',
  undo: `aws iam update-access-key --user-name ${userName} --access-key-id ${accessKeyId} --status Active`
})

const plan: Plan = {
  action: 'deactivate',
  dryRun: false,
  maxActions: 10,
  changes: [],
  graceStarts: [],
  holds: [{ userName: 'carol', accessKeyId: 'AKIAHOLDHOLDHOLD0001', reason: 'exempt group' }],
  capExceeded: false
}

describe('renderChanges links', () => {
  it('links each changed and held key to its user in the aws-us-gov console', () => {
    const md = renderChanges(plan, [record('bob', 'AKIABOBBOBBOBBOB0001')], 'aws-us-gov')
    const console = 'https://console.amazonaws-us-gov.com/iam/home#/users/details'
    expect(md).toContain(
      `| [bob](${console}/bob) | [AKIABOBBOBBOBBOB0001](${console}/bob?section=security_credentials) |`
    )
    expect(md).toContain(
      `| [carol](${console}/carol) | [AKIAHOLDHOLDHOLD0001](${console}/carol?section=security_credentials) |`
    )
  })

  it('links nothing without a partition, or for a name IAM would not accept', () => {
    expect(renderChanges(plan, [record('bob', 'AKIABOBBOBBOBBOB0001')])).not.toContain('console.')
    const md = renderChanges(
      plan,
      [record('bob](https://evil.example)', 'AKIABOBBOBBOBBOB0001')],
      'aws'
    )
    // The name is escaped into inert text, and no console link is made of it.
    expect(md).toContain('| bob&#93;(https:&#8203;//evil.example) | AKIABOBBOBBOBBOB0001 |')
    expect(md).not.toContain('users/details/bob')
    expect(md).toContain('users/details/carol')
  })
})
