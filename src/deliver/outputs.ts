// Every step output the action sets, in one place: the jobs hand over what they made, and this
// module is the only one that writes to GITHUB_OUTPUT.
import * as core from '@actions/core'
import { inventoryCounts } from '../domain/account-findings.js'
import { countChanges } from '../domain/changes.js'
import { rootKeysOf } from '../domain/scan-info.js'
import type { MatrixChunk, MatrixEntry } from '../domain/matrix.js'
import type { Counts } from '../domain/types.js'
import type { AuditReport } from '../domain/report.js'
import type { IncidentReport } from '../render/incident.js'
import { slotKeyRecord } from '../render/wording.js'
import type { AlertResult, OtherAccountKeys } from '../domain/secret-scanning.js'

/** The per-class counts and the report, the outputs an audit and an aggregate share. */
function setCountOutputs(c: Counts, reportPath: string): void {
  core.setOutput('key-count', c.total)
  core.setOutput('overdue-count', c.overdue)
  core.setOutput('due-soon-count', c['due-soon'])
  core.setOutput('unused-count', c.unused)
  core.setOutput('inactive-count', c.inactive)
  core.setOutput('exempt-count', c.exempt)
  core.setOutput('report-path', reportPath)
}

/**
 * `findings` carries the keys that are not ok, then the due-soon keys named by slot (with their
 * name and where their IDs are); the report file has every key.
 */
export function setAuditOutputs(report: AuditReport, reportPath: string): void {
  core.setOutput('account-id', report.accountId)
  const bySlot = (report.keysBySlot ?? []).map(slotKeyRecord)
  const findings = [...report.keys.filter((k) => k.class !== 'ok'), ...bySlot]
  core.setOutput('findings', JSON.stringify(findings))
  setCountOutputs(report.counts, reportPath)
  core.setOutput('scan-method-used', report.scan?.method ?? '')
  // Empty when unknown: GetAccountSummary says whether there are root keys, not how many.
  const root = rootKeysOf(report.scan)
  core.setOutput('root-access-key-count', root.count ?? '')
  core.setOutput('root-access-keys-present', root.present ?? '')
  core.setOutput('two-active-keys-count', report.twoActiveKeys?.length ?? 0)
  const expired = report.exemptions ? inventoryCounts(report.exemptions).expired : 0
  core.setOutput('expired-exemption-count', expired)
  const changes = report.remediation?.changes ?? []
  core.setOutput('changes', JSON.stringify(changes))
  core.setOutput('activity', JSON.stringify(report.activity ?? []))
  const counts = countChanges(changes)
  core.setOutput('deactivated-count', counts.deactivated)
  core.setOutput('deleted-count', counts.deleted)
  if (report.rotation) core.setOutput('rotations', JSON.stringify(report.rotation.rotations))
}

export function setIncidentOutputs(report: IncidentReport, reportPath: string): void {
  const changes = report.keys.flatMap((k) => (k.change ? [k.change] : []))
  core.setOutput('account-id', report.accountId)
  core.setOutput('report-path', reportPath)
  core.setOutput('incident', JSON.stringify(report.keys))
  core.setOutput('changes', JSON.stringify(changes))
  const counts = countChanges(changes)
  core.setOutput('deactivated-count', counts.deactivated)
  core.setOutput('deleted-count', counts.deleted)
  core.setOutput('activity', JSON.stringify(report.activity))
}

export function setAggregateOutputs(
  o: {
    accounts: readonly Record<string, unknown>[]
    failedAccountIds: readonly string[]
    totals: Counts
  },
  reportPath: string
): void {
  core.setOutput('accounts', JSON.stringify(o.accounts))
  core.setOutput('failed-accounts', JSON.stringify(o.failedAccountIds))
  core.setOutput('account-count', o.accounts.length)
  setCountOutputs(o.totals, reportPath)
}

/** The matrix of list-accounts, whole and in chunks; both are returned for the size checks. */
export function setMatrixOutputs(
  entries: readonly MatrixEntry[],
  chunks: readonly MatrixChunk[]
): { matrix: string; chunked: string } {
  const matrix = JSON.stringify({ include: entries })
  const chunked = JSON.stringify({ include: chunks })
  core.setOutput('matrix', matrix)
  core.setOutput('chunks', chunked)
  core.setOutput('account-ids', entries.map((e) => e['account-id']).join(','))
  core.setOutput('account-count', entries.length)
  core.setOutput('chunk-count', chunks.length)
  return { matrix, chunked }
}

export function setIssuesOutput(applied: unknown): void {
  core.setOutput('issues', JSON.stringify(applied))
}

export function setOcsfReportPathOutput(path: string): void {
  core.setOutput('ocsf-report-path', path)
}

export function setSnsMessageIdOutput(messageId: string): void {
  core.setOutput('sns-message-id', messageId)
}

/** The job summary; outside a runner (no GITHUB_STEP_SUMMARY) it goes to the log instead. */
export async function writeSummary(markdown: string): Promise<void> {
  if (process.env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(markdown).write()
  else core.info(markdown)
}

/** mode secret-scanning: each alert's outcome, and other accounts' keys as a matrix. */
export function setSecretScanningOutputs(
  accountId: string,
  results: readonly AlertResult[],
  others: OtherAccountKeys
): void {
  core.setOutput('account-id', accountId)
  core.setOutput('secret-scanning-alerts', JSON.stringify(results))
  core.setOutput('other-account-keys', JSON.stringify(others))
}

/** mode: check: every line of the checklist, as JSON. */
export function setCheckOutputs(lines: readonly unknown[], accountId: string | undefined): void {
  core.setOutput('checks', JSON.stringify(lines))
  if (accountId) core.setOutput('account-id', accountId)
}
