// The role-session deny: which roles get it (never a service-linked role, another account's or
// the run's own), within dry-run and max-role-revocations, re-checked, verified and undoable.
import { describe, expect, it } from '@jest/globals'
import { GetRolePolicyCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam'
import { mockClient } from 'aws-sdk-client-mock'
import {
  revokeRoleSessions,
  rolesReached,
  runRoleArns,
  type RoleRevokeOptions,
  type RoleTarget
} from '../../../src/act/revoke-roles.js'
import type { ActivitySummary } from '../../../src/domain/activity.js'
import { roleNeedsPerson } from '../../../src/domain/incident.js'
import { revokeOlderSessionsPolicy } from '../../../src/domain/session-deny.js'
import { iamClient, noSuchEntity, NO_WAIT, NOW, recordingLog } from './fake-iam.js'

const ACCOUNT = '111122223333'
const role = (name: string, account = ACCOUNT) => `arn:aws:iam::${account}:role/${name}`
const target = (roleArn: string): RoleTarget => ({ roleArn, reachedBy: ['AKIAKEY1'], sessions: 1 })

/** IAM's role policies behind aws-sdk-client-mock, by role and policy name. */
function fakeRoles(existing: Record<string, string> = {}) {
  const iam = iamClient()
  const mock = mockClient(iam)
  const stored = new Map(Object.entries(existing))
  const known = new Set(['deploy', 'admin', 'ci'])
  mock.on(PutRolePolicyCommand).callsFake(async (i) => {
    if (!known.has(i.RoleName))
      throw noSuchEntity(`The role with name ${i.RoleName} cannot be found.`)
    stored.set(i.RoleName, i.PolicyDocument)
    return {}
  })
  mock.on(GetRolePolicyCommand).callsFake(async (i) => {
    const document = stored.get(i.RoleName)
    if (document === undefined) throw noSuchEntity('The role policy cannot be found.')
    return {
      RoleName: i.RoleName,
      PolicyName: i.PolicyName,
      PolicyDocument: encodeURIComponent(document)
    }
  })
  return { iam, mock, stored }
}

function options(over: Partial<RoleRevokeOptions> = {}): RoleRevokeOptions {
  return {
    enabled: true,
    dryRun: false,
    maxRoles: 10,
    accountId: ACCOUNT,
    ownRoleArns: [role('iam-key-sentinel-remediation')],
    now: () => NOW,
    log: recordingLog(),
    settle: NO_WAIT,
    ...over
  }
}

describe('revokeRoleSessions', () => {
  it('denies older sessions on each role, verified, with the undo that deletes the policy', async () => {
    const { iam, stored } = fakeRoles()
    const results = await revokeRoleSessions(
      iam,
      [target(role('deploy')), target(role('ops/admin'))],
      options()
    )
    expect(results.map((r) => [r.roleName, r.outcome, r.undo])).toEqual([
      [
        'deploy',
        'revoked',
        'aws iam delete-role-policy --role-name deploy --policy-name AWSRevokeOlderSessions'
      ],
      [
        'admin',
        'revoked',
        'aws iam delete-role-policy --role-name admin --policy-name AWSRevokeOlderSessions'
      ]
    ])
    expect(stored.get('deploy')).toBe(revokeOlderSessionsPolicy(NOW))
    expect(
      results.every((r) => r.issuedBefore === NOW.toISOString() && !roleNeedsPerson(r, true))
    ).toBe(true)
  })

  it('leaves a service-linked role, another account and the run’s own role alone, and says why', async () => {
    const { iam, mock } = fakeRoles()
    const results = await revokeRoleSessions(
      iam,
      [
        target(role('aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS')),
        target(role('deploy', '999988887777')),
        target(role('IAM-KEY-SENTINEL-REMEDIATION'))
      ],
      options()
    )
    expect(results.map((r) => [r.outcome, r.reason])).toEqual([
      ['skipped', undefined],
      ['by-hand', 'other-account'],
      ['by-hand', 'own-role']
    ])
    // Asked to revoke, the roles left open need a person; off, every role is a list to act on.
    expect(results.map((r) => roleNeedsPerson(r, true))).toEqual([false, true, true])
    expect(results.map((r) => roleNeedsPerson(r, false))).toEqual([false, false, false])
    expect(mock.commandCalls(PutRolePolicyCommand)).toHaveLength(0)
  })

  it('off, dry run and over the cap write nothing; only over the cap needs a person', async () => {
    const roles = [target(role('deploy')), target(role('admin'))]
    for (const [over, outcome, reason] of [
      [{ enabled: false }, 'by-hand', 'off'],
      [{ dryRun: true }, 'planned', undefined],
      [{ maxRoles: 1 }, 'by-hand', 'over-cap']
    ] as const) {
      const { iam, mock } = fakeRoles()
      const results = await revokeRoleSessions(iam, roles, options(over))
      expect(results.map((r) => [r.outcome, r.reason])).toEqual([
        [outcome, reason],
        [outcome, reason]
      ])
      expect(results[0]?.command).toContain(
        "aws iam put-role-policy --role-name deploy --policy-name AWSRevokeOlderSessions --policy-document '{"
      )
      const enabled = !('enabled' in over)
      expect(results.some((r) => roleNeedsPerson(r, enabled))).toBe(reason === 'over-cap')
      expect(mock.commandCalls(PutRolePolicyCommand)).toHaveLength(0)
    }
  })

  it('keeps a later deny already there, and restores an earlier one on undo', async () => {
    const later = revokeOlderSessionsPolicy(new Date(NOW.getTime() + 60_000))
    const earlier = revokeOlderSessionsPolicy(new Date(NOW.getTime() - 3_600_000))
    const { iam, stored } = fakeRoles({ deploy: later, admin: earlier })
    const results = await revokeRoleSessions(
      iam,
      [target(role('deploy')), target(role('admin'))],
      options()
    )
    expect(results[0]).toMatchObject({ outcome: 'revoked', previousDocument: later })
    expect(results[0]?.undo).toBeUndefined()
    expect(stored.get('deploy')).toBe(later)
    expect(results[1]).toMatchObject({ outcome: 'revoked', previousDocument: earlier })
    expect(results[1]?.undo).toBe(
      `aws iam put-role-policy --role-name admin --policy-name AWSRevokeOlderSessions --policy-document '${earlier}'`
    )
  })

  it('a role that is gone fails alone, for a person to see', async () => {
    const { iam } = fakeRoles()
    const results = await revokeRoleSessions(
      iam,
      [target(role('gone')), target(role('ci'))],
      options()
    )
    expect(results.map((r) => r.outcome)).toEqual(['failed', 'revoked'])
    expect(results[0]?.detail).toContain('cannot be found')
    expect(roleNeedsPerson(results[0]!, true)).toBe(true)
  })
})

describe('rolesReached and runRoleArns', () => {
  it('merges the roles of every key, successful calls only, sorted', () => {
    const summary = (accessKeyId: string, roles: [string, number][]) =>
      ({
        accessKeyId,
        evidence: {
          assumedRoles: roles.map(([roleArn, succeeded]) => ({
            roleArn,
            succeeded,
            denied: succeeded === 0 ? 1 : 0,
            lastEventTime: ''
          }))
        }
      }) as unknown as ActivitySummary
    expect(
      rolesReached([
        summary('AKIAKEY2', [
          [role('deploy'), 2],
          [role('billing'), 0]
        ]),
        summary('AKIAKEY1', [
          [role('deploy'), 1],
          [role('admin'), 1]
        ])
      ])
    ).toEqual([
      { roleArn: role('admin'), reachedBy: ['AKIAKEY1'], sessions: 1 },
      { roleArn: role('deploy'), reachedBy: ['AKIAKEY2', 'AKIAKEY1'], sessions: 3 }
    ])
    expect(
      runRoleArns({
        roleToAssume: role('hub'),
        roleChain: { from: 'oidc', roleArns: [role('member')] }
      })
    ).toEqual([role('hub'), role('member')])
  })
})
