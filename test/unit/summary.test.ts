import { describe, expect, it } from '@jest/globals'
import { ageBuckets, renderAgeChart } from '../../src/age-chart.js'
import { classify, countClasses } from '../../src/classify.js'
import { DAY_MS } from '../../src/dates.js'
import { OK_LIST_LIMIT, renderSummary, type SummaryInput } from '../../src/summary.js'
import type { AccessKey, Finding, Thresholds } from '../../src/types.js'

const NOW = new Date('2026-11-21T12:00:00Z')
const T: Thresholds = { maxAgeDays: 90, warnDays: 14, unusedDays: 0 }

function finding(userName: string, ageDays: number, over: Partial<AccessKey> = {}): Finding {
  return classify(
    {
      userName,
      accessKeyId: `AKIA${userName
        .toUpperCase()
        .replace(/[^A-Z0-9]/g, '')
        .padEnd(16, 'X')
        .slice(0, 16)}`,
      status: 'Active',
      createDate: new Date(NOW.getTime() - ageDays * DAY_MS),
      lastUse: { kind: 'never' },
      ...over
    },
    NOW,
    T
  )
}

function input(findings: Finding[], over: Partial<SummaryInput> = {}): SummaryInput {
  return {
    accountId: '123456789012',
    generatedAt: NOW,
    thresholds: T,
    userCount: findings.length,
    findings,
    counts: countClasses(findings),
    errors: [],
    ...over
  }
}

describe('renderSummary', () => {
  it('shows account, thresholds, counts and one row per key needing attention', () => {
    const md = renderSummary(
      input([finding('alice', 120), finding('bob', 80), finding('carol', 3)])
    )
    expect(md).toContain('Account **123456789012**')
    expect(md).toContain('rotate after **90** days')
    expect(md).toMatch(/\| 🔴 overdue \| 1 \|/)
    expect(md).toMatch(/\| 🟡 due soon \| 1 \|/)
    expect(md).toMatch(
      /\| alice \| AKIAALICEXXXXXXXXXXX \| Active \| 120 \| never \| 🔴 overdue \| 30 days past \|/
    )
    expect(md).toMatch(/\| bob \| .* \| 🟡 due soon \| in 10 days \|/)
    expect(md).toContain('<details><summary>OK keys (1)</summary>')
  })

  it('explains an exemption next to the class it hides', () => {
    const f = classify(
      { ...baseKey('svc'), createDate: new Date(NOW.getTime() - 200 * DAY_MS) },
      NOW,
      T,
      { kind: 'tag', tag: 'iam-key-sentinel-exempt', value: 'vendor @acme' }
    )
    const md = renderSummary(input([f]))
    expect(md).toContain('⚪ exempt (🔴 overdue; tag iam-key-sentinel-exempt=vendor @&#8203;acme)')
  })

  it('counts ok keys instead of listing them when there are many', () => {
    const many = Array.from({ length: OK_LIST_LIMIT + 1 }, (_, i) => finding(`u${i}`, 1))
    const md = renderSummary(input(many))
    expect(md).not.toContain('<details>')
    expect(md).toContain(`${OK_LIST_LIMIT + 1} keys are ok and not listed here`)
  })

  it('renders hostile user names inertly and keeps every table row intact', () => {
    const hostile = finding('x|y`<img src=x>@team\n#1', 120)
    const md = renderSummary(input([hostile]))
    const row = md
      .split('\n')
      .find((line) => line.includes('🔴 overdue |') && line.includes('Active'))
    expect(row?.split(' | ')).toHaveLength(7)
    expect(md).not.toContain('<img')
    expect(md).not.toMatch(/@team/)
  })

  it('stays within the byte limit, says how many keys it left out and where they are', () => {
    const findings = Array.from({ length: 2000 }, (_, i) => finding(`user-${i}`, 100 + i))
    const limit = 64 * 1024
    const md = renderSummary(input(findings, { reportPath: '/tmp/r.json' }), limit)
    expect(Buffer.byteLength(md)).toBeLessThanOrEqual(limit)
    const shown = md.split('\n').filter((l) => l.startsWith('| user-')).length
    expect(shown).toBeGreaterThan(100)
    expect(md).toContain(`${2000 - shown} more keys are not shown`)
    expect(md).toContain('/tmp/r.json')
  })

  it('lists scan errors so a partial scan is not mistaken for a clean one', () => {
    const md = renderSummary(
      input([finding('a', 1)], {
        errors: [{ scope: 'bob', operation: 'iam:ListAccessKeys', message: 'AccessDenied: nope' }]
      })
    )
    expect(md).toContain('### ⚠️ Scan errors (1)')
    expect(md).toContain('| bob | iam:ListAccessKeys | AccessDenied: nope |')
  })
})

function baseKey(userName: string): AccessKey {
  return {
    userName,
    accessKeyId: 'AKIAEXEMPTEXEMPTEXEM',
    status: 'Active',
    createDate: NOW,
    lastUse: { kind: 'never' }
  }
}

describe('age chart', () => {
  it('buckets ages at the thresholds', () => {
    const buckets = ageBuckets(
      [
        finding('a', 0),
        finding('b', 76),
        finding('c', 77),
        finding('d', 91),
        finding('e', 181)
      ].map((f) => f.ageDays),
      T
    )
    expect(buckets.map((b) => [b.label, b.count])).toEqual([
      ['0-76', 2],
      ['77-90', 1],
      ['91-180', 1],
      ['181+', 1]
    ])
  })

  it('is a Mermaid xychart with one bar per bucket', () => {
    const chart = renderAgeChart([finding('a', 5).ageDays], T)
    expect(chart).toMatch(/^```mermaid\nxychart-beta\n/)
    expect(chart).toContain('bar [1, 0, 0, 0]')
  })
})
