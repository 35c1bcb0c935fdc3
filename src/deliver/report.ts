// The JSON report: every key, written to a file for an upload-artifact step.
import { mkdir, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ActivitySummary } from '../domain/activity.js'
import type { ChangeRecord, Hold } from '../domain/changes.js'
import type { ScanInfo } from '../domain/scan-info.js'
import type { Counts, Finding, RemediationAction, ScanError, Thresholds } from '../domain/types.js'

export const REPORT_SCHEMA_VERSION = 1

export interface AuditReport {
  tool: 'iam-key-sentinel'
  schemaVersion: number
  accountId: string
  accountAlias?: string
  generatedAt: string
  thresholds: Thresholds
  userCount: number
  counts: Counts
  keys: Finding[]
  errors: ScanError[]
  remediation?: RemediationReport
  /** CloudTrail summaries of the keys activity-for named. */
  activity?: ActivitySummary[]
  /** How the keys were read (scan-method). */
  scan?: ScanInfo
}

export interface RemediationReport {
  action: RemediationAction
  dryRun: boolean
  maxActions: number
  capExceeded: boolean
  changes: ChangeRecord[]
  holds: Hold[]
}

/** `<base>-<run id>-<attempt>.json`: one file per run attempt, never overwritten by a re-run. */
export function reportFileName(base: string, env: NodeJS.ProcessEnv): string {
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
