import { describe, expect, it } from '@jest/globals'
import { deadlineBands, renderDeadlineChart } from '../../../src/render/age-chart.js'
import { classify, countClasses } from '../../../src/domain/classify.js'
import { DAY_MS } from '../../../src/domain/dates.js'
import { OK_LIST_LIMIT, renderSummary, type SummaryInput } from '../../../src/render/summary.js'
import type { ChangeRecord } from '../../../src/domain/changes.js'
import type { AccessKey, Finding, Thresholds } from '../../../src/domain/types.js'

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
  it('shows account, thresholds, counts and one row per key needing action', () => {
    const md = renderSummary(
      input([finding('alice', 120), finding('bob', 80), finding('carol', 3)])
    )
    expect(md).toContain('Account **123456789012**')
    expect(md).toContain('rotate after **90** days')
    expect(md).toContain('3 users, 3 access keys: 🔴 overdue 1 · 🟡 due soon 1 · 🟢 ok 1')
    expect(md).toMatch(
      /\| alice \| AKIAALICEXXXXXXXXXXX \| 🔴 overdue \| 2026-10-22 \(30 days past\), 120 days old \| never used \| Active \|/
    )
    expect(md).toMatch(/\| bob \| .* \| 🟡 due soon \| 2026-12-01 \(in 10 days\), 80 days old \|/)
    expect(md).toContain('<details><summary>OK keys (1)</summary>')
  })

  it('opens with the verdict: why the step fails, or what is left to do', () => {
    const keys = [finding('alice', 120)]
    const failing = renderSummary(
      input(keys, { failures: ['1 overdue and 0 unused access keys (fail-on: overdue).'] })
    )
    const lines = failing.split('\n')
    expect(lines[2]).toBe(
      '**❌ This step fails:** 1 overdue and 0 unused access keys (fail-on: overdue).'
    )
    expect(failing.match(/fail-on: overdue/g)).toHaveLength(1)
    expect(renderSummary(input(keys, { failures: [], failOn: 'never' })).split('\n')[2]).toBe(
      '**⚠️ 1 key needs action below;** the step passes (fail-on: never).'
    )
    expect(renderSummary(input([finding('a', 1)], { failures: [] }))).toContain(
      '**✅ No key needs action.**'
    )
    // The verdict comes before the keys, the keys before the other sections.
    const md = renderSummary(input(keys, { failures: [], sections: ['### Changes made'] }))
    expect(md.indexOf('needs action below')).toBeLessThan(md.indexOf('### Keys needing action'))
    expect(md.indexOf('### Keys needing action')).toBeLessThan(md.indexOf('### Changes made'))
  })

  it("groups a user's keys and shows each in its state after this run", () => {
    const old = finding('bob', 200)
    const fresh = { ...finding('bob', 10), accessKeyId: 'AKIABOBNEWXXXXXXXXXX' }
    const change = (result: ChangeRecord['result']): ChangeRecord => ({
      kind: 'deactivate',
      userName: 'bob',
      accessKeyId: old.accessKeyId,
      reason: 'overdue',
      result,
      before: { status: 'Active', createDate: old.createDate.toISOString() },
      at: NOW.toISOString()
    })
    const remediation = (result: ChangeRecord['result']) => ({
      action: 'deactivate' as const,
      dryRun: result === 'planned',
      maxActions: 10,
      capExceeded: false,
      changes: [change(result)],
      holds: []
    })
    const applied = renderSummary(
      input([old, finding('alice', 120), fresh], { remediation: remediation('applied') })
    )
    const rows = applied
      .split('\n')
      .filter((l) => l.startsWith('| bob ') || l.startsWith('| alice '))
    expect(rows.map((r) => r.split(' | ')[1])).toEqual([
      old.accessKeyId,
      fresh.accessKeyId,
      'AKIAALICEXXXXXXXXXXX'
    ])
    expect(rows[0]).toContain('| **Inactive: deactivated by this run** |')
    expect(rows[1]).toMatch(/\| 🟢 ok \| .* \| Active \|$/)
    expect(applied).not.toContain('<summary>OK keys')
    const dryRun = renderSummary(input([old], { remediation: remediation('planned') }))
    expect(dryRun).toContain('| Active: would be deactivated (dry run) |')
  })

  it('links users and keys to the IAM console of the partition, and the run to its log', () => {
    const md = renderSummary(
      input([finding('alice', 120)], {
        partition: 'aws-cn',
        runUrl: 'https://github.com/o/r/actions/runs/7'
      })
    )
    expect(md).toContain('[alice](https://console.amazonaws.cn/iam/home#/users/details/alice)')
    expect(md).toContain(
      '[AKIAALICEXXXXXXXXXXX](https://console.amazonaws.cn/iam/home#/users/details/alice?section=security_credentials)'
    )
    expect(md).toContain('[run log](https://github.com/o/r/actions/runs/7)')
    // A name outside IAM's character set is shown, escaped, without a link.
    const odd = renderSummary(input([finding('a(b)', 120)], { partition: 'aws' }))
    expect(odd).toContain('| a(b) | AKIAABXXXXXXXXXXXXXX |')
  })

  it('explains an exemption next to the class it hides', () => {
    const f = classify(
      { ...baseKey('svc'), createDate: new Date(NOW.getTime() - 200 * DAY_MS) },
      NOW,
      T,
      { kind: 'tag', tag: 'iam-key-sentinel-exempt', value: 'vendor @acme', reason: 'vendor @acme' }
    )
    const md = renderSummary(input([f]))
    expect(md).toContain(
      '⚪ exempt (🔴 overdue; tag iam-key-sentinel-exempt: vendor @&#8203;acme; no end; needs an end)'
    )
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
    expect(row?.split(' | ')).toHaveLength(6)
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

  it('stays within every budget, showing more keys the more room it has', () => {
    const findings = Array.from({ length: 300 }, (_, i) => finding(`user-${i}`, 100 + i))
    const md = (limit: number) => renderSummary(input(findings), limit)
    const rows = (text: string) => text.split('\n').filter((l) => l.startsWith('| user-')).length
    let before = 0
    for (let limit = 4096; limit <= 61_440; limit += 1531) {
      const text = md(limit)
      expect(Buffer.byteLength(text)).toBeLessThanOrEqual(limit)
      expect(rows(text)).toBeGreaterThanOrEqual(before)
      if (rows(text) < 300) expect(text).toContain(`${300 - rows(text)} more keys are not shown`)
      else expect(text).not.toContain('more keys are not shown')
      before = rows(text)
    }
    expect(before).toBe(300)
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

describe('deadline chart', () => {
  it('bands active keys by days to the deadline, the thresholds as edges', () => {
    const bands = deadlineBands(
      [
        finding('a', 181),
        finding('b', 180),
        finding('c', 91),
        finding('d', 90),
        finding('e', 77),
        finding('f', 76),
        finding('g', 0)
      ].map((f) => f.daysToDeadline),
      T
    )
    expect(bands.map((b) => [b.label, b.count])).toEqual([
      ['over 90 days past', 1],
      ['1-90 days past', 2],
      ['due in 0-13 days', 2],
      ['14+ days left', 2]
    ])
  })

  it('is a small Mermaid xychart with whole-key ticks, left out when it adds nothing', () => {
    const chart = renderDeadlineChart([-5, 20], T)
    expect(chart).toMatch(
      /^```mermaid\n---\nconfig:\n {2}xyChart:\n {4}width: \d+\n {4}height: \d+\n/
    )
    expect(chart).toContain('bar [0, 1, 0, 1]')
    expect(chart).toContain('y-axis "Keys" 0 --> 10')
    expect(renderDeadlineChart([20, 30], T)).toBe('')
  })

  it('counts neither inactive nor exempt keys, nor keys this run deactivated', () => {
    const inactive = finding('i', 200, { status: 'Inactive' })
    const exempt = classify(
      { ...baseKey('svc'), createDate: new Date(NOW.getTime() - 200 * DAY_MS) },
      NOW,
      T,
      {
        kind: 'group',
        group: 'g'
      }
    )
    const md = renderSummary(input([inactive, exempt, finding('a', 100), finding('b', 1)]))
    expect(md).toContain('bar [0, 1, 0, 1]')
  })
})
