// Loaded into the action's process by the benchmark (NODE_OPTIONS=--import): writes the
// process's peak resident set size (kilobytes, getrusage's ru_maxrss) to BENCH_RSS_OUT at exit.
import { writeFileSync } from 'node:fs'

process.on('exit', () => {
  const out = process.env.BENCH_RSS_OUT
  if (out) writeFileSync(out, String(process.resourceUsage().maxRSS))
})
