// The documents people read, produced by dist/index.js on the loopback fakes exactly as the e2e
// tests run it (every action.yml default applied): job summaries, issue bodies, SNS messages.
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startFakes, type Fakes } from '../../test/support/harness.js'
import type { RunResult } from '../../test/support/run-action.js'
import {
  SAMPLE_ACCOUNT_ID,
  SAMPLE_TOPIC_ARN,
  sampleAccount
} from '../../test/support/sample-account.js'

export interface Document {
  /** File-name stem of the PNG, e.g. demo-summary. */
  name: string
  format: 'markdown' | 'text'
  content: string
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
        // Two accounts reported, one expected but missing: the aggregate shows all three.
        const result = await f.run({
          mode: 'aggregate',
          'reports-directory': reports,
          'expected-accounts': `${SAMPLE_ACCOUNT_ID},${STAGING_ACCOUNT_ID},444455556666`,
          'fail-on': 'never'
        })
        return [summaryOf('organization-aggregate', result)]
      }))
    )
  } finally {
    await rm(reports, { recursive: true, force: true })
  }
  return docs
}
