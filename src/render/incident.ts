// The incident's three faces, one content: the job summary, the SNS message and the
// security-incident issue. Pure functions.
import { renderActivityMarkdown, renderActivityText } from './activity.js'
import type { ActivitySummary } from '../domain/activity.js'
import { keyLink, userLink, type Partition } from './links.js'
import { fitItems, utf8Bytes } from '../kit/text/fit.js'
import { alert, codeBlock, escapeMarkdown as esc, table } from '../kit/text/markdown.js'
import { firstChars, numbered, plainText as plain } from '../kit/text/plain.js'
import { ISSUE_BODY_LIMIT, ISSUE_TITLE_LIMIT } from './issue.js'
import {
  asciiSubject,
  numberAttribute,
  SNS_MESSAGE_LIMIT_BYTES,
  stableContent,
  stringAttribute,
  type SnsNotification
} from './sns-message.js'
import { agree, aliasSuffix, changedTo, plural } from './wording.js'
import type { ExposureEvent } from '../domain/exposure.js'
import { HEALTH_DASHBOARD, REVIEW_STEPS, sourceText } from './incident-wording.js'
import type { IncidentKeyResult, RoleSessionRevocation } from '../domain/incident.js'
import {
  byHandMarkdown,
  persistenceMarkdown,
  rolesCaution,
  persistenceText,
  roleSessionsMarkdown,
  roleSessionsText
} from './incident-doors.js'
import { signalLines } from './exposure-signal.js'

export interface IncidentReport {
  tool: 'iam-key-sentinel'
  schemaVersion: number
  kind: 'incident'
  accountId: string
  accountAlias?: string
  generatedAt: string
  source: 'input' | ExposureEvent['source']
  event?: ExposureEvent
  action: 'deactivate' | 'delete'
  /** Set when the inputs asked to delete but the event's code only allows deactivating. */
  requestedAction?: 'delete'
  dryRun: boolean
  revokeSessions: boolean
  /** revoke-role-sessions: whether the roles the keys reached got the deny, or a list. */
  revokeRoleSessions: boolean
  lookbackHours: number
  keys: IncidentKeyResult[]
  activity: ActivitySummary[]
  /** The roles the keys reached with sts:AssumeRole, and what became of their sessions. */
  roleSessions: RoleSessionRevocation[]
}

const signalFacts = (report: IncidentReport) => ({
  ...(report.event?.eventTypeCode ? { eventTypeCode: report.event.eventTypeCode } : {}),
  ...(report.requestedAction ? { requestedAction: report.requestedAction } : {}),
  action: report.action,
  keys: report.keys
})

export function failedKeys(report: IncidentReport): IncidentKeyResult[] {
  return report.keys.filter((k) => k.outcome === 'failed')
}

function done(report: IncidentReport): string {
  return changedTo(report.action)
}

function activityOf(report: IncidentReport, accessKeyId: string): ActivitySummary | undefined {
  return report.activity.find((a) => a.accessKeyId === accessKeyId)
}

// ---------------------------------------------------------------------------------------------
// Plain text (SNS)

function keyText(report: IncidentReport, k: IncidentKeyResult): string {
  const user = plain(k.userName ?? 'unknown user', 64)
  const where = k.location ? ` at ${plain(k.location, 200)}` : ''
  const at = k.change?.at ?? report.generatedAt
  const lines = k.unusableEntity
    ? [
        `MANUAL INSPECTION AND INTERVENTION REQUIRED: the event names '${plain(k.accessKeyId, 64)}' as exposed (${k.unusableEntity}), but it is not an access key ID, so nothing was revoked for it on account ${report.accountId}.`,
        `Find out which key it means, deactivate or delete it by hand, and check the AWS Health dashboard: ${HEALTH_DASHBOARD}`
      ]
    : k.outcome === 'failed'
      ? [
          `MANUAL INSPECTION AND INTERVENTION REQUIRED: an error occurred when attempting to take away the exposed IAM access key ${k.accessKeyId} (${user}) on account ${report.accountId}.`,
          `Error: ${plain(k.error ?? 'unknown', 800)}`,
          `Sign in to the account, deactivate or delete the key by hand, and check the AWS Health dashboard: ${HEALTH_DASHBOARD}`
        ]
      : k.outcome === 'planned'
        ? [
            `Dry run: the IAM access key ${k.accessKeyId} for user ${user} on account ${report.accountId} would be ${done(report)}; nothing was changed.`
          ]
        : [
            k.outcome === 'already-inactive'
              ? `The IAM access key ${k.accessKeyId} for user ${user} on account ${report.accountId} was already inactive when it was reported as exposed${where}.`
              : `At ${at} the IAM access key ${k.accessKeyId} for user ${user} on account ${report.accountId} was ${done(report)} after it was found to have been exposed${where}.`,
            ...(k.change?.undo ? [`To undo the deactivation: ${k.change.undo}`] : [])
          ]
  if (k.sessions?.ok) {
    lines.push(
      `Sessions issued before ${k.sessions.issuedBefore} are denied by the inline policy ${k.sessions.policyName}; remove it later with: ${k.sessions.undo}`
    )
  }
  if (k.trace?.byHand) lines.push(`By hand, once the user is found: ${k.trace.byHand}`)
  const activity = activityOf(report, k.accessKeyId)
  if (activity) lines.push('', renderActivityText(activity))
  return lines.join('\n')
}

function incidentSubject(report: IncidentReport): string {
  const failed = failedKeys(report).length
  const ok = report.keys.filter(
    (k) => k.outcome === 'revoked' || k.outcome === 'already-inactive'
  ).length
  const parts = [
    failed > 0 &&
      `${plural(failed, 'exposed key')} ${agree(failed, 'NEEDS', 'NEED')} MANUAL INTERVENTION`,
    ok > 0 &&
      (failed > 0 ? `${ok} ${done(report)}` : `${plural(ok, 'exposed key')} ${done(report)}`),
    report.dryRun && `dry run for ${report.keys.length} exposed keys`
  ].filter(Boolean)
  return asciiSubject(`IAM Key Sentinel incident: ${parts.join(', ')} in ${report.accountId}`)
}

export function renderIncidentSns(report: IncidentReport, runUrl: string): SnsNotification {
  const stable = incidentSns({ ...report, generatedAt: '' }, '')
  return { ...incidentSns(report, runUrl), content: stableContent(stable) }
}

function incidentSns(report: IncidentReport, runUrl: string): Omit<SnsNotification, 'content'> {
  const head = [
    `IAM Key Sentinel incident response in AWS account ${report.accountId}${aliasSuffix(report.accountAlias, plain)}`,
    `Run:      ${runUrl}`,
    `Source:   ${sourceText(report)}${report.event?.reference ? `, ${plain(report.event.reference, 200)}` : ''}`,
    `Detected: ${report.event?.detectedAt ?? report.generatedAt}`
  ].join('\n')
  const persistence = persistenceText(report)
  const roles = roleSessionsText(report)
  const signal = signalLines(signalFacts(report), plain)
  const foot = [...(roles ? [roles, ''] : []), 'What to review next:', numbered(REVIEW_STEPS)].join(
    '\n'
  )
  const subject = incidentSubject(report)
  const attributes: SnsNotification['attributes'] = {
    account: stringAttribute(report.accountId),
    event: stringAttribute('incident'),
    overdue: numberAttribute(0),
    changed: numberAttribute(report.keys.filter((k) => k.change?.result === 'applied').length)
  }
  // Keys (failures first: they need a person) are added while they fit; activity is what
  // makes a block long, so a key that does not fit whole is given without it.
  const ordered = [...failedKeys(report), ...report.keys.filter((k) => k.outcome !== 'failed')]
  const fit = fitItems(
    ordered,
    (k) => [
      keyText(report, k),
      keyText({ ...report, activity: [] }, k) +
        `\n(CloudTrail activity left out for size; see the run.)`
    ],
    {
      budget: SNS_MESSAGE_LIMIT_BYTES - 1024 - utf8Bytes(subject),
      used: utf8Bytes(head + foot + (persistence ?? '') + signal.join('\n')) + 8,
      separator: '\n\n'
    }
  )
  const parts = [
    head,
    ...(signal.length > 0 ? [signal.join('\n')] : []),
    ...(persistence ? [persistence] : []),
    ...fit.shown
  ]
  if (fit.left > 0) {
    parts.push(
      `... more keys are not listed to stay within SNS's size limit; see the run: ${runUrl}`
    )
  }
  parts.push(foot)
  return { subject, message: parts.join('\n\n'), attributes }
}

// ---------------------------------------------------------------------------------------------
// Markdown (job summary and issue)

const OUTCOME_LABEL: Record<IncidentKeyResult['outcome'], string> = {
  revoked: '✅ revoked',
  'already-inactive': '✅ already inactive',
  planned: '📝 planned (dry run)',
  failed: '❌ failed: manual intervention needed'
}

function keyRow(
  report: IncidentReport,
  k: IncidentKeyResult,
  partition: Partition | undefined
): string[] {
  const sessions = !k.sessions
    ? '—'
    : k.sessions.ok
      ? `denied before ${k.sessions.issuedBefore}`
      : `❌ ${esc(k.sessions.error ?? '', 200)}`
  const user = k.userName
  return [
    user ? keyLink(partition, user, esc(k.accessKeyId, 32)) : esc(k.accessKeyId, 32),
    user ? userLink(partition, user, esc(user, 64)) : 'unknown',
    esc(k.location ?? '—', 120),
    `${OUTCOME_LABEL[k.outcome]}${k.change ? ` (${k.change.kind}: ${k.change.result})` : ''}`,
    sessions,
    k.error ? esc(k.error, 800) : '—'
  ]
}

export function renderIncidentMarkdown(
  report: IncidentReport,
  runUrl: string,
  headingLevel = 2,
  /** For the IAM console links; without it, none. */
  partition?: Partition
): string {
  const h = '#'.repeat(headingLevel)
  const failed = failedKeys(report)
  const parts = [
    `${h} IAM Key Sentinel: exposed access key incident`,
    `Account **${esc(report.accountId, 12)}**${aliasSuffix(report.accountAlias, esc)} · ` +
      `reported by ${sourceText(report)}${report.event?.reference ? ` (${esc(report.event.reference, 200)})` : ''} · ` +
      `action **${report.action}**${report.dryRun ? ' (dry run: nothing was changed)' : ''} · [run log](${runUrl})`
  ]
  if (failed.length > 0) {
    parts.push(
      alert(
        'CAUTION',
        `**Manual inspection and intervention required** for ${plural(failed.length, 'key')}: ` +
          `the action could not take ${agree(failed.length, 'it', 'them')} away. Sign in to the account, deactivate or delete by hand, ` +
          `and check the [AWS Health dashboard](${HEALTH_DASHBOARD}).`
      )
    )
  }
  const signal = signalLines(signalFacts(report), esc)
  if (signal.length > 0) parts.push(alert('IMPORTANT', ...signal.map((line) => `- ${line}`)))
  for (const part of [rolesCaution(report), persistenceMarkdown(report, h)]) {
    if (part) parts.push(part)
  }
  parts.push(
    table(
      ['Access key', 'User', 'Exposed at', 'Outcome', 'Older sessions', 'Error'],
      report.keys.map((k) => keyRow(report, k, partition))
    )
  )
  const undo = report.keys.flatMap((k) => [
    ...(k.change?.undo ? [k.change.undo] : []),
    ...(k.sessions?.ok && k.sessions.undo ? [k.sessions.undo] : [])
  ])
  if (undo.length > 0) {
    parts.push(
      'To undo, once the incident is over (deleted keys cannot be restored):',
      codeBlock('sh', undo)
    )
  }
  for (const part of [byHandMarkdown(report), roleSessionsMarkdown(report, h)]) {
    if (part) parts.push(part)
  }
  if (report.activity.length > 0) {
    parts.push(
      `${h}# Activity (CloudTrail, last ${report.lookbackHours} hours)`,
      ...report.activity.map(renderActivityMarkdown)
    )
  }
  parts.push(`${h}# What to review next`, numbered(REVIEW_STEPS))
  return parts.join('\n\n') + '\n'
}

export function incidentMarker(accountId: string, runId: string, runAttempt: string): string {
  return `<!-- iam-key-sentinel incident account=${accountId} run=${runId}-${runAttempt} -->`
}

export function renderIncidentIssue(
  report: IncidentReport,
  run: { runUrl: string; runId: string; runAttempt: string },
  /** For the IAM console links; without it, none. */
  partition?: Partition
): { title: string; body: string } {
  const failed = failedKeys(report).length > 0
  const keys = report.keys.map((k) => k.accessKeyId).join(', ')
  const title = `${failed ? 'Manual intervention needed: ' : ''}Exposed access ${agree(report.keys.length, 'key', 'keys')} ${keys} in ${report.accountId}`
  let body = `${incidentMarker(report.accountId, run.runId, run.runAttempt)}\n${renderIncidentMarkdown(report, run.runUrl, 2, partition)}`
  // All or nothing: the activity is what makes the body long, so it goes as a whole.
  if (body.length > ISSUE_BODY_LIMIT) {
    body = renderIncidentMarkdown({ ...report, activity: [] }, run.runUrl, 2, partition)
    body = `${incidentMarker(report.accountId, run.runId, run.runAttempt)}\n${body}\n_CloudTrail activity left out for GitHub's size limit; see the run._`
  }
  return { title: firstChars(title, ISSUE_TITLE_LIMIT), body }
}
