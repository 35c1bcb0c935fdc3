// What incident mode did with each exposed key, as the incident report, summary and SNS carry it.
import type { ChangeRecord } from './changes.js'

type IncidentOutcome = 'revoked' | 'already-inactive' | 'planned' | 'failed'

export interface SessionRevocation {
  policyName: string
  /** Sessions issued before this instant are denied everything. */
  issuedBefore: string
  ok: boolean
  error?: string
  /** How to lift it once the incident is closed. */
  undo?: string
}

/** The AWSCompromisedKeyQuarantine* policies AWS attached to the key's user, as read after revoking. */
export interface QuarantineCheck {
  /** Their ARNs; empty when there is none. */
  policies: string[]
  /** Set when the user's attached policies could not be read. */
  error?: string
}

export interface IncidentKeyResult {
  /** The key ID; for an event entity that names no key, the entity's value as given. */
  accessKeyId: string
  /** Set when the event named something that is not an access key ID: where in the event. */
  unusableEntity?: string
  userName?: string
  location?: string
  outcome: IncidentOutcome
  change?: ChangeRecord
  sessions?: SessionRevocation
  quarantine?: QuarantineCheck
  /** What went wrong: set whenever a person must step in. */
  error?: string
}
