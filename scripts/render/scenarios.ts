// The documents people read, produced by dist/index.js on the loopback fakes exactly as the e2e
// tests run it (every action.yml default applied): job summaries, issue bodies, SNS messages.
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startFakes, type Fakes } from '../../test/support/harness.js'
import { startClockAt } from '../../test/support/virtual-clock.js'
import type { RunResult } from '../../test/support/run-action.js'
import {
  SAMPLE_ACCOUNT_ID,
  SAMPLE_COLLABORATORS,
  SAMPLE_TOPIC_ARN,
  sampleAccount
} from '../../test/support/sample-account.js'

export interface Document {
  /** File-name stem of the PNG, e.g. demo-summary. */
  name: string
  format: 'markdown' | 'text'
  content: string
  /** Mermaid blocks the document must draw: the render check fails on fewer. */
  mermaid?: number
}

function summaryOf(name: string, result: RunResult): Document {
  if (result.summary.trim() === '') {
    throw new Error(`${name}: the run wrote no job summary:\n${result.stdout}\n${result.stderr}`)
  }
  return { name, format: 'markdown', content: result.summary }
}

function lastSns(name: string, fakes: Fakes): Document[] {
  const message = fakes.aws.published.at(-1)
  if (!message) return []
  return [
    { name, format: 'text', content: `Subject: ${message.subject ?? ''}\n\n${message.message}` }
  ]
}

function firstIssue(name: string, fakes: Fakes, title: RegExp): Document[] {
  const issue = fakes.github.issues.find((i) => !i.pull_request && title.test(i.title))
  if (!issue) return []
  return [{ name, format: 'markdown', content: `# ${issue.title}\n\n${issue.body ?? ''}` }]
}

/** Each scenario on fresh fakes, so one cannot change what the next one shows. */
async function scenario(run: (fakes: Fakes) => Promise<Document[]>): Promise<Document[]> {
  const fakes = await startFakes(sampleAccount())
  try {
    return await run(fakes)
  } finally {
    await fakes.stop()
  }
}

/** A second account for the organization view: the sample without bob (one overdue key fewer). */
function secondAccount(json: string): string {
  const report = JSON.parse(json) as {
    accountId: string
    accountAlias?: string
    userCount: number
    counts: Record<string, number>
    keys: { userName: string; class: string }[]
  }
  const bob = report.keys.filter((k) => k.userName === 'bob')
  for (const k of bob) report.counts[k.class] = (report.counts[k.class] ?? 0) - 1
  report.counts.total = (report.counts.total ?? 0) - bob.length
  return JSON.stringify({
    ...report,
    accountId: STAGING_ACCOUNT_ID,
    accountAlias: 'acme-staging',
    userCount: report.userCount - 1,
    keys: report.keys.filter((k) => k.userName !== 'bob')
  })
}

const STAGING_ACCOUNT_ID = '777788889999'

const DAY = 86_400_000
/** Day 0 of the dashboard's simulated week: noon UTC. */
const DASHBOARD_DAY_0 = Date.parse('2026-12-01T12:00:00Z')
const EXEMPT_TAG = 'iam-key-sentinel-exempt'
const DASHBOARD_OWNERS = `owners:
  - users: [alice, judy]
    github-users: [alice-gh]
  - users: [dave, erin]
    github-teams: [acme/data-platform]
`

/**
 * The dashboard after a simulated week on the sample account (the virtual clock moves, and keys
 * are deleted, rotated and exempted between runs), so its trend has points to draw.
 */
async function dashboardWeek(): Promise<Document[]> {
  const account = sampleAccount(new Date(DASHBOARD_DAY_0))
  const named = (name: string) => account.users.find((u) => u.userName === name)
  const vendor = named('vendor-sync')
  if (vendor) vendor.tags = { [EXEMPT_TAG]: 'until=2026-12-07 reason=vendor contract' }
  const fakes = await startFakes(account, {}, { collaborators: SAMPLE_COLLABORATORS })
  const workspace = await mkdtemp(join(tmpdir(), 'iam-key-sentinel-render-workspace-'))
  await writeFile(join(workspace, 'iam-owners.yml'), DASHBOARD_OWNERS)
  const newKey = (id: string, day: number) => ({
    accessKeyId: id,
    status: 'Active' as const,
    createDate: new Date(DASHBOARD_DAY_0 + day * DAY - 3_600_000)
  })
  // What happens before each day's run.
  const changes: Record<number, () => void> = {
    1: () => {
      const bob = named('bob')
      if (bob) bob.keys = bob.keys.filter((k) => k.accessKeyId !== 'AKIASAMPLEBOBOLD0001')
    },
    2: () => {
      const carol = named('carol')
      if (carol) carol.keys = [newKey('AKIASAMPLECAROL00002', 2)]
    },
    3: () => {
      const judy = named('judy')
      if (judy) judy.tags = { [EXEMPT_TAG]: 'until=2026-12-20 reason=migration ticket=SEC-77' }
    },
    7: () => {
      const alice = named('alice')
      if (alice) alice.keys = [newKey('AKIASAMPLEALICE00002', 7)]
    }
  }
  try {
    let last: RunResult | undefined
    for (let day = 0; day <= 7; day++) {
      changes[day]?.()
      const clock = startClockAt(DASHBOARD_DAY_0 + day * DAY)
      try {
        last = await fakes.run(
          {
            ...CHANNELS,
            dashboard: 'true',
            'github-token': fakes.github.token,
            'owners-config': 'iam-owners.yml'
          },
          { env: { ...clock.env, GITHUB_RUN_ID: String(7000 + day), GITHUB_WORKSPACE: workspace } }
        )
      } finally {
        clock.restore()
      }
    }
    const issue = fakes.github.issues.find((i) =>
      (i.body ?? '').startsWith('<!-- iam-key-sentinel dashboard account=')
    )
    if (!issue || !last) throw new Error('dashboard: the runs wrote no dashboard issue')
    return [
      {
        name: 'dashboard-issue',
        format: 'markdown',
        content: `# ${issue.title}\n\n${issue.body ?? ''}`,
        mermaid: 1
      },
      summaryOf('dashboard-summary', last)
    ]
  } finally {
    await fakes.stop()
    await rm(workspace, { recursive: true, force: true })
  }
}

const CHANNELS = { 'sns-topic-arn': SAMPLE_TOPIC_ARN, 'fail-on': 'never' }

export async function renderScenarios(): Promise<Document[]> {
  const docs: Document[] = []
  let auditReport = ''
  const reports = await mkdtemp(join(tmpdir(), 'iam-key-sentinel-render-'))
  try {
    docs.push(
      ...(await scenario(async (f) => {
        const result = await f.run(CHANNELS)
        auditReport = join(reports, 'report.json')
        await copyFile(result.outputs['report-path'] ?? '', auditReport)
        await writeFile(
          join(reports, 'report-staging.json'),
          secondAccount(await readFile(auditReport, 'utf8'))
        )
        return [
          summaryOf('demo-summary', result),
          ...firstIssue('rotation-issue', f, /^Rotate/),
          ...lastSns('demo-sns', f)
        ]
      })),
      ...(await scenario(async (f) => [
        summaryOf('deactivate-summary', await f.run({ ...CHANNELS, action: 'deactivate' }))
      ])),
      ...(await scenario(async (f) => [
        summaryOf(
          'dry-run-summary',
          await f.run({ ...CHANNELS, action: 'deactivate', 'dry-run': 'true' })
        )
      ])),
      ...(await scenario(async (f) => {
        const result = await f.run(
          { ...CHANNELS, 'revoke-access-key-ids': 'AKIASAMPLEALICE00001' },
          { eventName: 'workflow_dispatch' }
        )
        return [
          summaryOf('incident-summary', result),
          ...firstIssue('incident-issue', f, /incident|exposed/i),
          ...lastSns('incident-sns', f)
        ]
      })),
      ...(await scenario(async (f) => {
        // The preflight with one failing line (a token without issues: write) and a warning.
        f.github.addFault({
          method: 'POST',
          status: 403,
          body: { message: 'Resource not accessible by integration' }
        })
        return [summaryOf('preflight-summary', await f.run({ ...CHANNELS, mode: 'check' }))]
      })),
      ...(await scenario(async (f) => {
        // Two accounts reported, one expected but missing: the aggregate shows all three.
        const result = await f.run({
          mode: 'aggregate',
          'reports-directory': reports,
          'expected-accounts': `${SAMPLE_ACCOUNT_ID},${STAGING_ACCOUNT_ID},444455556666`,
          'fail-on': 'never'
        })
        return [summaryOf('organization-aggregate', result)]
      })),
      ...(await dashboardWeek())
    )
  } finally {
    await rm(reports, { recursive: true, force: true })
  }
  return docs
}
