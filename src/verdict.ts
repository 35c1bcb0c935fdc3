// Whether the step fails, decided after every report is written.
import type { AuditReport } from './report.js'
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
  if (failOn !== 'never' && c.overdue + c.unused > 0) {
    reasons.push(
      `${c.overdue} overdue and ${c.unused} unused access keys (fail-on: ${failOn}). ` +
        'Rotate or deactivate them, exempt them, or set fail-on: never to only report.'
    )
  }
  if (failOn === 'due-soon' && c['due-soon'] > 0) {
    reasons.push(`${c['due-soon']} access keys are due for rotation soon (fail-on: due-soon).`)
  }
  return reasons
}
