// `npm run bench`: the seed recipes' algorithm (baseline), the API walk and the credential-report
// method, on accounts of 100, 1,000 and 10,000 users in the loopback fake AWS, with a latency per
// request and IAM's throttling as a token bucket. Prints a table and writes bench-results.json.
//
// Each run is its own process (so its peak RSS is its own) against its own fake account (its
// own rate limit, as separate AWS accounts would have); the three methods of a size run side by
// side, which keeps the whole benchmark within a few minutes. See README, "Performance".
import { spawn } from 'node:child_process'
import { writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { FakeAws } from '../test/support/fake-aws.js'
import { benchAccount } from './bench/account.js'
import { checkTargets, formatTable, type BenchRun, type RunNotes } from './bench/table.js'
import type { BenchMethod, WorkerArgs, WorkerResult } from './bench/worker.js'

const USAGE = `Usage: npm run bench -- [options]
  --users 100,1000,10000     account sizes
  --methods baseline,api,credential-report
  --latency-ms 10            round-trip latency the fake adds to every request
  --rate 50                  IAM requests per second the fake allows (token bucket; beyond: Throttling)
  --client-rate <rate>       pace of our IAM client (default: --rate; 0: SDK adaptive retry only)
  --report-generation-ms 0   how long a fresh credential report takes to generate
  --out bench-results.json`

const { values } = parseArgs({
  options: {
    users: { type: 'string', default: '100,1000,10000' },
    methods: { type: 'string', default: 'baseline,api,credential-report' },
    'latency-ms': { type: 'string', default: '10' },
    rate: { type: 'string', default: '50' },
    'client-rate': { type: 'string' },
    'report-generation-ms': { type: 'string', default: '0' },
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
const METHODS: readonly BenchMethod[] = ['baseline', 'api', 'credential-report']
const methods = values.methods.split(',') as BenchMethod[]
if (!methods.every((m) => METHODS.includes(m))) {
  console.error(`--methods takes ${METHODS.join(', ')}; got '${values.methods}'.\n${USAGE}`)
  process.exit(2)
}
const latencyMs = number('latency-ms', values['latency-ms'])
const rate = number('rate', values.rate)
const clientRate = number('client-rate', values['client-rate'] ?? values.rate)
const generationMs = number('report-generation-ms', values['report-generation-ms'])
const WORKER = join(dirname(fileURLToPath(import.meta.url)), 'bench', 'worker.ts')
const WORKER_TIMEOUT_MS = 10 * 60_000

function runWorker(args: WorkerArgs): Promise<WorkerResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WORKER, JSON.stringify(args)], {
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    const timer = setTimeout(() => child.kill('SIGKILL'), WORKER_TIMEOUT_MS)
    child.on('close', (code) => {
      clearTimeout(timer)
      const line = stdout.trim().split('\n').pop() ?? ''
      if (code === 0 && line.startsWith('{')) resolve(JSON.parse(line) as WorkerResult)
      else reject(new Error(`${args.method} run failed (exit ${code}):\n${stderr}${stdout}`))
    })
  })
}

async function benchmark(
  users: number,
  method: BenchMethod,
  account: ReturnType<typeof benchAccount>['account'],
  at: Date
): Promise<{ run: BenchRun; result: WorkerResult }> {
  const fake = new FakeAws(account, {
    pageSize: 1000,
    latencyMs,
    iamRateLimit: { perSecond: rate },
    credentialReport: { generationMs }
  })
  const endpoint = await fake.start()
  try {
    const result = await runWorker({ method, endpoint, clientRate, at: at.toISOString() })
    const requests = fake.calls.filter((c) => c.service === 'iam').length
    const calls = requests - fake.iamThrottled
    const run: BenchRun = {
      users,
      method,
      calls,
      throttled: fake.iamThrottled,
      wallMs: Math.round(result.wallMs),
      floorMs: Math.round((calls / rate) * 1000),
      peakRssMb: Math.round(result.peakRssMb * 10) / 10
    }
    console.log(
      `  ${method}: ${calls} calls, ${run.throttled} throttled, ${(run.wallMs / 1000).toFixed(1)} s, ` +
        `${run.peakRssMb.toFixed(0)} MB` +
        (result.errors > 0 ? `, ${result.errors} users or keys not read` : '')
    )
    return { run, result }
  } finally {
    await fake.stop()
  }
}

const started = Date.now()
console.log(
  `IAM Key Sentinel benchmark: ${latencyMs} ms latency, ${rate} IAM requests/s allowed, ` +
    `client paced at ${clientRate > 0 ? `${clientRate}/s` : 'the SDK adaptive retry only'}` +
    (generationMs > 0 ? `, reports take ${generationMs} ms` : '')
)
const runs: BenchRun[] = []
const notes = new Map<BenchRun, RunNotes>()
const disagreements: string[] = []
for (const users of sizes) {
  const at = new Date()
  const { account, shape } = benchAccount(users, at)
  console.log(
    `${users.toLocaleString('en-US')} users, ${shape.keys} keys, ${shape.overdueKeys} overdue ` +
      `(${shape.overdueUsers} users): ${methods.join(', ')} side by side…`
  )
  const done = await Promise.all(methods.map((m) => benchmark(users, m, account, at)))
  for (const { run, result } of done) {
    runs.push(run)
    notes.set(run, { errors: result.errors, candidateUsers: result.candidateUsers })
  }
  // Every method must flag the same keys; ours must agree on every field and count.
  const flagged = new Set(done.map((d) => d.result.flaggedDigest))
  const ours = new Set(
    done.filter((d) => d.result.findingsDigest).map((d) => d.result.findingsDigest)
  )
  if (flagged.size > 1) disagreements.push(`${users} users: the methods flag different keys`)
  if (ours.size > 1) disagreements.push(`${users} users: api and credential-report findings differ`)
}

const table = formatTable(runs)
console.log(`\n${table}\n`)
for (const check of checkTargets(runs, notes)) console.log(`${check.ok ? '✓' : '✗'} ${check.label}`)
console.log(
  disagreements.length === 0
    ? '✓ every method flags the same keys; api and credential-report findings and counts are identical'
    : disagreements.map((d) => `✗ ${d}`).join('\n')
)
const settings = { latencyMs, rate, clientRate, reportGenerationMs: generationMs }
await writeFile(values.out, `${JSON.stringify({ runs, settings }, null, 2)}\n`)
console.log(`\nWrote ${values.out} in ${((Date.now() - started) / 1000).toFixed(0)} s.`)
if (disagreements.length > 0) process.exitCode = 1
