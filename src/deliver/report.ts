// The JSON report: every key, written to a file for an upload-artifact step.
import type { AuditReport } from '../domain/report.js'
import { slotKeyRecord } from '../render/wording.js'
import { mkdir, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** `<base>-<run id>-<attempt>.json`: one file per run attempt, never overwritten by a re-run. */
function reportFileName(base: string, env: NodeJS.ProcessEnv): string {
  const run = [env.GITHUB_RUN_ID, env.GITHUB_RUN_ATTEMPT].filter(Boolean).join('-')
  return `${base}${run ? `-${run}` : ''}.json`
}

/** A JSON report in the runner's temp dir, where an upload-artifact step can pick it up. */
export async function writeJsonReport(
  base: string,
  content: unknown,
  env: NodeJS.ProcessEnv = process.env
): Promise<string> {
  const dir = env.RUNNER_TEMP || tmpdir()
  await mkdir(dir, { recursive: true })
  const path = join(dir, reportFileName(base, env))
  await writeFile(path, JSON.stringify(content, null, 2) + '\n', 'utf8')
  return path
}

/** An account's report, named with the account ID so an aggregate can tell the files apart. */
export function writeReport(
  report: { accountId: string },
  env: NodeJS.ProcessEnv = process.env
): Promise<string> {
  return writeJsonReport(`iam-key-sentinel-${report.accountId}`, report, env)
}

/**
 * The OCSF findings beside the JSON report (same name, `.ocsf.jsonl`): one Detection Finding a
 * line, for a SIEM. `jsonPath` is the JSON report's path.
 */
export async function writeOcsfReport(jsonPath: string, lines: string): Promise<string> {
  const path = jsonPath.replace(/\.json$/, '') + '.ocsf.jsonl'
  await writeFile(path, lines, 'utf8')
  return path
}

/** An audit's report, its keys named by slot carrying their name and where their IDs are. */
export function writeAuditReport(
  report: AuditReport,
  env: NodeJS.ProcessEnv = process.env
): Promise<string> {
  const file = report.keysBySlot
    ? { ...report, keysBySlot: report.keysBySlot.map(slotKeyRecord) }
    : report
  return writeReport(file, env)
}
