// The JSON report (every key, for an upload-artifact step) and the step outputs.
import * as core from '@actions/core'
import { mkdir, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ChangeRecord } from '../act/apply.js'
import type { AuditReport } from '../domain/report.js'
import type { Counts } from '../domain/types.js'

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

/** The per-class counts and the report, the outputs an audit and an aggregate share. */
export function setCountOutputs(c: Counts, reportPath: string): void {
  core.setOutput('key-count', c.total)
  core.setOutput('overdue-count', c.overdue)
  core.setOutput('due-soon-count', c['due-soon'])
  core.setOutput('unused-count', c.unused)
  core.setOutput('inactive-count', c.inactive)
  core.setOutput('exempt-count', c.exempt)
  core.setOutput('report-path', reportPath)
}

/** `findings` carries the keys that are not ok; the report file has every key. */
export function setOutputs(report: AuditReport, reportPath: string): void {
  core.setOutput('account-id', report.accountId)
  core.setOutput('findings', JSON.stringify(report.keys.filter((k) => k.class !== 'ok')))
  setCountOutputs(report.counts, reportPath)
  core.setOutput('scan-method-used', report.scan?.method ?? '')
  // Empty when not checked: only the credential report can see the root user's keys.
  core.setOutput('root-access-key-count', report.scan?.rootAccessKeys?.length ?? '')
  const changes = report.remediation?.changes ?? []
  const applied = (kind: ChangeRecord['kind']): number =>
    changes.filter((c) => c.kind === kind && c.result === 'applied').length
  core.setOutput('changes', JSON.stringify(changes))
  core.setOutput('activity', JSON.stringify(report.activity ?? []))
  core.setOutput('deactivated-count', applied('deactivate'))
  core.setOutput('deleted-count', applied('delete'))
}
