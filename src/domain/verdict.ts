// Whether the step fails, decided after every report is written.
import { HANDLED_RESULTS } from './changes.js'
import type { AuditReport } from './report.js'
import { rootKeysOf } from './scan-info.js'
import type { FailOn } from './types.js'

/** The reasons the step fails, empty when it passes. */
export function failureReasons(report: AuditReport, failOn: FailOn): string[] {
  const reasons: string[] = []
  const c = report.counts
  if (report.errors.length > 0) {
    reasons.push(
      `${report.errors.length} users or keys could not be read completely; see "Scan errors" in the job summary.`
    )
  }
  const r = report.remediation
  if (r?.capExceeded) {
    reasons.push(
      `The plan holds ${r.changes.length} changes, more than max-actions (${r.maxActions}), so nothing was changed. ` +
        `Review the plan in the job summary; if it is right, raise max-actions to at least ${r.changes.length} for one run, ` +
        'or narrow the scope (exclude-users, exempt-tag, exempt-groups, thresholds).'
    )
  }
  const failed = r?.changes.filter((x) => x.result === 'failed') ?? []
  if (failed.length > 0) {
    reasons.push(
      `${failed.length} of ${r?.changes.length} key changes failed (${failed
        .slice(0, 5)
        .map((x) => `${x.userName} ${x.accessKeyId}`)
        .join(', ')}); see "Changes" in the job summary.`
    )
  }
  // A key this run deactivated or deleted is dealt with, as is one another run already changed
  // or is changing (two runs at once); only the rest keep the step red.
  const handled = new Set(
    r?.changes.filter((x) => HANDLED_RESULTS.has(x.result)).map((x) => x.accessKeyId) ?? []
  )
  const open = (cls: string): number =>
    report.keys.filter((k) => k.class === cls && !handled.has(k.accessKeyId)).length
  const overdue = open('overdue')
  const unused = open('unused')
  if (failOn !== 'never' && overdue + unused > 0) {
    reasons.push(
      `${overdue} overdue and ${unused} unused access keys (fail-on: ${failOn}). ` +
        'Rotate or deactivate them, exempt them, or set fail-on: never to only report.'
    )
  }
  // A root key is always a finding: active ones fail the step, and so do keys GetAccountSummary
  // reports when no credential report says whether they are active.
  const root = rootKeysOf(report.scan)
  const activeRootKeys = root.keys.filter((k) => k.active).length
  if (failOn !== 'never' && activeRootKeys > 0) {
    reasons.push(
      `The root user has ${activeRootKeys} active access key${activeRootKeys === 1 ? '' : 's'}: delete ${activeRootKeys === 1 ? 'it' : 'them'} (see "Root user access keys" in the job summary).`
    )
  } else if (failOn !== 'never' && root.statusUnknown) {
    reasons.push(
      'The root user has access keys (GetAccountSummary): delete them (see "Root user access keys" in the job summary).'
    )
  }
  if (failOn === 'due-soon' && c['due-soon'] > 0) {
    reasons.push(`${c['due-soon']} access keys are due for rotation soon (fail-on: due-soon).`)
  }
  return reasons
}

/** The reason a cancelled job fails, or none when it was not cancelled. */
export function cancelFailures(
  signal: string | undefined,
  changes: readonly { result: string }[]
): string[] {
  if (!signal) return []
  const notStarted = changes.filter((c) => c.result === 'cancelled').length
  return [
    `The job was cancelled (${signal}): ${changes.length - notStarted} of ${changes.length} planned changes were attempted; see "Changes" in the job summary.`
  ]
}
