// The reminder comment of one rung of the ladder: pure and escaped. It mentions only the owners
// file's people GitHub accepted as assignees and, once escalated, the file's teams.
import { addDays, isoDate } from '../domain/dates.js'
import { reminderMarker, type Rung } from '../domain/reminders.js'
import type { RemediationSettings } from '../domain/settings.js'
import type { Finding, Thresholds } from '../domain/types.js'
import { escapeMarkdown as esc } from '../kit/text/markdown.js'
import type { Owner } from './issue.js'
import { deadlineText, plural, unusedText } from './wording.js'

export interface ReminderInput {
  finding: Finding
  rung: Rung
  owner: Owner
  /** The rung is past escalate-after-days: the owners' teams are mentioned too. */
  escalated: boolean
  escalateAfterDays: number
  thresholds: Thresholds
  remediation: Pick<RemediationSettings, 'action' | 'dryRun' | 'deleteGraceDays'>
  runUrl: string
  runId: string
}

function headline(input: ReminderInput): string {
  const f = input.finding
  const key = `${esc(f.accessKeyId, 32)} of ${esc(f.userName, 64)}`
  const deadline = deadlineText(f, input.thresholds.maxAgeDays)
  if (input.rung.kind === 'unused')
    return `**Reminder: access key ${key} is unused** (${unusedText(f)}; the limit is ${input.thresholds.unusedDays}). Delete it if nothing needs it.`
  if (input.rung.kind === 'overdue')
    return `**Reminder: access key ${key} is overdue**: its rotation deadline was ${deadline}. Rotate it now.`
  return `**Reminder: access key ${key} is due for rotation**: its deadline is ${deadline}.`
}

/**
 * What the workflow will do and when: a key still before its deadline is enforced by the first
 * run from the day it becomes overdue, a date known from its creation date and max-age-days.
 */
function enforcementText(f: Finding, t: Thresholds, r: ReminderInput['remediation']): string {
  if (r.action === 'report')
    return 'This workflow only reports (action: report): the key keeps working until someone rotates it.'
  if (r.dryRun) return 'This workflow is a dry run (dry-run: true): it changes nothing.'
  // Rotation follows the consumer's cutover, not a date: only the rotation map's users get a new key.
  if (r.action === 'rotate')
    return 'This workflow rotates keys (action: rotate): if the rotation map lists this user, a new key is delivered to its consumer and this one is retired once the consumer has switched, as the issue shows step by step; otherwise rotate it by hand.'
  const grace = r.deleteGraceDays
  const then = (from: Date): string =>
    r.action === 'deactivate' || grace === 0
      ? ''
      : `, and delete it once inactive for ${plural(grace, 'day')} (from ${isoDate(addDays(from, grace))})`
  const verb = r.action === 'delete' && grace === 0 ? 'delete' : 'deactivate'
  if (f.class === 'due-soon') {
    const from = addDays(f.createDate, t.maxAgeDays + 1)
    return `IAM Key Sentinel will ${verb} it on its first run on or after ${isoDate(from)}${then(from)}.`
  }
  return `IAM Key Sentinel ${verb}s ${f.class} keys, but this run left it as it is: see "What IAM Key Sentinel did" in the issue.`
}

function mentions(input: ReminderInput): string[] {
  const o = input.owner
  if (o.kind !== 'owners-file') {
    return [
      `No entry of the owners file covers ${esc(input.finding.userName, 64)}: add one to have its owners reminded by name.`
    ]
  }
  const lines: string[] = []
  if (o.assigned.length > 0) lines.push(`Owners: ${o.assigned.map((l) => `@${l}`).join(' ')}`)
  if (o.refused.length > 0)
    lines.push(
      `Not mentioned (GitHub cannot assign them here): ${o.refused.map((l) => esc(l, 39)).join(', ')}`
    )
  if (input.escalated && o.githubTeams.length > 0) {
    const past = input.rung.kind === 'unused' ? 'unused' : 'overdue'
    lines.push(
      `Escalated to ${o.githubTeams.map((t) => `@${t}`).join(' ')}: ${past} for ${plural(input.rung.days, 'day')} (escalate-after-days: ${input.escalateAfterDays}).`
    )
  }
  return lines
}

export function renderReminder(input: ReminderInput): string {
  return [
    reminderMarker(input.finding.accessKeyId, input.rung),
    headline(input),
    ...mentions(input),
    enforcementText(input.finding, input.thresholds, input.remediation),
    `<sub>Reminder ${input.rung.id} of IAM Key Sentinel, posted once, in [run ${input.runId}](${input.runUrl}).</sub>`
  ].join('\n\n')
}
