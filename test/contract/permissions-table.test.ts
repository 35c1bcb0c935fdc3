// The preflight's table of permissions (src/domain/permissions.ts) against the source of truth,
// examples/aws/permissions.json: every option of an action together needs exactly its role's
// list, so the check can neither ask for a permission the roles do not grant nor miss one.
import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import {
  CHECK_PERMISSIONS,
  requiredPermissions,
  type PermissionOptions
} from '../../src/domain/permissions.js'

const permissions = JSON.parse(readFileSync('examples/aws/permissions.json', 'utf8')) as Record<
  string,
  string[]
>

/** Every permission of `action` under any combination of the options. */
function union(action: PermissionOptions['action']): string[] {
  const all = new Set<string>()
  for (const scanMethod of ['auto', 'credential-report', 'api'] as const) {
    for (const on of [false, true]) {
      const options = {
        action,
        scanMethod,
        activity: on,
        sns: on,
        secretsManager: on,
        revokeSessions: on,
        revokeRoleSessions: on
      }
      for (const p of requiredPermissions(options)) all.add(p.action)
    }
  }
  return [...all].sort()
}

describe('the preflight checks exactly the documented permissions', () => {
  it('report: the audit role', () => {
    expect(union('report')).toEqual(permissions.audit)
  })

  it('delete (and the incidents the same role answers): the remediation role', () => {
    expect(union('delete')).toEqual(permissions.remediation)
  })

  it('deactivate: within the remediation role', () => {
    expect(permissions.remediation).toEqual(expect.arrayContaining(union('deactivate')))
  })

  it('rotate: the rotation role', () => {
    expect(union('rotate')).toEqual(permissions.rotation)
  })

  it("the check's own optional permissions", () => {
    expect([...CHECK_PERMISSIONS].sort()).toEqual(permissions.check)
  })

  it('the scan without the credential report needs nothing a report-only role lacks', () => {
    const api = requiredPermissions({
      action: 'report',
      scanMethod: 'api',
      activity: false,
      sns: false,
      secretsManager: false,
      revokeSessions: false,
      revokeRoleSessions: false
    }).map((p) => p.action)
    expect(api).not.toContain('iam:GenerateCredentialReport')
    expect(permissions.member).toEqual(expect.arrayContaining(api))
  })
})
