// `npm run bench`: what a user gets. The built action (dist/index.js) runs as a child process
// with the runner's environment and every action.yml default (test/support/run-action.ts), on
// accounts shaped by a 90-day rotation (scripts/bench/account.ts) in the loopback fake AWS, with
// a latency per request, IAM's throttling as a token bucket and a credential report that takes
// 10 s to generate. Side by side in one run, each against its own fake account (its own rate
// limit, as separate AWS accounts would have): the seed recipe (baseline), the action with its
// defaults (action) and the forced API walk (api). For the action it also works out the limit
// (limitMs in table.ts): no run that reads the credential report can be faster. Checks the
// targets, prints a table, writes
// bench-results.json (the README's table is generated from it: `npm run readme`), and exits
// non-zero when a target is missed. Build first: npm run package.
import { spawn } from 'node:child_process'
import { mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { loadavg, tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { FakeAws, type FakeAccount } from '../test/support/fake-aws/index.js'
import type { RecordedCall } from '../test/support/fake-aws/types.js'
import { runAction } from '../test/support/run-action.js'
import { parse } from 'yaml'
import { benchAccount, usersToRead } from './bench/account.js'
import {
  checkTargets,
  floorMs,
  formatTable,
  limitMs,
  type BenchMethod,
  type BenchRun,
  type BenchSettings
} from './bench/table.js'
import type { WorkerResult } from './bench/worker.js'

const USAGE = `Usage: npm run bench -- [options]
  --users 500,5000           account sizes (IAM allows 5,000 users per account)
  --latency-ms 10            round-trip latency the fake adds to every request
  --rate 50                  IAM requests per second the fake allows (token bucket; beyond: Throttling)
  --report-generation-ms 10000  how long a new credential report takes to generate
  --methods baseline,action,api  which to run (a target whose runs are missing is left out)
  --out bench-results.json`

const { values } = parseArgs({
  options: {
    users: { type: 'string', default: '500,5000' },
    'latency-ms': { type: 'string', default: '10' },
    rate: { type: 'string', default: '50' },
    'report-generation-ms': { type: 'string', default: '10000' },
    methods: { type: 'string', default: 'baseline,action,api' },
    out: { type: 'string', default: 'bench-results.json' },
    help: { type: 'boolean', default: false }
  }
})
if (values.help) {
  console.log(USAGE)
  process.exit(0)
}
const number = (name: string, value: string): number => {
  const n = Number(value)
  if (!Number.isFinite(n) || n < 0) {
    console.error(`--${name} must be a number; got '${value}'.\n${USAGE}`)
    process.exit(2)
  }
  return n
}
const sizes = values.users.split(',').map((u) => number('users', u))
const METHODS: readonly BenchMethod[] = ['baseline', 'action', 'api']
const methods = values.methods.split(',').map((m) => {
  const method = METHODS.find((known) => known === m.trim())
  if (!method) {
    console.error(`--methods takes ${METHODS.join(', ')}; got '${m}'.\n${USAGE}`)
    process.exit(2)
  }
  return method
})
const settings: BenchSettings = {
  latencyMs: number('latency-ms', values['latency-ms']),
  rate: number('rate', values.rate),
  // The fake's bucket starts full: `rate` requests at once.
  burst: number('rate', values.rate),
  reportGenerationMs: number('report-generation-ms', values['report-generation-ms']),
  unusedDays: 45
}
const HERE = dirname(fileURLToPath(import.meta.url))
const WORKER = join(HERE, 'bench', 'worker.ts')
const RSS_PROBE = pathToFileURL(join(HERE, 'bench', 'rss-probe.mjs')).href
const TIMEOUT_MS = 10 * 60_000
/** Static credentials: the default chain signs with them (no OIDC round trip to measure). */
const STATIC = { AWS_ACCESS_KEY_ID: 'AKIABENCHCLIENT00001', AWS_SECRET_ACCESS_KEY: 'bench-secret' }
/** The runner's defaults, but for what the benchmark's account needs and has no GitHub for. */
const INPUTS = { 'unused-days': String(settings.unusedDays), 'create-issues': 'false' }
/** The thresholds the action runs with: action.yml's defaults but for INPUTS. */
const ACTION_YML = parse(await readFile(join(HERE, '..', 'action.yml'), 'utf8')) as {
  inputs: Record<string, { default?: string }>
}
const THRESHOLDS = {
  maxAgeDays: Number(ACTION_YML.inputs['max-age-days']?.default),
  warnDays: Number(ACTION_YML.inputs['warn-days']?.default),
  unusedDays: settings.unusedDays
}
/** Users per GetAccountAuthorizationDetails page (src/scan/user-details.ts). */
const DETAILS_PAGE_SIZE = 1000

interface Measured {
  wallMs: number
  peakRssMb: number
  /** Flagged keys as `user:created:class`, sorted (the action and the api walk must agree). */
  flagged?: string[]
  keys: number
}

function runBaseline(endpoint: string): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WORKER, endpoint], {
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    const timer = setTimeout(() => child.kill('SIGKILL'), TIMEOUT_MS)
    child.on('close', (code) => {
      clearTimeout(timer)
      const line = stdout.trim().split('\n').pop() ?? ''
      if (code !== 0 || !line.startsWith('{')) {
        reject(new Error(`baseline failed (exit ${code}):\n${stderr}${stdout}`))
        return
      }
      const result = JSON.parse(line) as WorkerResult
      if (result.failedUsers > 0) console.log(`  baseline: ${result.failedUsers} users not read`)
      resolve({ wallMs: result.wallMs, peakRssMb: result.peakRssMb, keys: result.keys })
    })
  })
}

interface ReportJson {
  counts: { total: number }
  keys: { userName: string; createDate: string; class: string }[]
  keysBySlot?: { userName: string; createDate: string; class: string }[]
  errors: unknown[]
  scan: { method: string; reason: string; credentialReport?: { candidateUsers: number } }
}

/** The action as a runner starts it; wall time is the whole process, start-up included. */
async function runOurs(endpoint: string, method: 'action' | 'api'): Promise<Measured> {
  const rssOut = join(await mkdtemp(join(tmpdir(), 'bench-rss-')), 'maxrss')
  const started = performance.now()
  const result = await runAction({
    awsEndpoint: endpoint,
    inputs: method === 'api' ? { ...INPUTS, 'scan-method': 'api' } : INPUTS,
    env: { ...STATIC, NODE_OPTIONS: `--import ${RSS_PROBE}`, BENCH_RSS_OUT: rssOut },
    timeoutMs: TIMEOUT_MS
  })
  const wallMs = performance.now() - started
  const path = result.outputs['report-path']
  // fail-on: overdue (the default) fails the step: the account has overdue keys.
  if (!path || (result.code !== 0 && result.code !== 1)) {
    throw new Error(
      `${method} run failed (exit ${result.code}):\n${result.stdout}\n${result.stderr}`
    )
  }
  const report = JSON.parse(await readFile(path, 'utf8')) as ReportJson
  if (report.errors.length > 0) throw new Error(`${method}: ${report.errors.length} scan errors`)
  const peakRssMb = Number(await readFile(rssOut, 'utf8')) / 1024
  // By user, creation time and class: a due-soon key named by slot has no ID to compare.
  const flagged = [...report.keys, ...(report.keysBySlot ?? [])]
    .filter((k) => k.class !== 'ok')
    .map((k) => `${k.userName}:${k.createDate}:${k.class}`)
    .sort()
  console.log(
    `  ${method}: ${report.scan.reason}` +
      (report.scan.credentialReport
        ? ` (${report.scan.credentialReport.candidateUsers} users read live)`
        : '')
  )
  return { wallMs, peakRssMb, flagged, keys: report.counts.total }
}

/** Where the action's time goes: start-up, the credential report's wait, the reads after it. */
function timeline(calls: readonly RecordedCall[], startedAt: number, wallMs: number): string {
  const at = (call: RecordedCall | undefined): string =>
    call ? `${((call.at - startedAt) / 1000).toFixed(1)} s` : '—'
  const requested = calls.find((c) => c.action === 'GenerateCredentialReport')
  const read = calls.find((c) => c.action === 'GetCredentialReport' && c.status === 200)
  const after = read ? calls.filter((c) => c.at > read.at && c.status === 200).length : 0
  return (
    `first IAM call at ${at(calls[0])}, report requested at ${at(requested)}, read at ${at(read)}, ` +
    `${after} IAM calls after it, last at ${at(calls.at(-1))}; exit at ${(wallMs / 1000).toFixed(1)} s`
  )
}

async function benchmark(
  users: number,
  method: BenchMethod,
  account: FakeAccount
): Promise<{ run: BenchRun; measured: Measured }> {
  const fake = new FakeAws(structuredClone(account), {
    pageSize: 1000,
    latencyMs: settings.latencyMs,
    iamRateLimit: { perSecond: settings.rate, burst: settings.burst },
    credentialReport: { generationMs: settings.reportGenerationMs }
  })
  const endpoint = await fake.start()
  const startedAt = Date.now()
  try {
    const measured =
      method === 'baseline' ? await runBaseline(endpoint) : await runOurs(endpoint, method)
    const requests = fake.calls.filter((c) => c.service === 'iam').length
    const calls = requests - fake.iamThrottled
    const run: BenchRun = {
      method,
      users,
      calls,
      throttled: fake.iamThrottled,
      wallMs: Math.round(measured.wallMs),
      floorMs: floorMs(calls, settings.rate, settings.burst),
      peakRssMb: Math.round(measured.peakRssMb * 10) / 10
    }
    const iamCalls = fake.calls.filter((c) => c.service === 'iam')
    if (method === 'action') {
      const { idUsers, flaggedUsers } = usersToRead(account, new Date(startedAt), THRESHOLDS)
      const parts = {
        startupMs: (iamCalls[0]?.at ?? startedAt) - startedAt,
        reportGenerationMs: settings.reportGenerationMs,
        idUsers,
        // Tags (and groups) of the flagged keys' users: ListUserTags each, or these pages.
        detailPages: Math.min(flaggedUsers, Math.ceil(users / DETAILS_PAGE_SIZE))
      }
      run.limitMs = limitMs(parts, settings.rate)
      console.log(
        `  action: limit ${(run.limitMs / 1000).toFixed(1)} s = start-up ${(parts.startupMs / 1000).toFixed(1)} s + ` +
          `report ${(parts.reportGenerationMs / 1000).toFixed(1)} s + (${idUsers} users read by ID + ` +
          `${parts.detailPages} tags pages + 1 account summary) at ${settings.rate}/s`
      )
    }
    const first = iamCalls[0]?.at ?? 0
    const throttledAt = iamCalls
      .filter((c) => c.status === 400)
      .map((c) => ((c.at - first) / 1000).toFixed(1))
    if (process.env.BENCH_DEBUG && throttledAt.length > 0) {
      console.log(`  ${method}: IAM 400 answers (Throttling) at s ${throttledAt.join(' ')}`)
    }
    if (method === 'action')
      console.log(`  action: ${timeline(iamCalls, startedAt, measured.wallMs)}`)
    console.log(
      `  ${method}: ${calls} IAM calls, ${run.throttled} throttled, ` +
        `${(run.wallMs / 1000).toFixed(1)} s (floor ${(run.floorMs / 1000).toFixed(1)} s), ` +
        `${run.peakRssMb.toFixed(0)} MB`
    )
    return { run, measured }
  } finally {
    await fake.stop()
  }
}

const started = Date.now()
console.log(
  `IAM Key Sentinel benchmark: dist/index.js with the runner's defaults (unused-days ${settings.unusedDays}), ` +
    `${settings.latencyMs} ms latency, IAM bucket ${settings.rate}/s (burst ${settings.burst}), ` +
    `credential reports take ${settings.reportGenerationMs / 1000} s. Load average before: ` +
    loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')
)
const runs: BenchRun[] = []
const problems: string[] = []
for (const users of sizes) {
  const { account, shape } = benchAccount(users, new Date())
  console.log(
    `${users.toLocaleString('en-US')} users, ${shape.keys} keys, ${shape.abandonedUsers} abandoned ` +
      `users: ${methods.join(', ')} side by side…`
  )
  const done = await Promise.all(methods.map((m) => benchmark(users, m, account)))
  runs.push(...done.map((d) => d.run))
  const measuredBy = (m: BenchMethod) => done[methods.indexOf(m)]?.measured
  const [base, action, api] = (['baseline', 'action', 'api'] as const).map(measuredBy)
  if ([base, action, api].some((m) => m && m.keys !== shape.keys)) {
    problems.push(`${users} users: not every method counted all ${shape.keys} keys`)
  }
  if (action && api && JSON.stringify(action.flagged) !== JSON.stringify(api.flagged)) {
    problems.push(`${users} users: the action and the api walk flag different keys`)
  }
}

console.log(`\n${formatTable(runs)}\n`)
const checks = checkTargets(runs)
for (const check of checks) console.log(`${check.ok ? '✓' : '✗'} ${check.label}`)
console.log(
  problems.length === 0
    ? '✓ every method counts every key; the action and the api walk flag the same keys'
    : problems.map((p) => `✗ ${p}`).join('\n')
)
const load = loadavg().map((l) => Math.round(l * 100) / 100)
await writeFile(values.out, `${JSON.stringify({ runs, settings, loadAverage: load }, null, 2)}\n`)
console.log(
  `\nWrote ${values.out} in ${((Date.now() - started) / 1000).toFixed(0)} s; load average after: ${load.join(' ')}.`
)
if (problems.length > 0 || checks.some((c) => !c.ok)) process.exitCode = 1
