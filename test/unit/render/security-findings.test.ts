// The findings for security tools, from a report: which keys, users and accounts become one,
// with what severity and plain text, and how they map to ASFF and OCSF.
import { describe, expect, it } from '@jest/globals'
import type { AuditReport } from '../../../src/domain/report.js'
import type { Finding } from '../../../src/domain/types.js'
import type { IncidentReport } from '../../../src/render/incident.js'
import { renderOcsfLines } from '../../../src/render/ocsf.js'
import {
  auditSecurityFindings,
  incidentSecurityFindings
} from '../../../src/render/security-findings.js'

const ACCOUNT = '111122223333'
const NOW = new Date('2026-12-01T00:00:00Z')

function key(accessKeyId: string, cls: Finding['class'], userName = 'alice'): Finding {
  return {
    userName,
    accessKeyId,
    status: 'Active',
    createDate: new Date('2026-08-01T00:00:00Z'),
    lastUse: { kind: 'never' },
    ageDays: 122,
    idleDays: 40,
    daysToDeadline: -32,
    class: cls,
    rawClass: cls
  } as Finding
}

function report(keys: Finding[], extra: Partial<AuditReport> = {}): AuditReport {
  return {
    tool: 'iam-key-sentinel',
    schemaVersion: 1,
    accountId: ACCOUNT,
    generatedAt: NOW.toISOString(),
    thresholds: { maxAgeDays: 90, warnDays: 14, unusedDays: 30 },
    userCount: 1,
    counts: { total: 0, overdue: 0, 'due-soon': 0, unused: 0, inactive: 0, ok: 0, exempt: 0 },
    keys,
    errors: [],
    ...extra
  }
}

describe('auditSecurityFindings', () => {
  it('makes a finding of each overdue, unused and due-soon key, none of the others', () => {
    const found = auditSecurityFindings(
      report([
        key('AKIAOVERDUE', 'overdue'),
        key('AKIAUNUSED', 'unused'),
        key('AKIADUESOON', 'due-soon'),
        key('AKIAOK', 'ok'),
        key('AKIAINACTIVE', 'inactive')
      ]),
      new Map([['AKIAOVERDUE', 'https://github.com/acme/security/issues/7']])
    )
    expect(found.map((f) => [f.key?.accessKeyId, f.severity, f.issueUrl])).toEqual([
      ['AKIAOVERDUE', 'HIGH', 'https://github.com/acme/security/issues/7'],
      ['AKIAUNUSED', 'MEDIUM', undefined],
      ['AKIADUESOON', 'LOW', undefined]
    ])
  })

  it('keeps a hostile user name on one line in every text', () => {
    const [f] = auditSecurityFindings(report([key('AKIAX', 'overdue', 'eve\nFORGED: line')]))
    for (const text of [f?.title, f?.description, f?.remediation]) expect(text).not.toMatch(/\n/)
    expect(f?.title).toContain('eve FORGED: line')
  })

  it('names a user with two active keys by slot when the report had no key IDs, and root keys', () => {
    const found = auditSecurityFindings(
      report([], {
        twoActiveKeys: [
          {
            userName: 'bob',
            keys: [
              { slot: 1, createDate: NOW, ageDays: 100, lastUse: { kind: 'never' } },
              { slot: 2, createDate: NOW, ageDays: 5, lastUse: { kind: 'never' } }
            ]
          }
        ],
        scan: { method: 'api', rootKeyCheck: { present: true } } as AuditReport['scan']
      })
    )
    expect(found.map((f) => [f.kind, f.id, f.severity])).toEqual([
      ['root-access-keys', `iam-key-sentinel/${ACCOUNT}/root/access-keys`, 'CRITICAL'],
      ['two-active-keys', `iam-key-sentinel/${ACCOUNT}/user/bob/two-active-keys`, 'LOW']
    ])
    expect(found[1]?.description).toContain('slot 1 and slot 2')
  })
})

describe('incidentSecurityFindings', () => {
  it('one critical finding per exposed key, saying when it is still active', () => {
    const incident = {
      accountId: ACCOUNT,
      action: 'deactivate',
      keys: [
        { accessKeyId: 'AKIADONE', userName: 'alice', outcome: 'revoked' },
        { accessKeyId: 'AKIASTUCK', userName: 'bob', outcome: 'failed', error: 'AccessDenied' },
        { accessKeyId: 'not-a-key', outcome: 'failed', unusableEntity: 'entityValue' }
      ]
    } as unknown as IncidentReport
    const found = incidentSecurityFindings(incident)
    expect(found.map((f) => [f.id, f.severity, f.generator])).toEqual([
      [`iam-key-sentinel/${ACCOUNT}/AKIADONE/exposure`, 'CRITICAL', 'exposure'],
      [`iam-key-sentinel/${ACCOUNT}/AKIASTUCK/exposure`, 'CRITICAL', 'exposure']
    ])
    expect(found[0]?.title).toContain('was revoked')
    expect(found[1]?.title).toContain('is still active')
    expect(found[1]?.description).toContain('AccessDenied')
  })
})

describe('renderOcsfLines', () => {
  it('one line per finding, each ending in a newline; nothing for no findings', () => {
    const found = auditSecurityFindings(report([key('A1', 'overdue'), key('A2', 'unused')]))
    const ctx = { partition: 'aws' as const, region: 'eu-west-1', time: NOW }
    const text = renderOcsfLines(found, ctx)
    const lines = text.split('\n')
    expect(lines).toHaveLength(3)
    expect(lines[2]).toBe('')
    expect(JSON.parse(lines[1] ?? '')).toMatchObject({
      class_uid: 2004,
      category_uid: 2,
      severity_id: 3,
      time: NOW.getTime(),
      finding_info: { uid: `iam-key-sentinel/${ACCOUNT}/A2` }
    })
    expect(renderOcsfLines([], ctx)).toBe('')
  })
})
