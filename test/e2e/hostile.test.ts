// Hostile strings and secrets: values from AWS (user names, tags, CloudTrail fields, alias) that
// try to write Markdown, HTML, mentions or forged markers must render inertly everywhere, and no
// credential may appear in any artifact of a run.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { readFile } from 'node:fs/promises'
import { parseMarker } from '../../src/domain/issue-marker.js'
import { makeEvents } from '../support/cloudtrail-events.js'
import { startFakes, type Fakes } from '../support/harness.js'
import type { RunResult } from '../support/run-action.js'
import { SAMPLE_COLLABORATORS, SAMPLE_TOPIC_ARN, sampleAccount } from '../support/sample-account.js'

const LONG = 'Ω'.repeat(5000)
const HOSTILE = [
  'pipe | breaks',
  '`code` ```fence',
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '--> <!-- hidden -->',
  '@octocat and @acme/security-team',
  '[x](javascript:alert(1))',
  'line\nbreak\r\nSubject: forged',
  'see https://evil.example/login and www.evil.example',
  'ünïcødé 账户 🔑',
  '#1 GH-2',
  LONG
].join(' ')
const HOUR = 3_600_000
const HOSTILE_USER = 'eve+ops=1,x.y@corp_z-9'

function hostileAccount() {
  const account = sampleAccount()
  account.alias = `prod ${HOSTILE}`
  const eve = {
    userName: HOSTILE_USER,
    tags: { github: '@acme/security-team', 'cost-center': HOSTILE },
    keys: [
      {
        accessKeyId: 'AKIAHOSTILEEVE000001',
        status: 'Active' as const,
        createDate: new Date(Date.now() - 200 * 86_400_000)
      }
    ]
  }
  account.users.push(eve)
  const vendor = account.users.find((u) => u.userName === 'vendor-sync')
  if (vendor) vendor.tags = { 'iam-key-sentinel-exempt': HOSTILE }
  account.cloudTrail = makeEvents({
    accessKeyId: 'AKIAHOSTILEEVE000001',
    userName: HOSTILE_USER,
    region: 'us-east-1',
    count: 12,
    start: new Date(Date.now() - 5 * HOUR),
    sourceIps: [HOSTILE, '203.0.113.9'],
    userAgents: [HOSTILE, '<b>bold</b>'],
    calls: [
      {
        eventSource: 'iam.amazonaws.com',
        eventName: '`CreateUser`|<x>@admin',
        readOnly: false,
        resources: () => [
          { type: 'AWS::IAM::User', name: HOSTILE, arn: 'arn:aws:iam::111122223333:user/x' }
        ]
      }
    ]
  })
  return account
}

/** What a reader sees after GitHub decodes entities (zero-width spaces stay). */
function decoded(markdown: string): string {
  return markdown
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
}

/** Markdown that came out of escaping must not carry any active construct from the data. */
function expectInert(markdown: string, allowedMentions: string[] = []): void {
  expect(markdown).not.toMatch(/<script|<img|<b>/i)
  expect(markdown).not.toContain('](javascript')
  expect(markdown).not.toContain('```fence')
  expect(markdown).not.toMatch(/https:\/\/evil|www\.evil/)
  const mentions = [...decoded(markdown).matchAll(/(?:^|[^\w`])@([A-Za-z0-9][\w-]*)/g)].map(
    (m) => m[1]
  )
  expect(mentions.filter((m) => !allowedMentions.includes(m as string))).toEqual([])
  expect(decoded(markdown)).not.toMatch(/(?:^|\s)#\d/)
}

function tableRowsIntact(markdown: string): void {
  // Every row of a table has as many cells as its header.
  const lines = markdown.split('\n')
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i]?.startsWith('| ') || !lines[i + 1]?.startsWith('| ---')) continue
    const cells = (lines[i] as string).split(' | ').length
    for (let j = i + 2; j < lines.length && lines[j]?.startsWith('|'); j++) {
      expect([j, (lines[j] as string).split(' | ').length]).toEqual([j, cells])
    }
  }
}

let fakes: Fakes
let result: RunResult

beforeAll(async () => {
  fakes = await startFakes(hostileAccount(), {}, { collaborators: SAMPLE_COLLABORATORS })
  result = await fakes.run({
    'github-token': fakes.github.token,
    'sns-topic-arn': SAMPLE_TOPIC_ARN,
    'activity-for': 'flagged',
    'fail-on': 'never'
  })
}, 180_000)
afterAll(() => fakes.stop())

describe('hostile strings render inertly', () => {
  it('the run completes and reports the hostile user', () => {
    expect(result.code).toBe(0)
    expect(result.summary).toContain('eve+ops=1,x.y@&#8203;corp&#95;z-9')
  })

  it('job summary: no HTML, link, mention or reference from data, and no broken table', () => {
    expectInert(result.summary)
    tableRowsIntact(result.summary)
  })

  it('issue bodies: inert, marker intact and unclosable; only the validated owner is mentioned', () => {
    const issues = fakes.github.issues.filter((i) => !i.pull_request)
    expect(issues.length).toBeGreaterThanOrEqual(6)
    for (const issue of issues) {
      const body = issue.body ?? ''
      expect(parseMarker(body)?.kind).toBe('key')
      expect(body.split('<!--')).toHaveLength(2)
      expect(body.split('-->')).toHaveLength(2)
      expectInert(body, ['alice-gh'])
      tableRowsIntact(body)
      expect(issue.title).not.toMatch(/@[A-Za-z0-9]/)
      expect(issue.title).not.toMatch(/[\r\n]/)
    }
    const eve = issues.find(
      (i) => parseMarker(i.body)?.kind === 'key' && i.body?.includes('AKIAHOSTILEEVE000001')
    )
    expect(eve?.assignees).toEqual([])
    expect(eve?.body).toContain('which is not a GitHub login')
  })

  it('SNS: one ASCII subject line, and no data can add a line to the message', () => {
    const [message] = fakes.aws.published
    expect(message?.subject).toMatch(/^[\x20-\x7e]{1,99}$/)
    expect(message?.subject).not.toContain('Subject: forged\n')
    expect(message?.message).not.toMatch(/^Subject: forged/m)
    expect(message?.message).toMatch(/^User: {8}eve\+ops=1,x\.y@corp_z-9$/m)
    expect(Buffer.byteLength(message?.message ?? '')).toBeLessThan(256 * 1024)
  })
})

describe('secrets', () => {
  it('masks the OIDC token and the STS credentials before anything else is logged', () => {
    const lines = result.stdout.split('\n')
    const masks = lines
      .filter((l) => l.startsWith('::add-mask::'))
      .map((l) => l.slice('::add-mask::'.length))
    expect(masks.some((m) => /^ASIA/.test(m))).toBe(true)
    const firstUse = lines.findIndex((l) => l.startsWith('Scanning the access keys'))
    const lastMask = lines.map((l) => l.startsWith('::add-mask::')).lastIndexOf(true)
    expect(firstUse).toBeGreaterThan(lastMask)
  })

  it('no secret appears in outputs, report, summary, SNS message or issues', async () => {
    const masks = [...result.stdout.matchAll(/^::add-mask::(.+)$/gm)].map((m) => m[1] as string)
    expect(masks.length).toBeGreaterThanOrEqual(4)
    const artifacts = [
      JSON.stringify(result.outputs),
      await readFile(result.outputs['report-path'] as string, 'utf8'),
      result.summary,
      JSON.stringify(fakes.aws.published),
      JSON.stringify(fakes.github.requests.map((r) => r.body ?? null)),
      result.stderr
    ]
    for (const artifact of artifacts)
      for (const secret of masks) expect(artifact.includes(secret)).toBe(false)
    // The GitHub token never leaves the Authorization header either.
    for (const artifact of artifacts) expect(artifact.includes(fakes.github.token)).toBe(false)
  })
})
