// The benchmark's table and the issue's targets, from the runs' figures.
import type { BenchMethod } from './worker.js'

export interface BenchRun {
  users: number
  method: BenchMethod
  /** IAM requests answered (throttled ones are counted apart). */
  calls: number
  throttled: number
  wallMs: number
  /** calls ÷ rate limit: the least time IAM allows for them. */
  floorMs: number
  peakRssMb: number
}

export interface RunNotes {
  errors: number
  candidateUsers?: number
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
    'speed-up',
    'calls vs base',
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
      (run.wallMs / run.floorMs).toFixed(2),
      base ? `${(base.wallMs / run.wallMs).toFixed(1)}×` : '—',
      base ? `${((100 * run.calls) / base.calls).toFixed(1)}%` : '—',
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

/** The issue's targets, on the largest account benchmarked. */
export function checkTargets(runs: readonly BenchRun[], notes: Map<BenchRun, RunNotes>): Check[] {
  const users = Math.max(...runs.map((r) => r.users))
  const at = (method: BenchMethod): BenchRun | undefined =>
    runs.find((r) => r.users === users && r.method === method)
  const base = at('baseline')
  const api = at('api')
  const report = at('credential-report')
  const checks: Check[] = []
  const n = users.toLocaleString('en-US')
  if (report) {
    const candidates = notes.get(report)?.candidateUsers ?? Infinity
    checks.push({
      label: `${n} users, credential-report: ${report.calls} calls ≤ 3 + ${candidates} candidate users`,
      ok: report.calls <= 3 + candidates
    })
    checks.push({
      label: `${n} users, credential-report: wall/floor ${(report.wallMs / report.floorMs).toFixed(2)} ≤ 1.3`,
      ok: report.wallMs <= 1.3 * report.floorMs
    })
  }
  if (report && base) {
    checks.push({
      label: `${n} users, credential-report: ${((100 * report.calls) / base.calls).toFixed(1)}% of the baseline's calls < 5%`,
      ok: report.calls < 0.05 * base.calls
    })
    checks.push({
      label: `${n} users, credential-report: ${(base.wallMs / report.wallMs).toFixed(1)}× faster than the baseline ≥ 15×`,
      ok: base.wallMs >= 15 * report.wallMs
    })
  }
  if (api) {
    checks.push({
      label: `${n} users, api: wall/floor ${(api.wallMs / api.floorMs).toFixed(2)} ≤ 1.3`,
      ok: api.wallMs <= 1.3 * api.floorMs
    })
  }
  const peak = Math.max(...runs.map((r) => r.peakRssMb))
  checks.push({ label: `peak RSS ${peak.toFixed(0)} MB < 300 MB`, ok: peak < 300 })
  return checks
}
