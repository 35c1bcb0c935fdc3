// The doors an exposed key opened, as the incident's summary, issue and SNS message show them:
// the persistence calls to review (at the top) and the role sessions it opened. Pure; every
// value from AWS is escaped (Markdown) or flattened (text).
import type { ActivitySummary } from '../domain/activity.js'
import { PERSISTENCE_CALLS, type PersistenceCall } from '../domain/evidence.js'
import {
  roleNeedsPerson,
  type IncidentKeyResult,
  type RoleSessionRevocation
} from '../domain/incident.js'
import { DENY_KEEP_HOURS } from '../domain/session-deny.js'
import { alert, codeBlock, escapeMarkdown as esc, table } from '../kit/text/markdown.js'
import { plainText as plain } from '../kit/text/plain.js'
import { formatTime } from './activity.js'
import { plural } from './wording.js'

/** What the doors need of the incident report. */
interface DoorsReport {
  keys: IncidentKeyResult[]
  activity: ActivitySummary[]
  roleSessions: RoleSessionRevocation[]
  revokeRoleSessions: boolean
}

/** Persistence calls in the SNS message; the summary and issue list up to 50 per key. */
const SNS_PERSISTENCE_LINES = 20

interface Found {
  call: PersistenceCall
  key: string
}

function persistenceOf(report: DoorsReport): { found: Found[]; omitted: number } {
  const found = report.activity.flatMap((a) =>
    (a.evidence?.persistence ?? []).map((call) => ({ call, key: a.accessKeyId }))
  )
  found.sort((a, b) => b.call.eventTime.localeCompare(a.call.eventTime))
  const omitted = report.activity.reduce((n, a) => n + (a.evidence?.persistenceOmitted ?? 0), 0)
  return { found, omitted }
}

const hasEvidence = (report: DoorsReport): boolean =>
  report.activity.some((a) => a.evidence !== undefined)

function outcomeOf(call: PersistenceCall): string {
  return call.errorCode ? `denied (${call.errorCode})` : 'succeeded'
}

const ROLE_OUTCOME: Record<RoleSessionRevocation['outcome'], string> = {
  revoked: '✅ older sessions denied',
  planned: '📝 planned (dry run)',
  'by-hand': '✋ revoke by hand',
  skipped: '➖ cannot be revoked',
  failed: '❌ failed: manual intervention needed'
}

const KEEP_NOTE = `Keep every revoke-older-sessions deny (the user's and the roles') in place for at least ${DENY_KEEP_HOURS} hours after it was attached: sessions from GetSessionToken live up to 36 hours, role sessions up to 12 hours (1 hour when chained). The action never removes one.`

// ---------------------------------------------------------------------------------------------
// Markdown

/** The caution for roles left open that a person must see to, if any. */
export function rolesCaution(report: DoorsReport): string | undefined {
  const left = report.roleSessions.filter((r) => roleNeedsPerson(r, report.revokeRoleSessions))
  if (left.length === 0) return undefined
  return alert(
    'CAUTION',
    `**Manual intervention required** for the sessions of ${plural(left.length, 'role')} the keys reached: see Role sessions below.`
  )
}

/** What to run by hand for keys whose user the run could not name. */
export function byHandMarkdown(report: DoorsReport): string | undefined {
  const commands = report.keys.flatMap((k) => (k.trace?.byHand ? [k.trace.byHand] : []))
  if (commands.length === 0) return undefined
  return [
    "To deny the older sessions of a key's user once you have found it (replace USER):",
    codeBlock('sh', commands)
  ].join('\n\n')
}

export function persistenceMarkdown(report: DoorsReport, h: string): string | undefined {
  if (!hasEvidence(report)) return undefined
  const { found, omitted } = persistenceOf(report)
  const title = `${h}# Persistence to review`
  if (found.length === 0) {
    return `${title}\n\nNo call that leaves a door open (new keys, users, passwords, MFA devices, policies, roles, trust) was found in the keys' events.`
  }
  const rows = found.map(({ call, key }) => [
    esc(formatTime(call.eventTime), 32),
    `\`${esc(call.eventName, 64)}\``,
    call.errorCode ? `⛔ ${esc(outcomeOf(call), 80)}` : '⚠️ succeeded',
    esc(PERSISTENCE_CALLS[call.eventName] ?? '', 80),
    esc(call.targets.join(', ') || '—', 200),
    call.createdAccessKeyId ? esc(call.createdAccessKeyId, 32) : '—',
    esc(call.accessKeyId ?? key, 32),
    esc(call.region ?? '—', 32),
    esc(call.sourceIp ?? '—', 64)
  ])
  const more =
    omitted > 0 ? `\n\n${plural(omitted, 'more call')} not listed; see the run's JSON report.` : ''
  return [
    title,
    alert(
      'WARNING',
      `**${plural(found.length + omitted, 'call')} that can leave a way back in** after the key is gone: check each one and undo what you do not recognize (a new access key named here is the next to take away).`
    ),
    table(
      [
        'Time',
        'Call',
        'Outcome',
        'Leaves',
        'Aimed at',
        'New key',
        'Made with',
        'Region',
        'Source IP'
      ],
      rows
    ) + more
  ].join('\n\n')
}

export function roleSessionsMarkdown(report: DoorsReport, h: string): string | undefined {
  if (!hasEvidence(report)) return undefined
  const title = `${h}# Role sessions opened with the keys`
  if (report.roleSessions.length === 0) {
    return `${title}\n\nNo successful sts:AssumeRole call was found in the keys' events (or their sessions').`
  }
  const rows = report.roleSessions.map((r) => [
    esc(r.roleArn, 200),
    esc(r.reachedBy.join(', '), 200),
    String(r.sessions),
    r.outcome === 'revoked' && !r.undo
      ? `${ROLE_OUTCOME.revoked} (already)`
      : ROLE_OUTCOME[r.outcome],
    r.outcome === 'revoked' || r.outcome === 'planned'
      ? `issued before ${esc(r.issuedBefore, 32)}`
      : esc(r.detail ?? '—', 300)
  ])
  const undo = report.roleSessions.flatMap((r) => (r.undo ? [r.undo] : []))
  const byHand = report.roleSessions.flatMap((r) => (r.command ? [r.command] : []))
  return [
    title,
    `Deleting or deactivating a key ends none of the role sessions opened with it; a role's revoke-older-sessions deny (${'`AWSRevokeOlderSessions`'}) ends every session of the role issued before it, the legitimate ones too, which must assume the role again.`,
    table(['Role', 'Reached by', 'Sessions', 'Outcome', 'Detail'], rows),
    ...(byHand.length > 0
      ? [
          `To revoke by hand (${report.revokeRoleSessions ? 'the roles the action did not change' : 'or set revoke-role-sessions: true'}), in the role's account:`,
          codeBlock('sh', byHand)
        ]
      : []),
    ...(undo.length > 0
      ? [`To undo, no sooner than ${DENY_KEEP_HOURS} hours from now:`, codeBlock('sh', undo)]
      : []),
    KEEP_NOTE
  ].join('\n\n')
}

// ---------------------------------------------------------------------------------------------
// Plain text (SNS)

export function persistenceText(report: DoorsReport): string | undefined {
  if (!hasEvidence(report)) return undefined
  const { found, omitted } = persistenceOf(report)
  if (found.length === 0) {
    return "Persistence to review: none found (no new keys, users, passwords, MFA devices, policies, roles or trust in the keys' events)."
  }
  const lines = found.slice(0, SNS_PERSISTENCE_LINES).map(({ call, key }) => {
    const targets = call.targets.length > 0 ? ` on ${plain(call.targets.join(', '), 200)}` : ''
    const created = call.createdAccessKeyId ? `, new key ${plain(call.createdAccessKeyId, 32)}` : ''
    return `- ${call.eventTime} ${plain(call.eventName, 64)}${targets}: ${plain(outcomeOf(call), 80)}${created} (with ${plain(call.accessKeyId ?? key, 32)})`
  })
  const left = found.length - lines.length + omitted
  return [
    `PERSISTENCE TO REVIEW: ${plural(found.length + omitted, 'call')} that can leave a way back in after the key is gone. Check each one and undo what you do not recognize:`,
    ...lines,
    ...(left > 0 ? [`... ${plural(left, 'more call')} in the run's report.`] : [])
  ].join('\n')
}

export function roleSessionsText(report: DoorsReport): string | undefined {
  if (!hasEvidence(report) || report.roleSessions.length === 0) return undefined
  const lines = report.roleSessions.map((r) => {
    const what =
      r.outcome === 'revoked'
        ? `sessions issued before ${r.issuedBefore} denied by ${r.policyName}${r.undo ? `; undo later with: ${r.undo}` : ''}`
        : r.outcome === 'planned'
          ? 'dry run: would deny its older sessions'
          : `${r.outcome}: ${plain(r.detail ?? '', 300)}`
    return `- ${plain(r.roleArn, 200)} (reached by ${plain(r.reachedBy.join(', '), 200)}): ${what}`
  })
  return [`Role sessions opened with the keys:`, ...lines, KEEP_NOTE].join('\n')
}
