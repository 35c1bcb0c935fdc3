// `node --import tsx scripts/fleet-timing.ts`: how long an organization audit takes as one job
// that audits every account in turn, against a matrix of parallel jobs, on a simulated fleet in
// the loopback fake AWS (a per-request latency, the action's own IAM pacing, real dist/index.js).
//
// The method, so the comparison is fair:
// - Both arms do the same work: one run of the built action per account (OIDC into the hub role,
//   sts:AssumeRole into the member role, the audit, the JSON report), with the same inputs,
//   against the same accounts in the same fake, and make the same AWS calls (checked below).
//   A fresh process per account is what a matrix job is; the sequential job pays the same
//   start-up per account, as 50 steps (or one process looping) would pay its own set-up.
// - (a) runs the accounts one after another; (b) runs them through a pool of `--parallel`
//   workers, at most that many at once, as `max-parallel` does.
// - Rounds alternate the order (a b, b a, ...) so warm-up favours neither; medians are printed.
// - Not simulated: GitHub's runner start-up per job (each matrix job waits for and sets up its own
//   runner, the sequential job once) and the list and aggregate jobs' runners. Here the parallel
//   runs also share this machine's CPUs, where on GitHub each has its own runner: the matrix
//   figure is pessimistic on CPU. The "independent runners" line schedules the measured
//   sequential durations on `--parallel` workers, to show what that sharing costs.
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises'
import { cpus, tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { parseArgs } from 'node:util'
import {
  FakeAws,
  type FakeAccount,
  type FakeKey,
  type FakeOrganization
} from '../test/support/fake-aws/index.js'
import { FakeGitHub } from '../test/support/fake-github/index.js'
import { runAction, type RunResult } from '../test/support/run-action.js'
import { seededRandom } from '../test/support/seeded-random.js'

const USAGE = `Usage: node --import tsx scripts/fleet-timing.ts [options]
  --accounts 50      member accounts in the organization
  --parallel 10      matrix jobs at once (max-parallel)
  --users 25         IAM users per account (1.6 keys each on average)
  --latency-ms 10    round-trip latency the fake adds to every request
  --rounds 1         rounds of both arms, order alternating; medians are printed
Build first: npm run package`

const { values } = parseArgs({
  options: {
    accounts: { type: 'string', default: '50' },
    parallel: { type: 'string', default: '10' },
    users: { type: 'string', default: '25' },
    'latency-ms': { type: 'string', default: '10' },
    rounds: { type: 'string', default: '1' },
    help: { type: 'boolean', default: false }
  }
})
if (values.help) {
  console.log(USAGE)
  process.exit(0)
}
const whole = (name: string, value: string, min: number): number => {
  const n = Number(value)
  if (!Number.isInteger(n) || n < min) {
    console.error(`--${name} must be a whole number of at least ${min}; got '${value}'.\n${USAGE}`)
    process.exit(2)
  }
  return n
}
const ACCOUNTS = whole('accounts', values.accounts, 1)
const PARALLEL = whole('parallel', values.parallel, 1)
const USERS = whole('users', values.users, 0)
const LATENCY_MS = whole('latency-ms', values['latency-ms'], 0)
const ROUNDS = whole('rounds', values.rounds, 1)

// ---------------------------------------------------------------------------------------------
// The fleet: a management account, a security (hub) account and the member accounts
// ---------------------------------------------------------------------------------------------

const DAY = 86_400_000
const MGMT = '100000000000'
const SECURITY = '100000000001'
const ORG_READER = `arn:aws:iam::${MGMT}:role/iam-key-sentinel-org-reader`
const HUB = `arn:aws:iam::${SECURITY}:role/iam-key-sentinel-hub`
const memberId = (i: number): string => String(200000000000 + i)
const memberRole = (id: string): string => `arn:aws:iam::${id}:role/iam-key-sentinel-member`

const random = seededRandom

/** 10% of users without a key, 20% with one, 70% with two; about 5% of keys overdue. */
function memberAccount(index: number, now: number): FakeAccount {
  const id = memberId(index)
  const next = random(index + 1)
  const users = Array.from({ length: USERS }, (_, u) => {
    const roll = next()
    const count = roll < 0.1 ? 0 : roll < 0.3 ? 1 : 2
    const abandoned = count === 2 && next() < 0.06
    const keys: FakeKey[] = Array.from({ length: count }, (_, k) => {
      const ageDays = abandoned ? 200 + next() * 800 : next() * 85
      const usedDaysAgo = next() < 0.1 ? undefined : Math.min(ageDays, next() * 10)
      return {
        accessKeyId: `AKIA${id}${String(u).padStart(3, '0')}${k}`,
        status: 'Active' as const,
        createDate: new Date(now - ageDays * DAY),
        ...(usedDaysAgo === undefined
          ? {}
          : {
              lastUsed: {
                date: new Date(now - usedDaysAgo * DAY),
                serviceName: 's3',
                region: 'us-east-1'
              }
            })
      }
    })
    return { userName: `user-${String(u).padStart(3, '0')}`, keys }
  })
  return { accountId: id, roles: [memberRole(id)], users }
}

function fleet(now: number): { accounts: FakeAccount[]; organization: FakeOrganization } {
  const members = Array.from({ length: ACCOUNTS }, (_, i) => memberAccount(i, now))
  return {
    accounts: [
      { accountId: MGMT, roles: [ORG_READER], users: [] },
      { accountId: SECURITY, roles: [HUB], users: [] },
      ...members
    ],
    organization: {
      id: 'o-fleettiming1',
      managementAccountId: MGMT,
      rootId: 'r-ab12',
      accounts: [
        { accountId: MGMT, name: 'Management', parentId: 'r-ab12' },
        { accountId: SECURITY, name: 'Security', parentId: 'r-ab12' },
        ...members.map((m, i) => ({
          accountId: m.accountId,
          name: `Workload ${i + 1}`,
          parentId: 'r-ab12'
        }))
      ]
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Running the action
// ---------------------------------------------------------------------------------------------

interface Entry {
  'account-id': string
  'role-arn': string
}

interface Timed {
  result: RunResult
  ms: number
}

async function pool<T, R>(items: readonly T[], size: number, work: (item: T) => Promise<R>) {
  const results: R[] = []
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++
      results[i] = await work(items[i] as T)
    }
  }
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, worker))
  return results
}

/** Greedy list scheduling: what `workers` independent runners would take for these durations. */
function makespan(durations: readonly number[], workers: number): number {
  const free = Array<number>(workers).fill(0)
  for (const d of durations) {
    const i = free.indexOf(Math.min(...free))
    free[i] = (free[i] ?? 0) + d
  }
  return Math.max(...free)
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  const mid = Math.floor(s.length / 2)
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2
}
const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`

async function main(): Promise<void> {
  const now = Date.now()
  const { accounts, organization } = fleet(now)
  const keys = accounts.reduce((n, a) => n + a.users.reduce((m, u) => m + u.keys.length, 0), 0)
  const aws = new FakeAws(accounts, { latencyMs: LATENCY_MS, pageSize: 100, organization })
  const github = new FakeGitHub()
  const [awsEndpoint, githubUrl] = await Promise.all([aws.start(), github.start()])
  const temps: string[] = []
  const run = async (inputs: Record<string, string>): Promise<Timed> => {
    const start = performance.now()
    const result = await runAction({
      awsEndpoint,
      githubUrl,
      oidcUrl: github.oidcUrl(),
      oidcRequestToken: github.idTokenRequestToken,
      inputs,
      timeoutMs: 10 * 60_000
    })
    temps.push(result.tempDir)
    if (result.code !== 0) {
      throw new Error(`${inputs.mode} run failed (exit ${result.code}):\n${result.stdout}`)
    }
    return { result, ms: performance.now() - start }
  }
  const audit = (entry: Entry): Promise<Timed> =>
    run({
      mode: 'audit',
      'role-to-assume': HUB,
      'member-role-arn': entry['role-arn'],
      'max-age-days': '90',
      'warn-days': '14',
      'fail-on': 'never'
    })

  try {
    console.log(
      `Fleet: ${ACCOUNTS} member accounts, ${USERS} users and ~${Math.round(keys / ACCOUNTS)} keys each ` +
        `(${keys} keys); ${LATENCY_MS} ms per AWS request; ${cpus().length} CPUs on this machine.`
    )
    const listed = await run({
      mode: 'list-accounts',
      'role-to-assume': ORG_READER,
      'exclude-accounts': `${MGMT},${SECURITY}`
    })
    const entries = (JSON.parse(listed.result.outputs.matrix ?? '{}') as { include: Entry[] })
      .include
    console.log(`list-accounts: ${entries.length} accounts in ${seconds(listed.ms)}.`)

    const sequential: number[] = []
    const matrix: number[] = []
    const perAccount: number[] = []
    const calls: Record<'sequential' | 'matrix', number[]> = { sequential: [], matrix: [] }
    let lastMatrix: Timed[] = []
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? ['sequential', 'matrix'] : ['matrix', 'sequential']
      for (const arm of order as ('sequential' | 'matrix')[]) {
        const before = aws.calls.length
        const start = performance.now()
        const runs =
          arm === 'sequential'
            ? await pool(entries, 1, audit)
            : await pool(entries, PARALLEL, audit)
        const total = performance.now() - start
        calls[arm].push(aws.calls.length - before)
        if (arm === 'sequential') {
          sequential.push(total)
          perAccount.push(...runs.map((r) => r.ms))
        } else {
          matrix.push(total)
          lastMatrix = runs
        }
        console.log(
          `round ${round + 1}, ${arm === 'sequential' ? '(a) one sequential job' : `(b) matrix of ${PARALLEL}`}: ` +
            `${seconds(total)}, ${aws.calls.length - before} AWS calls`
        )
      }
    }

    // The aggregate job over the matrix's reports, laid out as download-artifact would.
    const dir = await mkdtemp(join(tmpdir(), 'iam-key-sentinel-fleet-reports-'))
    temps.push(dir)
    for (const { result } of lastMatrix) {
      const path = result.outputs['report-path'] ?? ''
      const folder = join(dir, `iam-key-report-${result.outputs['account-id']}`)
      await mkdir(folder, { recursive: true })
      await copyFile(path, join(folder, basename(path)))
    }
    const aggregated = await run({
      mode: 'aggregate',
      'reports-directory': dir,
      'expected-accounts': listed.result.outputs.matrix ?? ''
    })
    const failed = JSON.parse(aggregated.result.outputs['failed-accounts'] ?? '[]') as string[]
    console.log(
      `aggregate: ${aggregated.result.outputs['account-count']} accounts, ${failed.length} without a report, ` +
        `${aggregated.result.outputs['key-count']} keys, in ${seconds(aggregated.ms)}.`
    )

    const a = median(sequential)
    const b = median(matrix)
    const independent = makespan(perAccount.slice(0, entries.length), PARALLEL)
    console.log('')
    console.log('| | time |')
    console.log('| --- | --- |')
    console.log(`| one action run (one account), median | ${seconds(median(perAccount))} |`)
    console.log(`| (a) one job, ${entries.length} accounts in sequence | ${seconds(a)} |`)
    console.log(
      `| (b) matrix, ${entries.length} jobs, ${PARALLEL} at a time | ${seconds(b)} (${(a / b).toFixed(1)}× faster) |`
    )
    console.log(
      `| (b) on ${PARALLEL} independent runners (the measured runs, scheduled) | ${seconds(independent)} |`
    )
    console.log(`| list-accounts / aggregate | ${seconds(listed.ms)} / ${seconds(aggregated.ms)} |`)
    console.log(
      `\nAWS calls per arm: sequential ${calls.sequential.join(', ')}; matrix ${calls.matrix.join(', ')}` +
        ` (${ROUNDS} round${ROUNDS === 1 ? '' : 's'}).`
    )
    if (failed.length > 0) process.exitCode = 1
  } finally {
    await Promise.all([aws.stop(), github.stop()])
    await Promise.all(temps.map((t) => rm(t, { recursive: true, force: true })))
  }
}

await main()
