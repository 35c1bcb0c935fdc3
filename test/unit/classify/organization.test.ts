// The aggregate's pure parts: which files are reports, the organization result, the summary and
// the SNS digest rendered from it.
import { describe, expect, it } from '@jest/globals'
import { aggregate, type OrganizationResult } from '../../../src/classify/organization.js'
import { renderAggregateSummary } from '../../../src/render/organization.js'
import { CHART_ACCOUNTS_LIMIT, renderOverdueChart } from '../../../src/render/overdue-chart.js'
import {
  renderDigest,
  renderDigestNotification,
  renderDigestSubject,
  shouldPublishDigest
} from '../../../src/render/organization-digest.js'
import { readReportFile, type ReportFile } from '../../../src/scan/report-file.js'
import { SNS_MESSAGE_LIMIT_BYTES, SNS_SUBJECT_MAX } from '../../../src/render/sns-message.js'
import type { AuditReport } from '../../../src/domain/report.js'
import type { Finding, KeyClass } from '../../../src/domain/types.js'

const NOW = new Date('2026-06-01T00:00:00Z')
const DAY = 86_400_000

let seq = 0
function finding(cls: KeyClass, ageDays: number, userName = `user${seq}`): Finding {
  seq += 1
  const fields: Omit<Finding, 'class' | 'rawClass' | 'exemption' | 'expiredExemption'> = {
    userName,
    accessKeyId: `AKIATEST${String(seq).padStart(12, '0')}`,
    status: cls === 'inactive' ? 'Inactive' : 'Active',
    createDate: new Date(NOW.getTime() - ageDays * DAY),
    lastUse: {
      kind: 'used',
      date: new Date(NOW.getTime() - DAY),
      serviceName: 's3',
      region: 'us-east-1'
    },
    ageDays,
    idleDays: 1,
    daysToDeadline: 90 - ageDays
  }
  if (cls !== 'exempt') return { ...fields, class: cls, rawClass: cls }
  const exemption = {
    kind: 'tag',
    tag: 'iam-key-sentinel-exempt',
    value: '',
    status: 'no-end'
  } as const
  return { ...fields, class: cls, rawClass: 'overdue', exemption }
}

function report(accountId: string, keys: Finding[], extra: Partial<AuditReport> = {}): AuditReport {
  const counts = {
    total: keys.length,
    overdue: 0,
    'due-soon': 0,
    unused: 0,
    inactive: 0,
    ok: 0,
    exempt: 0
  }
  for (const k of keys) counts[k.class]++
  return {
    tool: 'iam-key-sentinel',
    schemaVersion: 1,
    accountId,
    generatedAt: NOW.toISOString(),
    thresholds: { maxAgeDays: 90, warnDays: 14, unusedDays: 30 },
    userCount: keys.length,
    counts,
    keys,
    errors: [],
    ...extra
  }
}

const file = (r: AuditReport, path = `r/iam-key-sentinel-${r.accountId}-1-1.json`): ReportFile =>
  readReportFile(path, JSON.stringify(r))

describe('readReportFile', () => {
  const good = report('111111111111', [finding('overdue', 120), finding('ok', 5)])

  it('reads a report, reviving its dates', () => {
    const f = file(good)
    expect(f.kind).toBe('report')
    if (f.kind !== 'report') return
    expect(f.report.keys[0]?.createDate).toBeInstanceOf(Date)
    expect(f.report.counts).toEqual(good.counts)
  })

  it('counts the due-soon keys named by slot (keysBySlot) with the keys', () => {
    const slotKey = {
      userName: 'bob',
      slot: 2,
      status: 'Active',
      createDate: NOW.toISOString(),
      lastUse: { kind: 'never' },
      class: 'due-soon',
      rawClass: 'due-soon',
      ageDays: 80,
      daysToDeadline: 10
    }
    const withSlot = { ...good, counts: { ...good.counts, total: 3, 'due-soon': 1 } }
    const text = JSON.stringify({ ...withSlot, keysBySlot: [slotKey] })
    expect(readReportFile('r/iam-key-sentinel-111111111111-1-1.json', text).kind).toBe('report')
    // Without it, the count of due-soon keys does not match: the file was edited.
    expect(
      readReportFile('r/iam-key-sentinel-111111111111-1-1.json', JSON.stringify(withSlot))
    ).toMatchObject({ kind: 'unreadable', reason: expect.stringContaining('due-soon') })
  })

  it('ignores JSON that is not ours, and broken JSON that is not named like ours', () => {
    expect(readReportFile('a/coverage.json', '{"tool":"jest"}').kind).toBe('ignored')
    expect(readReportFile('a/other.json', '{oops').kind).toBe('ignored')
    expect(
      readReportFile(
        'a/org.json',
        JSON.stringify({ ...good, tool: 'iam-key-sentinel-organization' })
      ).kind
    ).toBe('ignored')
  })

  it.each([
    ['truncated', (t: string) => t.slice(0, 100), 'not valid JSON'],
    [
      'another schema',
      (t: string) => t.replace('"schemaVersion":1', '"schemaVersion":2'),
      'schemaVersion 2'
    ],
    [
      'edited counts',
      (t: string) => t.replace('"overdue":1', '"overdue":0'),
      'counts do not match its keys'
    ],
    [
      'a bad class',
      (t: string) => t.replace('"class":"ok"', '"class":"fine"'),
      "unknown class 'fine'"
    ],
    ['no keys', (t: string) => t.replace('"keys":', '"keyz":'), 'no keys array'],
    [
      'a bad date',
      (t: string) => t.replace(/"createDate":"[^"]+"/, '"createDate":"yesterday"'),
      'no valid createDate'
    ]
  ])('flags a report file with %s as unreadable, for its account', (_, edit, reason) => {
    const f = readReportFile('x/iam-key-sentinel-111111111111-9-1.json', edit(JSON.stringify(good)))
    expect(f).toMatchObject({ kind: 'unreadable', accountId: '111111111111' })
    expect(f.kind === 'unreadable' && f.reason).toContain(reason)
  })

  it('allows ok keys the credential report counted but did not list', () => {
    const r = report('111111111111', [finding('ok', 5)])
    r.counts.ok += 3
    r.counts.total += 3
    expect(file(r).kind).toBe('report')
  })
})

describe('aggregate', () => {
  const a = report(
    '111111111111',
    [finding('overdue', 200), finding('overdue', 100), finding('ok', 3)],
    {
      accountAlias: 'alias-a'
    }
  )
  const b = report('222222222222', [
    finding('unused', 50),
    finding('due-soon', 80),
    finding('exempt', 120)
  ])
  const expected = [
    { accountId: '111111111111', name: 'A' },
    { accountId: '222222222222', name: 'B' },
    { accountId: '333333333333', name: 'C' },
    { accountId: '444444444444', name: 'D' }
  ]
  const broken = readReportFile('d/iam-key-sentinel-444444444444.json', '{')
  const stray = report('555555555555', [finding('overdue', 95)])
  const result = aggregate(expected, [
    file(a),
    file(b),
    broken,
    file(stray),
    readReportFile('x.json', '[]')
  ])

  it('sums the reports it could read, and only those', () => {
    expect(result.totals).toEqual({
      total: 7,
      overdue: 3,
      'due-soon': 1,
      unused: 1,
      inactive: 0,
      ok: 1,
      exempt: 1
    })
    expect(result.users).toBe(7)
  })

  it('flags the missing and the unreadable accounts, failed first', () => {
    expect(result.accounts.map((x) => [x.accountId, x.status])).toEqual([
      ['333333333333', 'missing'],
      ['444444444444', 'unreadable'],
      ['111111111111', 'reported'],
      ['555555555555', 'reported'],
      ['222222222222', 'reported']
    ])
    expect(result.failed.map((x) => x.accountId)).toEqual(['333333333333', '444444444444'])
    expect(result.accounts.find((x) => x.accountId === '555555555555')?.expected).toBe(false)
    expect(result.ignored.map((f) => f.path)).toEqual(['x.json'])
  })

  it('ranks the worst keys across accounts', () => {
    expect(result.worstKeys.map((k) => [k.accountId, k.finding.class, k.finding.ageDays])).toEqual([
      ['111111111111', 'overdue', 200],
      ['111111111111', 'overdue', 100],
      ['555555555555', 'overdue', 95],
      ['222222222222', 'unused', 50],
      ['222222222222', 'due-soon', 80]
    ])
  })

  it('takes the newest usable report of an account run twice, over a broken one', () => {
    const older = report('111111111111', [finding('overdue', 100)], {
      generatedAt: '2026-05-01T00:00:00.000Z'
    })
    const r = aggregate(
      [{ accountId: '111111111111' }],
      [
        file(older, 'one/iam-key-sentinel-111111111111.json'),
        readReportFile('two/iam-key-sentinel-111111111111.json', '{'),
        file(a, 'three/iam-key-sentinel-111111111111.json')
      ]
    )
    const only = r.accounts[0]
    expect(only?.status).toBe('reported')
    if (only?.status !== 'reported') return
    expect(only.path).toBe('three/iam-key-sentinel-111111111111.json')
    expect(only.setAside).toHaveLength(2)
    expect(only.name).toBe('alias-a')
    expect(r.failed).toEqual([])
  })
})

function resultWith(
  accounts: number,
  overduePerAccount: number,
  name = (i: number) => `n${i}`
): OrganizationResult {
  const reports = Array.from({ length: accounts }, (_, i) =>
    report(
      String(100000000000 + i),
      Array.from({ length: overduePerAccount }, () => finding('overdue', 120))
    )
  )
  return aggregate(
    reports.map((r, i) => ({ accountId: r.accountId, name: name(i) })),
    reports.map((r) => file(r))
  )
}

describe('renderAggregateSummary', () => {
  it('escapes account names and key owners', () => {
    const result = resultWith(1, 1, () => '<img src=x> | @team [x](y)')
    const md = renderAggregateSummary({ result, generatedAt: NOW, reportsDirectory: 'reports' })
    expect(md).toContain('&lt;img src=x&gt; &#124; @&#8203;team &#91;x&#93;(y)')
    expect(md).not.toContain('<img')
  })

  it('stays under the byte limit for a large fleet, saying how many accounts it left out', () => {
    const result = resultWith(3000, 1)
    const md = renderAggregateSummary(
      { result, generatedAt: NOW, reportsDirectory: 'reports', reportPath: '/tmp/org.json' },
      64 * 1024
    )
    expect(Buffer.byteLength(md)).toBeLessThanOrEqual(64 * 1024)
    expect(md).toMatch(/_\d+ more accounts are not shown here .*\/tmp\/org\.json/)
    expect(md).toContain('### Worst keys (20 of 3000')
    // The first ten open, the next ten folded.
    const worst = md.slice(md.indexOf('### Worst keys'), md.indexOf('### Accounts'))
    const open = worst.slice(0, worst.indexOf('<details>'))
    expect(open.match(/^\| \d{12}/gm)).toHaveLength(10)
    expect(worst).toContain('<details><summary>10 more</summary>')
    expect(worst.match(/^\| \d{12}/gm)).toHaveLength(20)
  })

  it('charts at most the accounts with the most overdue keys', () => {
    const chart = renderOverdueChart(resultWith(40, 2).accounts)
    const labels = /x-axis \[(.*)\]/.exec(chart)?.[1]?.split(', ') ?? []
    expect(labels).toHaveLength(CHART_ACCOUNTS_LIMIT)
    expect(chart).toContain(`The ${CHART_ACCOUNTS_LIMIT} accounts with the most overdue keys of 40`)
    // Nothing to chart, or one account: the accounts table says it all.
    expect(renderOverdueChart(resultWith(2, 0).accounts)).toBe('')
    expect(renderOverdueChart(resultWith(1, 3).accounts)).toBe('')
  })

  it('names each account beside its ID, with whole-key ticks and nothing that ends a label', () => {
    const chart = renderOverdueChart(
      resultWith(2, 3, (i) => (i === 0 ? 'prod "eu" ]' : 'staging')).accounts
    )
    expect(chart).toContain('x-axis ["100000000000 prod eu", "100000000001 staging"]')
    // d3 picks whole-number ticks from a range of at least 10.
    expect(chart).toContain('y-axis "Overdue keys" 0 --> 10')
  })
})

describe('the SNS digest', () => {
  it('publishes on findings only when something needs attention', () => {
    expect(shouldPublishDigest(resultWith(2, 0), 'findings')).toBe(false)
    expect(shouldPublishDigest(resultWith(2, 1), 'findings')).toBe(true)
    expect(shouldPublishDigest(aggregate([{ accountId: '999999999999' }], []), 'findings')).toBe(
      true
    )
    expect(shouldPublishDigest(resultWith(2, 1), 'never')).toBe(false)
    expect(shouldPublishDigest(resultWith(2, 0), 'always')).toBe(true)
  })

  it('has an ASCII subject within SNS limits, whatever the names', () => {
    const result = resultWith(3, 2, () => 'Prod\nSubject: forged ✓')
    const subject = renderDigestSubject(result)
    expect(subject).toBe('IAM Key Sentinel organization: 6 overdue in 3 accounts')
    expect(subject.length).toBeLessThanOrEqual(SNS_SUBJECT_MAX)
    const { message } = renderDigestNotification({
      result,
      runUrl: 'https://run',
      generatedAt: NOW
    })
    // A name cannot forge a line of its own.
    expect(message).not.toMatch(/^Subject: forged/m)
  })

  it('stays within a limit one byte below its full size, and says what it cut', () => {
    const result = resultWith(30, 2, (i) => `account ${i}`)
    const input = { result, runUrl: 'https://run', generatedAt: NOW }
    const full = renderDigest(input, Number.MAX_SAFE_INTEGER)
    expect(full).not.toContain('... ')
    for (const limit of [Buffer.byteLength(full) - 1, Buffer.byteLength(full) - 300]) {
      const cut = renderDigest(input, limit)
      expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(limit)
      expect(cut).toMatch(/\.\.\. \d+ more (keys|accounts); see the run: https:\/\/run/)
      expect(cut.endsWith(`JSON report: see the run: https://run`)).toBe(true)
    }
  })

  it('cuts a huge fleet to the size limit with a note pointing at the run', () => {
    const result = resultWith(5000, 1, (i) => `account number ${i} with a long name`)
    const message = renderDigest({ result, runUrl: 'https://run', generatedAt: NOW }, 32 * 1024)
    expect(Buffer.byteLength(message)).toBeLessThanOrEqual(32 * 1024)
    expect(message).toMatch(/\.\.\. \d+ more accounts; see the run: https:\/\/run/)
    const full = renderDigestNotification({ result, runUrl: 'https://run', generatedAt: NOW })
    expect(Buffer.byteLength(full.message) + Buffer.byteLength(full.subject)).toBeLessThan(
      SNS_MESSAGE_LIMIT_BYTES
    )
  })
})
