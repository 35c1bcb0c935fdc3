// Golden files of everything a run hands people and workflows (test/e2e/channels-golden.test.ts):
// captured per run, the volatile parts replaced by named markers, then compared byte for byte
// with test/golden/<scenario>/. UPDATE_GOLDEN=1 rewrites them instead.
import { expect } from '@jest/globals'
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { FakeAws } from './fake-aws/index.js'
import type { FakeGitHub, FakeIssue } from './fake-github/index.js'
import type { RunResult } from './run-action.js'

const GOLDEN_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../golden')
const UPDATING = process.env.UPDATE_GOLDEN === '1'

/**
 * Where every scenario's clock starts (test/support/virtual-clock.js); a scenario takes minutes.
 * No fixture time falls in the hour after it (the sample keys are at 11:00, the CloudTrail
 * events from 16:00), so a time of day from 12:00 to 12:59 can only come from the run's own
 * clock: the moment of the run, or a window reaching back whole days from it. Dates stay exact.
 */
export const CLOCK_START = Date.UTC(2026, 0, 14, 12, 0, 0)

/** Times of day on the run's clock, in the forms the action writes them. */
const RUN_CLOCK_TIMES: [RegExp, string][] = [
  [/(?<!\d)12:[0-5]\d:\d\d\.\d+/g, '<run-clock hh:mm:ss.sss>'],
  [/(?<!\d)12:[0-5]\d:\d\d(?!\d)/g, '<run-clock hh:mm:ss>'],
  [/(?<!\d)12:[0-5]\d(?![\d:])/g, '<run-clock hh:mm>']
]

/** The random part of a run's name in its claim tag on a key (claimantId). */
const CLAIM_SUFFIX: [RegExp, string] = [
  /\b(run-\d+\.\d+\.)[0-9a-f]{8}\b/g,
  '$1<random-claim-suffix>'
]

/**
 * JSON.parse's message (a malformed report in aggregate) is V8's own wording, which changes
 * between Node versions (Node 22 adds the line and column).
 */
const V8_JSON_ERROR: [RegExp, string] = [
  /(?:Unexpected|Expected)[^()\n"]*? in JSON at position \d+(?: \(line \d+ column \d+\))?/g,
  '<JSON.parse message>'
]

/** Replaces what differs from one run to the next, and nothing else. */
export class Scrubber {
  private readonly literals = new Map<string, string>()
  private messageIds = 0

  /** Every occurrence of `value` becomes `<name>`. */
  literal(value: string, name: string): void {
    if (value !== '') this.literals.set(value, `<${name}>`)
  }

  /** SNS message IDs are random UUIDs of the fake topic: numbered in the order they were sent. */
  messageId(value: string): void {
    if (!this.literals.has(value)) this.literal(value, `sns-message-id-${++this.messageIds}`)
  }

  scrub(text: string): string {
    let out = text
    // Longest first, so a temp dir is replaced before a prefix of it could be.
    const literals = [...this.literals].sort(([a], [b]) => b.length - a.length)
    for (const [value, marker] of literals) out = out.split(value).join(marker)
    for (const [pattern, marker] of [CLAIM_SUFFIX, V8_JSON_ERROR, ...RUN_CLOCK_TIMES]) {
      out = out.replace(pattern, marker)
    }
    return out
  }
}

const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`

/**
 * Outputs by name (the order a runner reads them in is not observable). A value that is compact
 * JSON is stored parsed, for readable diffs; `compactJson` marks it, and the stored form turns
 * back into exactly the same string.
 */
function outputsFile(outputs: Record<string, string>, scrub: (s: string) => string): string {
  const stored: Record<string, unknown> = {}
  for (const name of Object.keys(outputs).sort()) {
    const value = scrub(outputs[name] ?? '')
    let parsed: unknown
    try {
      parsed = /^[[{]/.test(value) ? JSON.parse(value) : undefined
    } catch {
      parsed = undefined
    }
    stored[name] =
      parsed !== undefined && JSON.stringify(parsed) === value ? { compactJson: parsed } : value
  }
  return json(stored)
}

/** The runner's workflow commands that people see as annotations. */
function annotations(result: RunResult): string[] {
  return `${result.stdout}\n${result.stderr}`
    .split('\n')
    .filter((line) => /^::(error|warning|notice)\b/.test(line))
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => [])
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort()
}

/** What the harness itself put in RUNNER_TEMP (test/support/run-action.ts). */
const HARNESS_FILES = new Set(['output', 'summary.md', 'event.json'])

function issueFiles(github: FakeGitHub, scrub: (s: string) => string): Map<string, string> {
  const files = new Map<string, string>()
  const issues = [...github.issues].sort((a, b) => a.number - b.number)
  const meta = issues.map((issue: FakeIssue) => ({
    number: issue.number,
    title: scrub(issue.title),
    state: issue.state,
    state_reason: issue.state_reason ?? null,
    labels: issue.labels.map((l) => l.name),
    assignees: issue.assignees.map((a) => a.login),
    comments: issue.comments.length,
    ...(issue.pull_request ? { pull_request: true } : {})
  }))
  files.set('issues.json', json(meta))
  for (const issue of issues) {
    files.set(`issues/${issue.number}.body.md`, scrub(issue.body ?? ''))
    issue.comments.forEach((comment, i) => {
      files.set(`issues/${issue.number}.comment-${i + 1}.md`, scrub(comment.body))
    })
  }
  files.set(
    'labels.json',
    json(github.labels.map((l) => ({ name: l.name, color: l.color, description: l.description })))
  )
  return files
}

/**
 * Everything one run left behind, under `label/`: exit code, outputs, job summary, annotations,
 * the files in RUNNER_TEMP, the SNS messages and IAM writes since `from`, and every issue and
 * label the repository holds now.
 */
export async function captureRun(
  label: string,
  result: RunResult,
  fakes: { aws: FakeAws; github: FakeGitHub },
  from: { published: number; calls: number },
  scrubber: Scrubber
): Promise<Map<string, string>> {
  scrubber.literal(result.tempDir, 'RUNNER_TEMP')
  const published = fakes.aws.published.slice(from.published)
  for (const message of published) scrubber.messageId(message.messageId)
  const scrub = (text: string): string => scrubber.scrub(text)

  const files = new Map<string, string>()
  const put = (path: string, content: string): void => void files.set(`${label}/${path}`, content)
  put('exit-code.json', json(result.code))
  put('outputs.json', outputsFile(result.outputs, scrub))
  put('summary.md', scrub(result.summary))
  put('annotations.json', json(annotations(result).map(scrub)))
  for (const name of await filesUnder(result.tempDir)) {
    if (HARNESS_FILES.has(name)) continue
    put(`runner-temp/${name}`, scrub(await readFile(join(result.tempDir, name), 'utf8')))
  }
  // Each message body in its own file; the rest of each Publish here.
  const deliveries = published.map((m) => ({ ...m, message: undefined }))
  put('sns.json', scrub(json(deliveries)))
  published.forEach((m, i) => put(`sns/${i + 1}.txt`, scrub(m.message)))
  const writes = fakes.aws.calls
    .slice(from.calls)
    .filter((c) => c.service === 'iam' && /^(Update|Delete|Put|Tag|Untag)/.test(c.action))
    .map((c) => ({ action: c.action, params: c.params, status: c.status }))
  put('iam-writes.json', scrub(json(writes)))
  for (const [path, content] of issueFiles(fakes.github, scrub)) put(path, content)
  return files
}

/** Compares a scenario's files with test/golden/<scenario>/, or rewrites them when updating. */
export async function checkGolden(scenario: string, files: Map<string, string>): Promise<void> {
  const dir = join(GOLDEN_ROOT, scenario)
  if (UPDATING) {
    await rm(dir, { recursive: true, force: true })
    for (const [path, content] of files) {
      await mkdir(dirname(join(dir, path)), { recursive: true })
      await writeFile(join(dir, path), content)
    }
    return
  }
  // Only the files that differ (or exist on one side only), each whole, in one diff.
  const actual: Record<string, string | undefined> = {}
  const expected: Record<string, string | undefined> = {}
  const stored = await filesUnder(dir)
  for (const path of new Set([...stored, ...files.keys()])) {
    const want = stored.includes(path) ? await readFile(join(dir, path), 'utf8') : undefined
    const got = files.get(path)
    if (got === want) continue
    actual[path] = got ?? '(no such file in this run)'
    expected[path] = want ?? '(no such golden file)'
  }
  expect(actual).toEqual(expected)
}
