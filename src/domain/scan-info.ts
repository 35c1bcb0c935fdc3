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

/**
 * What GetAccountSummary (AccountAccessKeysPresent, one call in every audit) said of the root
 * user's access keys, or why it could not be read.
 */
export type RootKeyCheck = { present: boolean } | { error: string }

interface ScanInfoFields {
  /** The scan-method input. */
  requested: ScanMethod
  /** Why this method ran, one sentence for the summary. */
  reason: string
  /** Set when the credential report was tried and failed, so the API walk ran instead (auto). */
  fallbackReason?: string
  rootKeyCheck?: RootKeyCheck
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
    /**
     * The settings that need the IDs of due-soon keys (src/domain/key-naming.ts), whose users
     * were read live for them; empty: due-soon keys of users read for nothing else are named by
     * slot (`keysBySlot`).
     */
    dueSoonIdsFor?: string[]
  }
  /** The root user's access keys, as the report shows them. */
  rootAccessKeys: RootAccessKey[]
}

/** What the scan did: the credential-report variant carries what the report said. */
export type ScanInfo = ApiScanInfo | ReportScanInfo

/** The root user's access keys as this run knows them, from GetAccountSummary and the report. */
export interface RootKeys {
  /** Undefined when neither GetAccountSummary nor the credential report could tell. */
  present?: boolean
  /** How many; undefined when only GetAccountSummary told (it says whether, not how many). */
  count?: number
  /** The report's details, when it was read and agrees with GetAccountSummary. */
  keys: RootAccessKey[]
  /** Present, with no report to say whether active: counted as active, to be safe. */
  statusUnknown: boolean
  /** Why GetAccountSummary could not be read. */
  checkError?: string
}

/**
 * GetAccountSummary is live; the report may be hours old. When they disagree the live answer
 * wins: keys the report shows but the account no longer has are left out, and keys created
 * since the report are present with no details.
 */
export function rootKeysOf(scan: ScanInfo | undefined): RootKeys {
  const check = scan?.rootKeyCheck
  const reportKeys = scan?.rootAccessKeys
  const live = check && 'present' in check ? check.present : undefined
  const checkError = check && 'error' in check ? { checkError: check.error } : {}
  const present = live ?? (reportKeys ? reportKeys.length > 0 : undefined)
  if (!present)
    return {
      present,
      count: present === false ? 0 : undefined,
      keys: [],
      statusUnknown: false,
      ...checkError
    }
  const keys = reportKeys ?? []
  if (keys.length === 0) return { present, keys, statusUnknown: true, ...checkError }
  return { present, count: keys.length, keys, statusUnknown: false, ...checkError }
}
