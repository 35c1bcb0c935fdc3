import { describe, expect, it } from '@jest/globals'
import {
  renderIncidentIssue,
  renderIncidentMarkdown,
  renderIncidentSns,
  type IncidentReport
} from '../../../src/render/incident.js'
import {
  USER_DENY_POLICY_NAME,
  revokeOlderSessionsPolicy
} from '../../../src/domain/session-deny.js'
import type { IncidentKeyResult } from '../../../src/domain/incident.js'
import { SNS_MESSAGE_LIMIT_BYTES } from '../../../src/render/sns-message.js'
import { TOP_FIELDS, type ActivitySummary, type TopLists } from '../../../src/domain/activity.js'

const RUN = {
  runUrl: 'https://github.com/acme/security/actions/runs/9',
  runId: '9',
  runAttempt: '1'
}

function key(over: Partial<IncidentKeyResult> = {}): IncidentKeyResult {
  return {
    accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
    userName: 'alice',
    location: 'https://github.com/acme/app/blob/main/.env',
    outcome: 'revoked',
    change: {
      kind: 'deactivate',
      userName: 'alice',
      accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
      reason: 'exposed',
      result: 'applied',
      before: { status: 'Active', createDate: '2026-01-01T00:00:00.000Z' },
      after: { status: 'Inactive' },
      at: '2026-11-21T12:00:00.000Z',
      undo: 'aws iam update-access-key --user-name alice --access-key-id AKIAIOSFODNN7EXAMPLE --status Active'
    },
    sessions: {
      policyName: USER_DENY_POLICY_NAME,
      issuedBefore: '2026-11-21T12:00:01.000Z',
      ok: true,
      undo: `aws iam delete-user-policy --user-name alice --policy-name ${USER_DENY_POLICY_NAME}`
    },
    ...over
  }
}

function report(keys: IncidentKeyResult[], over: Partial<IncidentReport> = {}): IncidentReport {
  return {
    tool: 'iam-key-sentinel',
    schemaVersion: 1,
    kind: 'incident',
    accountId: '123456789012',
    generatedAt: '2026-11-21T12:00:02.000Z',
    source: 'trusted-advisor',
    action: 'deactivate',
    dryRun: false,
    revokeSessions: true,
    revokeRoleSessions: false,
    lookbackHours: 24,
    keys,
    activity: [],
    roleSessions: [],
    ...over
  }
}

describe('incident SNS message', () => {
  it('follows the recipes: when, which key, whose, where exposed, what was done, what next', () => {
    const n = renderIncidentSns(report([key()]), RUN.runUrl)
    expect(n.subject).toBe('IAM Key Sentinel incident: 1 exposed key deactivated in 123456789012')
    expect(n.message).toContain(
      'At 2026-11-21T12:00:00.000Z the IAM access key AKIAIOSFODNN7EXAMPLE for user alice on account 123456789012 was deactivated after it was found to have been exposed at https://github.com/acme/app/blob/main/.env.'
    )
    expect(n.message).toContain('Source:   Trusted Advisor (Exposed Access Keys)')
    expect(n.message).toContain(
      `aws iam delete-user-policy --user-name alice --policy-name ${USER_DENY_POLICY_NAME}`
    )
    expect(n.message).toContain('What to review next:')
    expect(n.attributes.event).toEqual({ DataType: 'String', StringValue: 'incident' })
    expect(n.attributes.changed).toEqual({ DataType: 'Number', StringValue: '1' })
  })

  it('puts failures first and says a person must step in', () => {
    const failed = key({
      accessKeyId: 'AKIAFAILEDFAILED0001',
      outcome: 'failed',
      error: 'AccessDenied: no',
      change: undefined,
      sessions: undefined
    })
    const n = renderIncidentSns(report([key(), failed]), RUN.runUrl)
    expect(n.subject).toBe(
      'IAM Key Sentinel incident: 1 exposed key NEEDS MANUAL INTERVENTION, 1 deactivated in 123456789012'
    )
    expect(n.message.indexOf('AKIAFAILEDFAILED0001')).toBeLessThan(
      n.message.indexOf('AKIAIOSFODNN7EXAMPLE for user')
    )
    expect(n.message).toContain('MANUAL INSPECTION AND INTERVENTION REQUIRED')
    expect(n.message).toContain('Error: AccessDenied: no')
  })

  it('stays within SNS limits with many keys and hostile locations', () => {
    const keys = Array.from({ length: 3000 }, (_, i) =>
      key({
        accessKeyId: `AKIA${String(i).padStart(16, '0')}`,
        location: `x\nSubject: forged ${'é'.repeat(200)}`
      })
    )
    const n = renderIncidentSns(report(keys, { accountAlias: 'prod\nBcc: x' }), RUN.runUrl)
    expect(Buffer.byteLength(n.message) + Buffer.byteLength(n.subject)).toBeLessThanOrEqual(
      SNS_MESSAGE_LIMIT_BYTES
    )
    expect(n.message).toContain('more keys are not listed')
    expect(n.message).not.toMatch(/^Subject: forged/m)
    expect(n.subject.length).toBeLessThan(100)
  })
})

/** CloudTrail activity of a key, `values` distinct event names long. */
function activity(accessKeyId: string, values: number): ActivitySummary {
  const eventNames = Array.from({ length: values }, (_, i) => ({
    value: `Event${i}${'x'.repeat(60)}`,
    count: 1
  }))
  return {
    accessKeyId,
    lookups: [{ attribute: 'AccessKeyId', value: accessKeyId }],
    window: { start: '2026-11-20T12:00:00.000Z', end: '2026-11-21T12:00:00.000Z', hours: 24 },
    regions: [{ region: 'us-east-1', status: 'ok', events: values }],
    totalEvents: values,
    firstEventTime: '2026-11-21T08:00:00.000Z',
    lastEventTime: '2026-11-21T09:00:00.000Z',
    malformed: 0,
    otherKeyEvents: 0,
    errorEvents: 0,
    truncated: false,
    top: Object.fromEntries(
      TOP_FIELDS.map((field) => [field, field === 'eventNames' ? eventNames : []])
    ) as TopLists
  }
}

describe('incident SNS message within the limit', () => {
  const A = 'AKIAAAAAAAAAAAAAAAAA'
  const B = 'AKIABBBBBBBBBBBBBBBB'

  it('gives a key without its activity when the whole block no longer fits, and the next key whole', () => {
    // A's activity alone is over SNS's limit; B's is small.
    const r = report([key({ accessKeyId: A }), key({ accessKeyId: B })], {
      activity: [activity(A, 5000), activity(B, 3)]
    })
    const { message, subject } = renderIncidentSns(r, RUN.runUrl)
    expect(Buffer.byteLength(message) + Buffer.byteLength(subject)).toBeLessThanOrEqual(
      SNS_MESSAGE_LIMIT_BYTES
    )
    expect(message).not.toContain(`CloudTrail activity of access key ${A}`)
    expect(message.match(/\(CloudTrail activity left out for size; see the run\.\)/g)).toHaveLength(
      1
    )
    expect(message).toContain(`CloudTrail activity of access key ${B}`)
    expect(message).not.toContain('more keys are not listed')
  })

  it('keeps every block whole when they all fit', () => {
    const r = report([key({ accessKeyId: A }), key({ accessKeyId: B })], {
      activity: [activity(A, 3), activity(B, 3)]
    })
    const { message } = renderIncidentSns(r, RUN.runUrl)
    expect(message).toContain(`CloudTrail activity of access key ${A}`)
    expect(message).toContain(`CloudTrail activity of access key ${B}`)
    expect(message).not.toContain('left out for size')
  })
})

describe('incident summary and issue', () => {
  it('shows outcome, sessions, undo commands and a caution for failures', () => {
    const md = renderIncidentMarkdown(
      report([
        key(),
        key({
          accessKeyId: 'AKIAFAILEDFAILED0001',
          outcome: 'failed',
          error: 'not found',
          change: undefined,
          sessions: undefined
        })
      ]),
      RUN.runUrl
    )
    expect(md).toContain('**Manual inspection and intervention required** for 1 key')
    expect(md).toContain('| AKIAIOSFODNN7EXAMPLE | alice |')
    expect(md).toContain('✅ revoked (deactivate: applied)')
    expect(md).toContain(
      'aws iam update-access-key --user-name alice --access-key-id AKIAIOSFODNN7EXAMPLE --status Active'
    )
  })

  it('marks the issue with the run attempt so a re-run updates instead of duplicating', () => {
    const { title, body } = renderIncidentIssue(report([key()]), RUN)
    expect(title).toBe('Exposed access key AKIAIOSFODNN7EXAMPLE in 123456789012')
    expect(body.startsWith('<!-- iam-key-sentinel incident account=123456789012 run=9-1 -->')).toBe(
      true
    )
  })
})

describe('console links in the incident issue', () => {
  it("links the user and its keys to the partition's IAM console, and a name IAM refuses to nothing", () => {
    const { body } = renderIncidentIssue(report([key()]), RUN, 'aws-cn')
    expect(body).toContain('[alice](https://console.amazonaws.cn/iam/home#/users/details/alice)')
    expect(body).toContain(
      '[AKIAIOSFODNN7EXAMPLE](https://console.amazonaws.cn/iam/home#/users/details/alice?section=security_credentials)'
    )
    const odd = renderIncidentIssue(
      report([key({ userName: 'al ice](javascript:x)' })]),
      RUN,
      'aws'
    )
    // The name is escaped into inert text, and no console link is made of it.
    expect(odd.body).toContain('| AKIAIOSFODNN7EXAMPLE | al ice&#93;(javascript:x) |')
    expect(odd.body).not.toContain('users/details/')
    // Without a partition, no links at all (as before).
    expect(renderIncidentIssue(report([key()]), RUN).body).not.toContain('console.')
  })
})

describe('session revocation policy', () => {
  it('denies everything to sessions issued before the given time, and nothing else', () => {
    const policy = JSON.parse(revokeOlderSessionsPolicy(new Date('2026-11-21T12:00:00Z')))
    expect(policy).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'IamKeySentinelRevokeOlderSessions',
          Effect: 'Deny',
          Action: '*',
          Resource: '*',
          Condition: { DateLessThan: { 'aws:TokenIssueTime': '2026-11-21T12:00:00.000Z' } }
        }
      ]
    })
  })
})
