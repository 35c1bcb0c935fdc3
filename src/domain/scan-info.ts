// What the scan did, for the job summary, the step outputs and the JSON report (`scan`).
import type { ScanMethod } from './settings.js'
import type { LastUse } from './types.js'

type ScanMethodUsed = 'api' | 'credential-report'

/** A root user access key, as the credential report shows it: a finding of its own. */
export interface RootAccessKey {
  slot: 1 | 2
  active: boolean
  /** Undefined when the report shows the key without a creation date. */
  createDate?: Date
  ageDays?: number
  lastUse: LastUse
}

export interface ScanInfo {
  /** The scan-method input. */
  requested: ScanMethod
  /** The method that produced the findings. */
  method: ScanMethodUsed
  /** Why this method ran, one sentence for the summary. */
  reason: string
  /** Set when the credential report was tried and failed, so the API walk ran instead (auto). */
  fallbackReason?: string
  credentialReport?: {
    generatedAt: Date
    /** Users read live because a key of theirs is, or could be, flagged. */
    candidateUsers: number
    /**
     * Keys of the other users: ok by construction, counted in counts.ok and counts.total but not
     * listed in `keys` (the report has no key IDs).
     */
    unlistedOkKeys: number
  }
  /** The root user's access keys; undefined when not checked (the API walk cannot see them). */
  rootAccessKeys?: RootAccessKey[]
}
