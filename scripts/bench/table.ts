// The benchmark's table and the issue's targets, from the runs' figures. Also renders the
// README's table from bench-results.json (scripts/readme-tables.ts).

export type BenchMethod = 'baseline' | 'action' | 'api'

export interface BenchRun {
  method: BenchMethod
  users: number
  /** IAM requests answered (throttled ones are counted apart). */
  calls: number
  throttled: number
  wallMs: number
  /** The least time IAM's token bucket allows for `calls`: its burst at once, then its rate. */
  floorMs: number
  /**
   * The action only: the fastest any run that reads the credential report can be. Its start-up
   * to its first IAM call, plus the report's generation, plus the floor (at the bucket's rate) of
   * the calls that must follow the report: a read per user whose key must be named by ID, the
   * tags and groups pages, the account summary. See limitMs().
   */
  limitMs?: number
  peakRssMb: number
}

export interface BenchSettings {
  latencyMs: number
  rate: number
  burst: number
  reportGenerationMs: number
  unusedDays: number
}

/** IAM's bucket lets `burst` requests through at once, then `rate` a second. */
export function floorMs(calls: number, rate: number, burst: number): number {
  return Math.round((Math.max(0, calls - burst) / rate) * 1000)
}

/** What limitMs is made of, each measured or counted in the run. */
export interface LimitParts {
  /** The action's process start to its first IAM call. */
  startupMs: number
  reportGenerationMs: number
  /** Users with a key someone needs the ID of: read live after the report (ListAccessKeys). */
  idUsers: number
  /** GetAccountAuthorizationDetails pages (1,000 users each) for tags and groups. */
  detailPages: number
}

/** The limit: start-up + the report's generation + the must-follow calls at the bucket's rate. */
export function limitMs(p: LimitParts, rate: number): number {
  const mustFollow = p.idUsers + p.detailPages + 1 // + GetAccountSummary
  return Math.round(p.startupMs + p.reportGenerationMs + (mustFollow / rate) * 1000)
}

const pad = (text: string, width: number, right = true): string =>
  right ? text.padStart(width) : text.padEnd(width)

function baselineOf(runs: readonly BenchRun[], run: BenchRun): BenchRun | undefined {
  return runs.find((r) => r.users === run.users && r.method === 'baseline')
}

export function formatTable(runs: readonly BenchRun[]): string {
  const header = [
    'users',
    'method',
    'IAM calls',
    'throttled',
    'wall s',
    'floor s',
    'wall/floor',
    'limit s',
    'wall/limit',
    'vs baseline',
    'peak RSS MB'
  ]
  const rows = runs.map((run) => {
    const base = baselineOf(runs, run)
    return [
      run.users.toLocaleString('en-US'),
      run.method,
      run.calls.toLocaleString('en-US'),
      run.throttled.toLocaleString('en-US'),
      (run.wallMs / 1000).toFixed(1),
      (run.floorMs / 1000).toFixed(1),
      run.floorMs > 0 ? (run.wallMs / run.floorMs).toFixed(2) : '—',
      run.limitMs !== undefined ? (run.limitMs / 1000).toFixed(1) : '—',
      run.limitMs ? (run.wallMs / run.limitMs).toFixed(2) : '—',
      base && run !== base ? `${(base.wallMs / run.wallMs).toFixed(1)}× faster` : '—',
      run.peakRssMb.toFixed(0)
    ]
  })
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (cells: string[]): string =>
    `| ${cells.map((c, i) => pad(c, widths[i] ?? 0, i !== 1)).join(' | ')} |`
  const rule = `|${widths.map((w, i) => (i === 1 ? ` ${'-'.repeat(w)} ` : ` ${'-'.repeat(w - 1)}: `)).join('|')}|`
  return [line(header), rule, ...rows.map(line)].join('\n')
}

export interface Check {
  label: string
  ok: boolean
}

/** Most IAM calls the action may make, as a share of the seed loop's on the same account. */
const CALL_SHARE = 0.12

/**
 * The targets. On the largest account benchmarked, with the runner's defaults: the action within
 * 1.2× its limit, at most 12% of the seed loop's calls, under 1% throttled; the api walk within
 * 1.3× its floor. On every smaller account, the action no slower than the seed loop. Peak RSS
 * under 300 MB everywhere. A check whose run is missing is left out.
 */
export function checkTargets(runs: readonly BenchRun[]): Check[] {
  const largest = Math.max(...runs.map((r) => r.users))
  const at = (users: number, method: BenchMethod): BenchRun | undefined =>
    runs.find((r) => r.users === users && r.method === method)
  const checks: Check[] = []
  const n = largest.toLocaleString('en-US')
  const action = at(largest, 'action')
  const base = at(largest, 'baseline')
  if (action?.limitMs) {
    const ratio = action.wallMs / action.limitMs
    checks.push({
      label: `${n} users, action: wall ${(action.wallMs / 1000).toFixed(1)} s / limit ${(action.limitMs / 1000).toFixed(1)} s = ${ratio.toFixed(2)} ≤ 1.2`,
      ok: ratio <= 1.2
    })
  }
  if (action && base) {
    const most = Math.floor(base.calls * CALL_SHARE)
    checks.push({
      label: `${n} users, action: ${action.calls.toLocaleString('en-US')} IAM calls ≤ 12% of the seed loop's ${base.calls.toLocaleString('en-US')} (${most.toLocaleString('en-US')})`,
      ok: action.calls <= most
    })
  }
  for (const method of ['action', 'api'] as const) {
    const run = at(largest, method)
    if (!run) continue
    if (method === 'api') {
      const ratio = run.wallMs / Math.max(1, run.floorMs)
      checks.push({
        label: `${n} users, api: wall/floor ${ratio.toFixed(2)} ≤ 1.3`,
        ok: ratio <= 1.3
      })
    }
    const share = run.throttled / Math.max(1, run.calls + run.throttled)
    checks.push({
      label: `${n} users, ${method}: ${(100 * share).toFixed(2)}% of IAM answers throttled < 1%`,
      ok: share < 0.01
    })
  }
  for (const users of [...new Set(runs.map((r) => r.users))].filter((u) => u < largest)) {
    const ours = at(users, 'action')
    const seed = at(users, 'baseline')
    if (!ours || !seed) continue
    checks.push({
      label: `${users.toLocaleString('en-US')} users, action ${(ours.wallMs / 1000).toFixed(1)} s no slower than the seed loop ${(seed.wallMs / 1000).toFixed(1)} s${slowerBecause(ours, seed, at(users, 'api'))}`,
      ok: ours.wallMs <= seed.wallMs
    })
  }
  const ours = runs.filter((r) => r.method !== 'baseline')
  if (ours.length > 0) {
    const peak = Math.max(...ours.map((r) => r.peakRssMb))
    checks.push({ label: `peak RSS of the action ${peak.toFixed(0)} MB < 300 MB`, ok: peak < 300 })
  }
  return checks
}

/**
 * When the action is slower than the seed loop, why no run of it could be faster: the report
 * path's limit and the walk's floor both exceed the seed loop's time (the seed loop reads no last
 * use, so it does not apply the unused rule).
 */
function slowerBecause(ours: BenchRun, seed: BenchRun, api: BenchRun | undefined): string {
  if (ours.wallMs <= seed.wallMs || ours.limitMs === undefined) return ''
  const walk = api
    ? `the api walk's floor is ${(api.floorMs / 1000).toFixed(1)} s (${api.calls.toLocaleString('en-US')} calls)`
    : `a walk reads every user (${seed.calls.toLocaleString('en-US')}+ calls, floor ${(seed.floorMs / 1000).toFixed(1)} s) and the last uses the unused rule needs`
  return ` (the report path's limit is ${(ours.limitMs / 1000).toFixed(1)} s; ${walk}; the seed loop reads no last use)`
}
