// What the exposure signal itself calls for, said once for every incident channel: the response
// each AWS Health risk code gets, and AWS's own quarantine policy on a key's user (reported, to
// be left in place). Pure; the caller passes how to make an AWS value safe for its channel.
import { healthResponse, type HealthRiskCode } from '../domain/exposure.js'
import type { IncidentKeyResult } from '../domain/incident.js'
import type { Escape } from './wording.js'

const CODE_MEANING: Record<HealthRiskCode, string> = {
  AWS_RISK_CREDENTIALS_EXPOSED: 'AWS found the key exposed in public',
  AWS_RISK_CREDENTIALS_EXPOSURE_SUSPECTED: 'AWS suspects the key was exposed',
  AWS_RISK_CREDENTIALS_COMPROMISED: 'AWS found the key used by someone other than its owner',
  AWS_RISK_CREDENTIALS_COMPROMISE_SUSPECTED:
    'AWS suspects the key is used by someone other than its owner',
  AWS_RISK_IAM_QUARANTINE:
    'AWS has quarantined the key’s user by attaching an AWSCompromisedKeyQuarantine policy'
}

export interface SignalFacts {
  eventTypeCode?: HealthRiskCode
  action: 'deactivate' | 'delete'
  /** Set when the inputs asked to delete but the signal only allows deactivating. */
  requestedAction?: 'delete'
  keys: readonly IncidentKeyResult[]
}

function responseLine(code: HealthRiskCode, facts: SignalFacts): string {
  const { suspected, quarantined } = healthResponse(code)
  const meaning = `${CODE_MEANING[code]} (${code})`
  if (suspected) {
    const downgraded = facts.requestedAction === 'delete' ? ' (action delete was asked for)' : ''
    return `${meaning}: the key is deactivated, never deleted on a suspicion${downgraded}; reactivate it with the undo command if the investigation clears it.`
  }
  if (quarantined) {
    return `${meaning}: the key is revoked too (${facts.action}), since the quarantine only denies some actions; the quarantine policy stays.`
  }
  return `${meaning}: the key is revoked (${facts.action}).`
}

/**
 * The signal's lines, most important first: the response the code calls for, then each user
 * AWS has quarantined. Empty when there is nothing to say (a manual request, no quarantine).
 */
export function signalLines(facts: SignalFacts, esc: Escape): string[] {
  const lines = facts.eventTypeCode ? [responseLine(facts.eventTypeCode, facts)] : []
  const seen = new Set<string>()
  let quarantinedUsers = 0
  for (const k of facts.keys) {
    const user = k.userName
    if (!user || !k.quarantine || seen.has(user)) continue
    seen.add(user)
    if (k.quarantine.error) {
      lines.push(
        `Whether AWS has quarantined ${esc(user, 64)} could not be read (${esc(k.quarantine.error, 200)}): look for an AWSCompromisedKeyQuarantine policy on the user in the IAM console.`
      )
    } else if (k.quarantine.policies.length > 0) {
      quarantinedUsers += 1
      const names = k.quarantine.policies.map((arn) => esc(arn.split('/').pop() ?? arn, 64))
      lines.push(
        `AWS has attached ${names.join(', ')} to ${esc(user, 64)}. Leave it in place: this action never removes it, and AWS asks that it stays until its support case for this event is followed.`
      )
    }
  }
  if (
    facts.eventTypeCode === 'AWS_RISK_IAM_QUARANTINE' &&
    quarantinedUsers === 0 &&
    seen.size > 0
  ) {
    lines.push(
      'The event says AWS quarantined the user, but no AWSCompromisedKeyQuarantine policy is attached to it now: check the user in the IAM console and the AWS Health dashboard.'
    )
  }
  return lines
}
