// The doors an exposed key opened, rendered: persistence at the top of the summary and the SNS
// message, escaped; the role sessions with their outcome, by-hand commands, undo and keep note.
import { describe, expect, it } from '@jest/globals'
import {
  renderIncidentMarkdown,
  renderIncidentSns,
  type IncidentReport
} from '../../../src/render/incident.js'
import { TOP_FIELDS, type ActivitySummary, type TopLists } from '../../../src/domain/activity.js'
import type { KeyEvidence } from '../../../src/domain/evidence.js'
import type { RoleSessionRevocation } from '../../../src/domain/incident.js'

const RUN_URL = 'https://github.com/acme/security/actions/runs/9'
const KEY = 'AKIAIOSFODNN7EXAMPLE'
const top = Object.fromEntries(TOP_FIELDS.map((f) => [f, []])) as unknown as TopLists

function summary(evidence: KeyEvidence): ActivitySummary {
  return {
    accessKeyId: KEY,
    userName: 'alice',
    lookups: [{ attribute: 'AccessKeyId', value: KEY }],
    window: { start: '2026-11-20T12:00:00.000Z', end: '2026-11-21T12:00:00.000Z', hours: 24 },
    regions: [{ region: 'us-east-1', status: 'ok', events: 2 }],
    totalEvents: 2,
    firstEventTime: '2026-11-21T10:00:00.000Z',
    lastEventTime: '2026-11-21T10:05:00.000Z',
    malformed: 0,
    otherKeyEvents: 0,
    errorEvents: 1,
    truncated: false,
    top,
    evidence
  }
}

const EVIDENCE: KeyEvidence = {
  persistence: [
    {
      eventId: 'e2',
      eventName: 'CreateLoginProfile',
      eventTime: '2026-11-21T10:05:00.000Z',
      targets: ['user @octocat <img src=x>|x'],
      accessKeyId: KEY
    },
    {
      eventId: 'e1',
      eventName: 'CreateAccessKey',
      eventTime: '2026-11-21T10:00:00.000Z',
      errorCode: 'AccessDenied',
      targets: ['user svc'],
      accessKeyId: KEY
    }
  ],
  persistenceOmitted: 0,
  assumedRoles: [],
  sessionKeys: [],
  sessionKeysNotFollowed: 0,
  userNames: ['alice']
}

const ROLE: RoleSessionRevocation = {
  roleArn: 'arn:aws:iam::123456789012:role/deploy',
  roleName: 'deploy',
  reachedBy: [KEY],
  sessions: 2,
  outcome: 'by-hand',
  reason: 'over-cap',
  detail: '11 roles are more than max-role-revocations (10), so none was changed',
  policyName: 'AWSRevokeOlderSessions',
  issuedBefore: '2026-11-21T12:00:01.000Z',
  command:
    "aws iam put-role-policy --role-name deploy --policy-name AWSRevokeOlderSessions --policy-document '{}'"
}

function report(over: Partial<IncidentReport> = {}): IncidentReport {
  return {
    tool: 'iam-key-sentinel',
    schemaVersion: 1,
    kind: 'incident',
    accountId: '123456789012',
    generatedAt: '2026-11-21T12:00:02.000Z',
    source: 'input',
    action: 'deactivate',
    dryRun: false,
    revokeSessions: true,
    revokeRoleSessions: true,
    lookbackHours: 24,
    keys: [{ accessKeyId: KEY, userName: 'alice', outcome: 'revoked' }],
    activity: [summary(EVIDENCE)],
    roleSessions: [ROLE],
    ...over
  }
}

describe('incident doors', () => {
  it('puts persistence first, escaped, and the role left over the cap under a caution', () => {
    const md = renderIncidentMarkdown(report(), RUN_URL)
    const persistence = md.indexOf('### Persistence to review')
    expect(persistence).toBeGreaterThan(0)
    expect(persistence).toBeLessThan(md.indexOf('| Access key |'))
    expect(md).toContain('**2 calls that can leave a way back in**')
    expect(md).toContain('⛔ denied (AccessDenied)')
    expect(md).not.toContain('@octocat')
    expect(md).not.toContain('<img')
    expect(md).toContain('user @&#8203;octocat &lt;img src=x&gt;&#124;x')
    expect(md).toContain('**Manual intervention required** for the sessions of 1 role')
    expect(md).toContain(
      '| arn:aws:iam::123456789012:role/deploy | AKIAIOSFODNN7EXAMPLE | 2 | ✋ revoke by hand |'
    )
    expect(md).toContain(ROLE.command)
    expect(md).toContain('at least 36 hours')
  })

  it('says when nothing was found, and says nothing when CloudTrail was not read', () => {
    const none = { ...EVIDENCE, persistence: [] }
    const md = renderIncidentMarkdown(
      report({ activity: [summary(none)], roleSessions: [] }),
      RUN_URL
    )
    expect(md).toContain('No call that leaves a door open')
    expect(md).toContain('No successful sts:AssumeRole call was found')
    const unread = renderIncidentMarkdown(report({ activity: [], roleSessions: [] }), RUN_URL)
    expect(unread).not.toContain('Persistence to review')
    expect(unread).not.toContain('Role sessions opened')
  })

  it('opens the SNS message with persistence, flattened, and lists the roles after the keys', () => {
    const { message } = renderIncidentSns(report(), RUN_URL)
    const persistence = message.indexOf('PERSISTENCE TO REVIEW: 2 calls')
    expect(persistence).toBeGreaterThan(0)
    expect(persistence).toBeLessThan(message.indexOf(`IAM access key ${KEY}`))
    expect(message).toContain('CreateAccessKey on user svc: denied (AccessDenied)')
    expect(message).toContain('CreateLoginProfile on user @octocat <img src=x>|x: succeeded')
    expect(message.indexOf('Role sessions opened with the keys:')).toBeGreaterThan(
      message.indexOf(`IAM access key ${KEY}`)
    )
    expect(message).toContain('by-hand: 11 roles are more than max-role-revocations (10)')
  })
})
