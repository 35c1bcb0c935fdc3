import { describe, expect, it } from '@jest/globals'
import { classify } from '../../../src/domain/classify.js'
import { DAY_MS } from '../../../src/domain/dates.js'
import { keyMarker, parseMarker, rollupMarker } from '../../../src/domain/issue-marker.js'
import {
  planIssues,
  type ExistingIssue,
  type IssueTarget
} from '../../../src/deliver/issues/plan.js'
import {
  bodyContent,
  ISSUE_BODY_LIMIT,
  renderKeyIssueBody,
  renderTitle,
  shortKeyId,
  type IssueContext
} from '../../../src/render/issue.js'
import { closeReasonFor } from '../../../src/deliver/issues/sync.js'
import type { ChangeRecord } from '../../../src/domain/changes.js'
import type { AccessKey, Finding } from '../../../src/domain/types.js'

const NOW = new Date('2026-11-21T12:00:00Z')
const CTX: IssueContext = {
  accountId: '123456789012',
  thresholds: { maxAgeDays: 90, warnDays: 14, unusedDays: 30 },
  action: 'report',
  deleteGraceDays: 7,
  ownerTag: 'github',
  runUrl: 'https://github.com/acme/security/actions/runs/5',
  runId: '5'
}

function finding(userName: string, ageDays: number, over: Partial<AccessKey> = {}): Finding {
  return classify(
    {
      userName,
      accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
      status: 'Active',
      createDate: new Date(NOW.getTime() - ageDays * DAY_MS),
      lastUse: { kind: 'used', date: NOW, serviceName: 's3', region: 'us-east-1' },
      ...over
    },
    NOW,
    CTX.thresholds
  )
}

function target(
  id: string,
  body = `${keyMarker('123456789012', id)}\nbody`,
  title = `t ${id}`
): IssueTarget {
  return { accessKeyId: id, title, body }
}

function existing(
  number: number,
  id: string,
  state: 'open' | 'closed',
  body?: string,
  title?: string
): ExistingIssue {
  const t = target(id, body, title)
  return { number, state, title: t.title, body: t.body, accessKeyId: id }
}

describe('marker', () => {
  it('round-trips account and key and is found only on the first line', () => {
    const marker = keyMarker('123456789012', 'AKIAIOSFODNN7EXAMPLE')
    expect(parseMarker(`${marker}\n## text`)).toEqual({
      kind: 'key',
      accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
      accountId: '123456789012'
    })
    expect(parseMarker(`intro\n${marker}`)).toBeUndefined()
    expect(parseMarker(rollupMarker('123456789012'))).toEqual({
      kind: 'rollup',
      accountId: '123456789012'
    })
    expect(parseMarker(null)).toBeUndefined()
  })
})

describe('title', () => {
  it('names the user, a shortened key ID and the age', () => {
    expect(renderTitle(finding('alice', 123))).toBe(
      'Rotate access key AKIA…MPLE of alice (123 days)'
    )
    expect(renderTitle(finding('bob', 80))).toBe(
      'Rotate access key AKIA…MPLE of bob soon (80 days)'
    )
    expect(shortKeyId('AKIAIOSFODNN7EXAMPLE')).toBe('AKIA…MPLE')
  })

  it('names the account only when asked, escaped like the rest', () => {
    expect(renderTitle(finding('alice', 123), 'acme-prod')).toBe(
      'Rotate access key AKIA…MPLE of alice in acme-prod (123 days)'
    )
    expect(renderTitle(finding('alice', 123), '@team')).not.toMatch(/@[a-z]/i)
  })

  it('cannot mention anyone or break onto a second line', () => {
    const title = renderTitle(finding('eve@corp\n@org/team', 100))
    expect(title).not.toMatch(/@[a-z]/i)
    expect(title).not.toContain('\n')
  })
})

describe('body', () => {
  it('starts with the marker and renders hostile values inertly, keeping the marker intact', () => {
    const hostile = finding('x<!-- -->@team|`y`<script>', 100, {
      lastUse: { kind: 'used', date: NOW, serviceName: '[x](javascript:alert(1))', region: '-->' }
    })
    const body = renderKeyIssueBody({ finding: hostile, owner: { kind: 'none' } }, CTX)
    expect(parseMarker(body)).toMatchObject({ accessKeyId: 'AKIAIOSFODNN7EXAMPLE' })
    expect(body.match(/-->/g)).toHaveLength(1)
    expect(body).not.toContain('<script>')
    expect(body).not.toContain('](javascript')
    expect(body).not.toMatch(/@team/)
  })

  it('mentions only the validated owner, and says so in text when assignment was refused', () => {
    const f = finding('alice', 100)
    expect(
      renderKeyIssueBody({ finding: f, owner: { kind: 'assignable', login: 'alice-gh' } }, CTX)
    ).toContain('@alice-gh (assigned)')
    const refused = renderKeyIssueBody(
      { finding: f, owner: { kind: 'refused', login: 'mallory' } },
      CTX
    )
    expect(refused).toContain('mallory (from tag github): could not be assigned')
    expect(refused).not.toContain('@mallory')
  })

  it('has the facts, why, the rotation steps with commands and the run link', () => {
    const body = renderKeyIssueBody(
      { finding: finding('alice', 100), owner: { kind: 'none' } },
      CTX
    )
    expect(body).toContain('| Rotation deadline | 2026-11-11 (10 days past) |')
    expect(body).toContain('Its rotation deadline was 2026-11-11, 10 days past.')
    expect(body).toContain(
      'aws iam delete-access-key --user-name alice --access-key-id AKIAIOSFODNN7EXAMPLE'
    )
    expect(body).toContain('[run 5](https://github.com/acme/security/actions/runs/5)')
  })

  it('cuts the activity first to stay under GitHub’s limit', () => {
    const activity = Array.from(
      { length: 5000 },
      (_, i) => `| row ${i} | ${'x'.repeat(20)} |`
    ).join('\n')
    const body = renderKeyIssueBody(
      { finding: finding('a', 100), owner: { kind: 'none' }, activityMarkdown: activity },
      CTX
    )
    expect(body.length).toBeLessThanOrEqual(ISSUE_BODY_LIMIT)
    expect(body).toContain('CloudTrail activity cut')
    expect(body).toContain('### How to rotate it')
    expect(body.trimEnd().endsWith('</sub>')).toBe(true)
  })

  it('treats a new run link alone as no change', () => {
    const a = renderKeyIssueBody({ finding: finding('a', 100), owner: { kind: 'none' } }, CTX)
    const b = renderKeyIssueBody(
      { finding: finding('a', 100), owner: { kind: 'none' } },
      { ...CTX, runId: '6', runUrl: 'u6' }
    )
    expect(a).not.toBe(b)
    expect(bodyContent(a)).toBe(bodyContent(b))
  })
})

describe('planIssues', () => {
  const never = () => undefined

  it('adds owners-file people an open issue lacks, and only theirs', () => {
    const owners = { ...target('K1'), assignees: ['alice-gh', 'Bob'], reviewedAssignees: true }
    const plan = planIssues({
      targets: [owners, { ...target('K2'), assignees: ['tag-login'] }],
      existing: [
        { ...existing(1, 'K1', 'open'), assignees: ['bob'] },
        { ...existing(2, 'K2', 'open'), assignees: [] }
      ],
      maxNew: 10,
      closeReason: never
    })
    expect(plan.actions).toEqual([
      { kind: 'update', number: 1, target: owners, addAssignees: ['alice-gh'] }
    ])
    // The owner tag's login is assigned when an issue opens, as before: K2 is left alone.
    expect(plan.unchanged).toEqual([2])
  })

  it('creates, updates, leaves alone and reopens', () => {
    const plan = planIssues({
      targets: [target('K1'), target('K2', undefined, 'new title'), target('K3'), target('K4')],
      existing: [existing(2, 'K2', 'open'), existing(3, 'K3', 'open'), existing(4, 'K4', 'closed')],
      maxNew: 10,
      closeReason: never
    })
    expect(plan.actions.map((a) => [a.kind, 'number' in a ? a.number : 0])).toEqual([
      ['create', 0],
      ['update', 2],
      ['reopen', 4]
    ])
    expect(plan.unchanged).toEqual([3])
  })

  it('closes an open issue whose key no longer needs it, with the reason; keeps it when unknown', () => {
    const reason = { comment: 'gone', stateReason: 'completed' as const }
    const plan = planIssues({
      targets: [],
      existing: [existing(7, 'K7', 'open'), existing(8, 'K8', 'open'), existing(9, 'K9', 'closed')],
      maxNew: 10,
      closeReason: (id) => (id === 'K7' ? reason : undefined)
    })
    expect(plan.actions).toEqual([{ kind: 'close', number: 7, accessKeyId: 'K7', reason }])
    expect(plan.unchanged).toEqual([8])
  })

  it('never duplicates: an open issue wins over closed ones of the same key', () => {
    const plan = planIssues({
      targets: [target('K1')],
      existing: [
        existing(1, 'K1', 'closed'),
        existing(5, 'K1', 'open'),
        existing(3, 'K1', 'closed')
      ],
      maxNew: 10,
      closeReason: never
    })
    expect(plan.actions).toEqual([])
    expect(plan.unchanged).toEqual([5])
  })

  it('opens at most max-new-issues and defers the rest', () => {
    const plan = planIssues({
      targets: [target('A'), target('B'), target('C')],
      existing: [],
      maxNew: 2,
      closeReason: never
    })
    expect(plan.actions.map((a) => a.kind)).toEqual(['create', 'create'])
    expect(plan.deferred.map((t) => t.accessKeyId)).toEqual(['C'])
  })
})

describe('closeReasonFor', () => {
  const f = (cls: 'exempt' | 'inactive' | 'ok') =>
    new Map([['K', { ...finding('a', 5), accessKeyId: 'K', class: cls } as Finding]])

  it('explains each way a key stops needing its issue', () => {
    const applied = new Map([['K', { kind: 'delete', result: 'applied' } as ChangeRecord]])
    expect(closeReasonFor('K', new Map(), applied, true, 'u')?.comment).toContain(
      'deleted this access key'
    )
    expect(closeReasonFor('K', new Map(), new Map(), true, 'u')?.comment).toContain(
      'no longer exists'
    )
    expect(closeReasonFor('K', new Map(), new Map(), false, 'u')).toBeUndefined()
    // The credential report vouched for keys without listing them: not said to be deleted.
    const unlisted = closeReasonFor('K', new Map(), new Map(), true, 'u', true)
    expect(unlisted?.comment).not.toContain('no longer exists')
    expect(unlisted?.comment).toContain('named by slot')
    expect(closeReasonFor('K', f('exempt'), new Map(), true, 'u')?.stateReason).toBe('not_planned')
    expect(closeReasonFor('K', f('inactive'), new Map(), true, 'u')?.comment).toContain('inactive')
    expect(closeReasonFor('K', f('ok'), new Map(), true, 'u')?.stateReason).toBe('completed')
  })
})
