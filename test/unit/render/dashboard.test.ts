// The dashboard body: its marker first and its history block last and whole, every AWS value
// escaped, no mention of an owner, distinct chart labels, and the size GitHub allows.
import { describe, expect, it } from '@jest/globals'
import {
  parseHistory,
  type DashboardDelta,
  type DashboardHistory,
  type DashboardState
} from '../../../src/domain/dashboard.js'
import { ISSUE_BODY_LIMIT } from '../../../src/render/issue.js'
import {
  renderDashboardBody,
  renderDashboardSection,
  renderTrend
} from '../../../src/render/dashboard.js'
import { emptyCounts } from '../../../src/domain/classify.js'

const ACCOUNT = '123456789012'
const scope = { kind: 'account' as const, accountId: ACCOUNT }
const ref = (userName: string, i = 0) => ({
  accountId: ACCOUNT,
  userName,
  accessKeyId: `AKIA${String(i).padStart(16, '0')}`
})

const emptyDelta = (since?: string): DashboardDelta => ({
  ...(since ? { since } : {}),
  newOverdue: [],
  rotated: [],
  deleted: [],
  newlyExempt: [],
  exemptionsExpired: [],
  partial: false
})

const state: DashboardState = { counts: emptyCounts(), oldest: [], endingSoon: [], unanswered: [] }
const history: DashboardHistory = {
  version: 1,
  runs: [{ at: '2026-12-07T06:00:00.000Z', runId: '1', overdue: 1, dueSoon: 0, unused: 0 }],
  keys: [],
  keysComplete: true
}

function body(over: Partial<Parameters<typeof renderDashboardBody>[0]> = {}): string {
  return renderDashboardBody({
    scope,
    state,
    delta: emptyDelta('2026-12-06T06:00:00.000Z'),
    history,
    generatedAt: new Date('2026-12-07T06:00:00Z'),
    runUrl: 'https://github.com/acme/security/actions/runs/1',
    runId: '1',
    ...over
  })
}

describe('renderDashboardBody', () => {
  it('escapes AWS and owner values and mentions nobody', () => {
    const hostile = 'x](https://evil.example)<img src=x>@alice|#1'
    const text = body({
      accountAlias: hostile,
      state: {
        ...state,
        oldest: [{ ...ref(hostile), ageDays: 100, class: 'overdue' }],
        unanswered: [{ owner: '@alice-gh', keys: [ref(hostile)], daysWaiting: 3 }]
      },
      delta: { ...emptyDelta('2026-12-06T06:00:00.000Z'), deleted: [ref(hostile)] }
    })
    expect(text).not.toContain('<img')
    expect(text).not.toContain('](https://evil')
    expect(text).not.toMatch(/@alice(?!&#8203;)/)
    expect(text).not.toMatch(/(^|[^&])#1\b/)
    expect(text.split('\n', 1)[0]).toBe(`<!-- iam-key-sentinel dashboard account=${ACCOUNT} -->`)
  })

  it('keeps its history block whole within GitHub’s body limit, however long the lists', () => {
    const many = Array.from({ length: 5000 }, (_, i) => ref(`user-${'x'.repeat(60)}-${i}`, i))
    const text = body({
      delta: {
        ...emptyDelta('2026-12-06T06:00:00.000Z'),
        newOverdue: many,
        deleted: many,
        rotated: many
      },
      state: { ...state, oldest: many.slice(0, 10).map((k) => ({ ...k, ageDays: 1, class: 'ok' })) }
    })
    expect(text.length).toBeLessThanOrEqual(ISSUE_BODY_LIMIT)
    expect(text).toContain('_…and 4985 more._')
    expect(parseHistory(text).kind).toBe('found')
  })

  it('notes a rebuilt block', () => {
    expect(body({ rebuilt: 'it is not valid JSON' })).toContain(
      '> The history block of this issue could not be read (it is not valid JSON), so it was rebuilt'
    )
  })
})

describe('renderTrend', () => {
  it('gives runs of the same day distinct labels, so no point is merged', () => {
    const point = (at: string) => ({ at, runId: at, overdue: 2, dueSoon: 1, unused: 0 })
    const chart = renderTrend([
      point('2026-12-06T06:00:00.000Z'),
      point('2026-12-07T06:00:00.000Z'),
      point('2026-12-07T18:30:00.000Z'),
      point('2026-12-07T18:30:30.000Z')
    ])
    expect(chart).toContain('x-axis ["12-06", "12-07 06:00", "12-07 18:30", "12-07 18:30 #2"]')
    expect(chart).toContain('y-axis "Keys" 0 --> 10')
    expect(chart).toContain('  line [2, 2, 2, 2]\n  line [1, 1, 1, 1]\n  line [0, 0, 0, 0]')
  })
})

describe('renderDashboardSection', () => {
  it('says when the dry run wrote nothing, and that nothing changed', () => {
    const text = renderDashboardSection({
      delta: emptyDelta('2026-12-06T06:00:00.000Z'),
      scope,
      dryRun: true
    })
    expect(text).toBe(
      '### Since the last run (2026-12-06 06:00 UTC) · dry run: the dashboard issue was not written\n\nNothing changed.'
    )
  })
})
