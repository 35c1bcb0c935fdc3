// The reminder comment of one rung of the ladder: pure and escaped. It mentions only the owners
// file's people GitHub accepted as assignees and, once escalated, the file's teams.
import { addDays, isoDate } from '../domain/dates.js'
import { reminderMarker, type Rung } from '../domain/reminders.js'
import type { RemediationSettings } from '../domain/settings.js'
import type { RotateOn, RotationRecord } from '../domain/rotation.js'
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
  /** Under action: rotate, what is known of the key's rotation. */
  rotation?: ReminderRotation
}

/** What a reminder under action: rotate knows of the key's rotation. */
export interface ReminderRotation {
  /** Where the rotation map delivers the user's new key (described); undefined: not in the map. */
  destination?: string
  rotateOn: RotateOn
  cutoverIdleHours: number
  cutoverTimeoutDays: number
  /** This run's record of the key's rotation, when it has one. */
  record?: Pick<RotationRecord, 'stage' | 'deliveredAt'>
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
function enforcementText(
  f: Finding,
  t: Thresholds,
  r: ReminderInput['remediation'],
  rotation: ReminderRotation | undefined
): string {
  if (r.action === 'report')
    return 'This workflow only reports (action: report): the key keeps working until someone rotates it.'
  if (r.dryRun) return 'This workflow is a dry run (dry-run: true): it changes nothing.'
  if (r.action === 'rotate') return rotationText(f, t, rotation)
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

const GENERIC_ROTATION =
  'This workflow rotates keys (action: rotate): if the rotation map lists this user, a new key is delivered to its consumer and this one is retired once the consumer has switched, as the issue shows step by step; otherwise rotate it by hand.'

/**
 * Under action: rotate the old key goes when its consumer has switched, not on a date; what has
 * a date is the rotation's start (the day the key becomes due, by rotate-on) and the day the
 * cutover times out (cutover-timeout-days after the new key's delivery).
 */
function rotationText(f: Finding, t: Thresholds, rot: ReminderRotation | undefined): string {
  if (!rot) return GENERIC_ROTATION
  if (rot.destination === undefined)
    return `This workflow rotates keys (action: rotate), but its rotation map does not list ${esc(f.userName, 64)}: rotate this key by hand.`
  const where = esc(rot.destination, 300)
  const switched = `this key is deactivated on the first run after the consumer has used the new key and this one has been idle for ${plural(rot.cutoverIdleHours, 'hour')}`
  const timeout = (from: Date): string =>
    `if the new key is still unused on ${isoDate(addDays(from, rot.cutoverTimeoutDays))} (cutover-timeout-days: ${rot.cutoverTimeoutDays}), this issue says the consumer has not picked it up; nothing is deactivated without the switch`
  const delivered = rot.record?.deliveredAt ? new Date(rot.record.deliveredAt) : undefined
  if (rot.record?.stage === 'delivered' && delivered && !Number.isNaN(delivered.getTime()))
    return `A new key was delivered to ${where} on ${isoDate(delivered)}: ${switched}; ${timeout(delivered)}.`
  const due = f.class === 'overdue' || (rot.rotateOn === 'due-soon' && f.class === 'due-soon')
  if (!due && f.class === 'due-soon') {
    const start = addDays(f.createDate, t.maxAgeDays + 1)
    return `IAM Key Sentinel will rotate it on its first run on or after ${isoDate(start)} (rotate-on: ${rot.rotateOn}), delivering a new key to ${where}; then ${switched}; ${timeout(start)}.`
  }
  return `${GENERIC_ROTATION} Its new key goes to ${where}.`
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
    enforcementText(input.finding, input.thresholds, input.remediation, input.rotation),
    `<sub>Reminder ${input.rung.id} of IAM Key Sentinel, posted once, in [run ${input.runId}](${input.runUrl}).</sub>`
  ].join('\n\n')
}
