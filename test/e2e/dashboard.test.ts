// The dashboard issue over simulated days (the virtual clock moves between runs, and keys are
// deleted, rotated and exempted in between): one pinned issue rewritten each run, the changes
// since the last run in it and in the job summary, the trend in its hidden history block; a
// hand-damaged block rebuilt with a note; a dry run that writes nothing; the fleet's dashboard.
import { afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { copyFile, mkdir, mkdtemp, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { FakeAccount } from '../support/fake-aws/index.js'
import type { FakeIssue } from '../support/fake-github/index.js'
import { startFakes, type Fakes } from '../support/harness.js'
import type { RunResult } from '../support/run-action.js'
import {
  SAMPLE_ACCOUNT_ID,
  SAMPLE_COLLABORATORS,
  sampleAccount
} from '../support/sample-account.js'
import { tempRoot } from '../support/temp-root.js'
import { startClockAt } from '../support/virtual-clock.js'

const DAY = 86_400_000
/** Day 0: noon UTC, so each run's date is the day it means. */
const DAY_0 = Date.parse('2026-12-10T12:00:00Z')
const TAG = 'iam-key-sentinel-exempt'
const OWNERS = `owners:
  - users: [alice, dave]
    github-users: [alice-gh]
`

interface History {
  version: number
  runs: { at: string; runId: string; overdue: number; dueSoon: number; unused: number }[]
  keys: { id: string; user: string; account: string; class: string }[]
  keysComplete: boolean
}

let fakes: Fakes
let workspace: string
beforeAll(async () => {
  workspace = await mkdtemp(join(tempRoot(), 'workspace-'))
  await writeFile(join(workspace, 'iam-owners.yml'), OWNERS)
})
afterEach(() => fakes.stop())

/** The sample account on day 0, vendor-sync exempt until 2026-12-12 (inclusive). */
function account(): FakeAccount {
  const a = sampleAccount(new Date(DAY_0))
  const vendor = a.users.find((u) => u.userName === 'vendor-sync')
  if (vendor) vendor.tags = { [TAG]: 'until=2026-12-12 reason=vendor contract' }
  return a
}

let runNumber = 0
/** Runs the action on simulated day `day`; both this process and the action read that clock. */
async function runOnDay(day: number, inputs: Record<string, string> = {}): Promise<RunResult> {
  const clock = startClockAt(DAY_0 + day * DAY + runNumber * 60_000)
  runNumber++
  try {
    return await fakes.run(
      {
        'github-token': fakes.github.token,
        'fail-on': 'never',
        dashboard: 'true',
        'owners-config': 'iam-owners.yml',
        ...inputs
      },
      {
        env: { ...clock.env, GITHUB_WORKSPACE: workspace, GITHUB_RUN_ID: String(9000 + runNumber) }
      }
    )
  } finally {
    clock.restore()
  }
}

const isDashboard = (i: FakeIssue): boolean =>
  (i.body ?? '').startsWith(`<!-- iam-key-sentinel dashboard account=${SAMPLE_ACCOUNT_ID} -->`)
const dashboards = (): FakeIssue[] => fakes.github.issues.filter(isDashboard)
const dashboard = (): FakeIssue => {
  const found = dashboards()
  if (found.length !== 1) throw new Error(`${found.length} dashboards`)
  return found[0] as FakeIssue
}

/** The history block the action keeps in the issue, as JSON. */
function history(body: string | null | undefined): History {
  const m = /<!-- iam-key-sentinel dashboard-history\n(.*)\n-->\n?$/s.exec(body ?? '')
  if (!m?.[1]) throw new Error(`no history block in:\n${body}`)
  return JSON.parse(m[1]) as History
}

/** The section of a Markdown text under `heading`, up to the next heading of its level or above. */
function section(text: string, heading: RegExp): string {
  const lines = text.split('\n')
  const start = lines.findIndex((l) => heading.test(l))
  if (start < 0) return ''
  const level = /^#+/.exec(lines[start] ?? '')?.[0].length ?? 3
  const end = lines.findIndex(
    (l, i) => i > start && /^#+ /.test(l) && (/^#+/.exec(l)?.[0].length ?? 9) <= level
  )
  return lines.slice(start, end < 0 ? undefined : end).join('\n')
}

/** The Mermaid chart's line values, in the order overdue, due soon, unused. */
function chartLines(body: string): number[][] {
  const chart = /```mermaid\n[\s\S]*?xychart-beta\n([\s\S]*?)```/.exec(body)?.[1] ?? ''
  return [...chart.matchAll(/ {2}line \[([\d, ]*)\]/g)].map((m) =>
    (m[1] ?? '').split(', ').map(Number)
  )
}

function user(a: FakeAccount, name: string) {
  const found = a.users.find((u) => u.userName === name)
  if (!found) throw new Error(`no user ${name}`)
  return found
}

describe('the dashboard issue', () => {
  it('is rewritten each simulated day with what changed, the state and the trend', async () => {
    fakes = await startFakes(account(), {}, { collaborators: SAMPLE_COLLABORATORS })
    const aws = fakes.aws.account()

    // Day 0: the dashboard is opened, pinned, and has nothing to compare with yet.
    const day0 = await runOnDay(0)
    expect(day0.code).toBe(0)
    const issue = dashboard()
    expect(issue.pinned).toBe(true)
    expect(issue.title).toBe(`IAM key dashboard: account ${SAMPLE_ACCOUNT_ID} (acme-prod)`)
    expect(issue.labels.map((l) => l.name)).toEqual(['iam-key-rotation'])
    expect(issue.body).toContain('First run of this dashboard: nothing to compare yet.')
    expect(day0.summary).toContain('### Since the last run · [dashboard issue](')
    expect(history(issue.body).runs.map((r) => [r.overdue, r.dueSoon, r.unused])).toEqual([
      [3, 1, 2]
    ])
    // vendor-sync's exemption ends in 2 days; alice is reminded (overdue) and has not answered.
    expect(section(issue.body ?? '', /^#### Exemptions ending/)).toMatch(
      /\| vendor-sync \| AKIASAMPLEVENDOR0001 \| 2026-12-12 \| 2 \|/
    )
    expect(section(issue.body ?? '', /^#### Owners without an answer/)).toMatch(
      /\| alice-gh \| alice · AKIASAMPLEALICE00001<br>dave · AKIASAMPLEDAVE000001 \| 30 days \|/
    )
    // Named, never mentioned: the dashboard is rewritten every run.
    expect(issue.body).not.toContain('@alice-gh')

    // Between day 0 and day 1: bob's old key is deleted, carol's rotated, judy exempted.
    const bob = user(aws, 'bob')
    bob.keys = bob.keys.filter((k) => k.accessKeyId !== 'AKIASAMPLEBOBOLD0001')
    user(aws, 'carol').keys = [
      {
        accessKeyId: 'AKIASAMPLECAROL00002',
        status: 'Active',
        createDate: new Date(DAY_0 + DAY - 3_600_000)
      }
    ]
    user(aws, 'judy').tags = { [TAG]: 'until=2026-12-20 reason=migration' }
    const day1 = await runOnDay(1)
    expect(day1.code).toBe(0)
    expect(dashboards()).toHaveLength(1)
    const body1 = dashboard().body ?? ''
    const delta1 = section(body1, /^### Since the last run/)
    expect(delta1).toMatch(
      /\*\*🔄 Rotated \(replaced by a newer key\)\*\* \(1\)\n\n- \*\*carol\*\* · \[AKIASAMPLECAROL00001\]/
    )
    expect(delta1).toMatch(/\*\*🗑️ Deleted\*\* \(1\)\n\n- \*\*bob\*\* · \[AKIASAMPLEBOBOLD0001\]/)
    expect(delta1).toMatch(
      /newly exempt\*\* \(1\)\n\n- \*\*judy\*\* · \[AKIASAMPLEJUDY000001\]\([^)]*\) · until 2026-12-20/
    )
    expect(delta1).not.toContain('newly overdue')
    // The job summary shows the same changes.
    const summary1 = section(day1.summary, /^### Since the last run/)
    expect(summary1.split('\n').slice(1).join('\n').trim()).toBe(
      delta1.split('\n').slice(1).join('\n').trim()
    )

    // Day 3: vendor-sync's exemption ended on day 2, so its 103-day-old key is overdue again.
    const day3 = await runOnDay(3)
    expect(day3.code).toBe(0)
    const body3 = dashboard().body ?? ''
    const delta3 = section(body3, /^### Since the last run/)
    expect(delta3).toMatch(
      /newly overdue\*\* \(1\)\n\n- \*\*vendor-sync\*\* · \[AKIASAMPLEVENDOR0001\]/
    )
    expect(delta3).toMatch(
      /Exemption expired \(the key is checked again\)\*\* \(1\)\n\n- \*\*vendor-sync\*\* · \[AKIASAMPLEVENDOR0001\]\([^)]*\) · until 2026-12-12/
    )
    expect(delta3).not.toMatch(/Rotated|Deleted|newly exempt/)
    expect(section(body3, /^#### Exemptions ending/)).toMatch(
      /\| judy \| AKIASAMPLEJUDY000001 \| 2026-12-20 \| 7 \|/
    )

    // The trend: one point a run, in the block and in the chart alike.
    const h = history(body3)
    expect(h.version).toBe(1)
    expect(h.runs.map((r) => r.at.slice(0, 10))).toEqual(['2026-12-10', '2026-12-11', '2026-12-13'])
    // overdue: alice, bob-old, judy → alice (bob deleted, judy exempt) → alice, vendor-sync.
    expect(h.runs.map((r) => r.overdue)).toEqual([3, 1, 2])
    expect(chartLines(body3)).toEqual([
      [3, 1, 2],
      h.runs.map((r) => r.dueSoon),
      h.runs.map((r) => r.unused)
    ])
    expect(body3).toContain('### Trend over the last 3 runs')
    expect(h.keys.find((k) => k.id === 'AKIASAMPLEVENDOR0001')?.class).toBe('overdue')
    expect(fakes.github.issues.filter((i) => i.pinned)).toHaveLength(1)
  }, 240_000)

  it('rebuilds a damaged or hand-edited history block with a note, without failing', async () => {
    fakes = await startFakes(account(), {}, { collaborators: SAMPLE_COLLABORATORS })
    expect((await runOnDay(0)).code).toBe(0)
    expect((await runOnDay(1)).code).toBe(0)
    const issue = dashboard()
    expect(history(issue.body).runs).toHaveLength(2)
    // Someone edits the block by hand and breaks its JSON.
    issue.body = (issue.body ?? '').replace(/"overdue":\d+/, '"overdue":lots')
    const rerun = await runOnDay(2)
    expect(rerun.code).toBe(0)
    const rebuilt = dashboard()
    expect(rebuilt.number).toBe(issue.number)
    expect(rebuilt.body).toMatch(
      /> \[!WARNING\]\n> The history block of this issue could not be read \(it is not valid JSON/
    )
    expect(rebuilt.body).toContain('First run of this dashboard: nothing to compare yet.')
    expect(history(rebuilt.body).runs).toHaveLength(1)
    // The next run reads the rebuilt block: no note, the trend grows again.
    await runOnDay(3)
    expect(dashboard().body).not.toContain('could not be read')
    expect(history(dashboard().body).runs).toHaveLength(2)

    // The block deleted altogether: rebuilt the same way.
    const edited = dashboard()
    edited.body = (edited.body ?? '').replace(/<!-- iam-key-sentinel dashboard-history[\s\S]*$/, '')
    expect((await runOnDay(4)).code).toBe(0)
    expect(dashboard().body).toContain('could not be read (the block is missing)')
  }, 240_000)

  it('writes nothing in a dry run, and only warns when GitHub will not pin', async () => {
    fakes = await startFakes(account(), {}, { collaborators: SAMPLE_COLLABORATORS })
    // Three issues are pinned already: GitHub pins no fourth.
    for (const title of ['a', 'b', 'c']) fakes.github.seedIssue({ title, pinned: true })
    const dry = await runOnDay(0, { 'dry-run': 'true', 'create-issues': 'false' })
    expect(dry.code).toBe(0)
    expect(dashboards()).toHaveLength(0)
    expect(fakes.github.writes()).toEqual([])
    expect(dry.summary).toContain(
      '### Since the last run · dry run: the dashboard issue was not written'
    )
    expect(dry.summary).toContain('Would open the dashboard issue.')

    const first = await runOnDay(0, { 'create-issues': 'false' })
    expect(first.code).toBe(0)
    expect(dashboard().pinned).toBeUndefined()
    expect(first.stdout).toMatch(
      /::warning::Dashboard issue #\d+ was written but not pinned: Repository already has 3 pinned issues/
    )
    const before = dashboard().body
    fakes.github.clearRequests()
    const dryAgain = await runOnDay(1, { 'dry-run': 'true', 'create-issues': 'false' })
    expect(dryAgain.code).toBe(0)
    expect(dashboard().body).toBe(before)
    expect(fakes.github.writes()).toEqual([])
  }, 240_000)

  it('keeps one dashboard for the fleet in aggregate mode', async () => {
    fakes = await startFakes(account(), {}, { collaborators: SAMPLE_COLLABORATORS })
    const reports = join(await mkdtemp(join(tempRoot(), 'reports-')), 'in')
    await mkdir(reports)
    const audit = async (day: number) => {
      const result = await runOnDay(day, { 'create-issues': 'false' })
      await copyFile(result.outputs['report-path'] ?? '', join(reports, 'report.json'))
    }
    const aggregate = (day: number) =>
      runOnDay(day, {
        mode: 'aggregate',
        'reports-directory': reports,
        'expected-accounts': SAMPLE_ACCOUNT_ID,
        'owners-config': ''
      })
    await audit(0)
    expect((await aggregate(0)).code).toBe(0)
    const aws = fakes.aws.account()
    const bob = user(aws, 'bob')
    bob.keys = bob.keys.filter((k) => k.accessKeyId !== 'AKIASAMPLEBOBOLD0001')
    await audit(1)
    const second = await aggregate(1)
    expect(second.code).toBe(0)
    const fleet = fakes.github.issues.filter((i) =>
      (i.body ?? '').startsWith('<!-- iam-key-sentinel dashboard organization -->')
    )
    expect(fleet).toHaveLength(1)
    expect(fleet[0]?.title).toBe('IAM key dashboard: organization')
    expect(fleet[0]?.body).toContain('Organization: 1 account reported')
    expect(section(fleet[0]?.body ?? '', /^### Since the last run/)).toMatch(
      new RegExp(
        `Deleted\\*\\* \\(1\\)\\n\\n- ${SAMPLE_ACCOUNT_ID} · \\*\\*bob\\*\\* · AKIASAMPLEBOBOLD0001`
      )
    )
    expect(second.summary).toContain('### Since the last run')
    expect(history(fleet[0]?.body).runs).toHaveLength(2)
  }, 240_000)
})
