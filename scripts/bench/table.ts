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

/**
 * The issue's targets, on the largest account benchmarked, with the runner's defaults. The speed-up
 * check also says how long the credential report takes to generate: a run that waits for it
 * cannot be faster than the baseline by more than the baseline's time over that.
 */
export function checkTargets(runs: readonly BenchRun[], reportGenerationMs = 0): Check[] {
  const users = Math.max(...runs.map((r) => r.users))
  const at = (method: BenchMethod): BenchRun | undefined =>
    runs.find((r) => r.users === users && r.method === method)
  const base = at('baseline')
  const checks: Check[] = []
  const n = users.toLocaleString('en-US')
  for (const method of ['action', 'api'] as const) {
    const run = at(method)
    if (!run) continue
    const ratio = run.wallMs / Math.max(1, run.floorMs)
    checks.push({
      label: `${n} users, ${method}: wall/floor ${ratio.toFixed(2)} ≤ 1.3`,
      ok: ratio <= 1.3
    })
    const share = run.throttled / Math.max(1, run.calls + run.throttled)
    checks.push({
      label: `${n} users, ${method}: ${(100 * share).toFixed(2)}% of IAM answers throttled < 1%`,
      ok: share < 0.01
    })
  }
  const action = at('action')
  if (action && base) {
    const speedUp = base.wallMs / action.wallMs
    const bound =
      reportGenerationMs > 0
        ? ` (10× is ${(base.wallMs / 10_000).toFixed(1)} s; generating the credential report alone` +
          ` takes ${(reportGenerationMs / 1000).toFixed(1)} s, so no run that waits for it can be` +
          ` more than ${(base.wallMs / reportGenerationMs).toFixed(1)}× faster)`
        : ''
    checks.push({
      label: `${n} users, action: ${speedUp.toFixed(1)}× faster than the baseline ≥ 10×${bound}`,
      ok: speedUp >= 10
    })
  }
  const peak = Math.max(...runs.filter((r) => r.method !== 'baseline').map((r) => r.peakRssMb))
  checks.push({ label: `peak RSS of the action ${peak.toFixed(0)} MB < 300 MB`, ok: peak < 300 })
  return checks
}
