// What the scan did, for the job summary, the step outputs and the JSON report (`scan`).
import type { ScanMethod } from './settings.js'
import type { LastUse } from './types.js'

/** A root user access key, as the credential report shows it: a finding of its own. */
export interface RootAccessKey {
  slot: 1 | 2
  active: boolean
  /** Undefined when the report shows the key without a creation date. */
  createDate?: Date
  ageDays?: number
  lastUse: LastUse
}

interface ScanInfoFields {
  /** The scan-method input. */
  requested: ScanMethod
  /** Why this method ran, one sentence for the summary. */
  reason: string
  /** Set when the credential report was tried and failed, so the API walk ran instead (auto). */
  fallbackReason?: string
}

/** The API walk: every user and key read live; it cannot see the root user's keys. */
interface ApiScanInfo extends ScanInfoFields {
  method: 'api'
  credentialReport?: undefined
  rootAccessKeys?: undefined
}

/** The credential report, with what it told beyond the keys read live. */
interface ReportScanInfo extends ScanInfoFields {
  method: 'credential-report'
  credentialReport: {
    generatedAt: Date
    /** Users read live because a key of theirs is, or could be, flagged. */
    candidateUsers: number
    /**
     * Keys of the other users: ok by construction, counted in counts.ok and counts.total but not
     * listed in `keys` (the report has no key IDs).
     */
    unlistedOkKeys: number
  }
  /** The root user's access keys, as the report shows them. */
  rootAccessKeys: RootAccessKey[]
}

/** What the scan did: the credential-report variant carries what the report said. */
export type ScanInfo = ApiScanInfo | ReportScanInfo
