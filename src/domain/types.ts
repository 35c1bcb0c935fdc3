// Domain types shared by the scan, the classifier and the renderers.

export type KeyStatus = 'Active' | 'Inactive'

/** Last use as AWS reports it: a key that was never used has no date at all. */
export type LastUse =
  | { kind: 'used'; date: Date; serviceName: string; region: string }
  | { kind: 'never' }
  /**
   * Not known. `notRead`: skipped on purpose, because the key is ok whatever its last use and
   * reading it for every such key would multiply the IAM calls (see src/domain/last-use-policy.ts).
   * Otherwise GetAccessKeyLastUsed failed for this key; the reason is in the scan errors.
   */
  | { kind: 'unknown'; notRead?: true }

/** One access key as read live from IAM. */
export interface AccessKey {
  userName: string
  accessKeyId: string
  status: KeyStatus
  createDate: Date
  lastUse: LastUse
}

export type KeyClass = 'overdue' | 'due-soon' | 'unused' | 'inactive' | 'ok' | 'exempt'

/** Classes a key can have before exemptions are applied. */
export type RawKeyClass = Exclude<KeyClass, 'exempt'>

export interface Thresholds {
  maxAgeDays: number
  warnDays: number
  /** 0 turns the unused rule off. */
  unusedDays: number
}

/** What an exemption says of itself: its end (YYYY-MM-DD, UTC, inclusive), why, who approved it. */
export interface ExemptionTerms {
  until?: string
  reason?: string
  ticket?: string
  approvedBy?: string
}

/** An exemption; `kind` is its source. */
export type Exemption =
  | { kind: 'excluded-user'; pattern: string }
  /** `untilUnreadable`: an `until=` the tag holds that is not a YYYY-MM-DD date. */
  | ({ kind: 'tag'; tag: string; value: string; untilUnreadable?: string } & ExemptionTerms)
  /** A grant of the owners file: `users` is its user-name glob, `path` the file. */
  | ({ kind: 'owners-file'; users: string; path: string } & ExemptionTerms)
  | { kind: 'group'; group: string }

/**
 * standing: exclude-users or exempt-groups, rules of the reviewed workflow with no end by design.
 * active: ends within exemption-max-days. no-end, too-far: still exempt, but flagged as needing
 * an end (none, or more than exemption-max-days ahead). expired: its end has passed; it hides nothing.
 */
export type ExemptionStatus = 'standing' | 'active' | 'no-end' | 'too-far' | 'expired'

/** An exemption with its status at the time of the run. */
export type RatedExemption = Exemption & { status: ExemptionStatus }

interface FindingFields {
  userName: string
  accessKeyId: string
  status: KeyStatus
  createDate: Date
  lastUse: LastUse
  ageDays: number
  /** Whole days since last use, or since creation when never used; undefined when unknown. */
  idleDays?: number
  /** max-age-days minus age: negative once overdue (days past the deadline), else days left. */
  daysToDeadline: number
}

/** A key classed by the rules alone: its class is its raw class. */
interface RuledFinding extends FindingFields {
  class: RawKeyClass
  rawClass: RawKeyClass
  exemption?: undefined
  /** An exemption that would hold this key back, had it not expired: flagged in every report. */
  expiredExemption?: RatedExemption
}

/** A key the rules would flag, held back by an exemption, which it carries. */
interface ExemptFinding extends FindingFields {
  class: 'exempt'
  /** The class the key would have without its exemption. */
  rawClass: Exclude<RawKeyClass, 'ok'>
  exemption: RatedExemption
  expiredExemption?: undefined
}

/** A classified key: what the reports show and what later stages act on. */
export type Finding = RuledFinding | ExemptFinding

/** A problem with one user or key that must not stop the scan of the others. */
export interface ScanError {
  scope: string
  operation: string
  message: string
}

export type FailOn = 'never' | 'due-soon' | 'overdue'

export interface Counts {
  total: number
  overdue: number
  'due-soon': number
  unused: number
  inactive: number
  ok: number
  exempt: number
}

/** What the action may do to offending keys. */
export type RemediationAction = 'report' | 'deactivate' | 'delete'
