// The audit report: what one account's run found and did, as the JSON report file holds it and
// every renderer reads it. Types only, and the schema version the file carries.
import type { ExemptionInventory, TwoActiveKeys } from './account-findings.js'
import type { ActivitySummary } from './activity.js'
import type { ChangeRecord, Hold } from './changes.js'
import type { ScanInfo } from './scan-info.js'
import type { SlotFinding } from './key-naming.js'
import type { RotationReport } from './rotation.js'
import type { Counts, Finding, RemediationAction, ScanError, Thresholds } from './types.js'

export const REPORT_SCHEMA_VERSION = 1

export interface AuditReport {
  tool: 'iam-key-sentinel'
  schemaVersion: number
  accountId: string
  accountAlias?: string
  generatedAt: string
  thresholds: Thresholds
  userCount: number
  counts: Counts
  keys: Finding[]
  /**
   * Due-soon keys of users not read live, named by user and slot as the credential report shows
   * them: no channel of the run needed their IDs (src/domain/key-naming.ts). Counted in `counts`.
   */
  keysBySlot?: SlotFinding[]
  errors: ScanError[]
  remediation?: RemediationReport
  /** CloudTrail summaries of the keys activity-for named. */
  activity?: ActivitySummary[]
  /** How the keys were read (scan-method). */
  scan?: ScanInfo
  /** Every key an exemption holds back, or would, had it not expired. */
  exemptions?: ExemptionInventory
  /** Users with two active keys (a finding of its own; it does not fail the step). */
  twoActiveKeys?: TwoActiveKeys[]
  /** action: rotate: each rotation's step this run. */
  rotation?: RotationReport
}

export interface RemediationReport {
  action: RemediationAction
  dryRun: boolean
  maxActions: number
  capExceeded: boolean
  changes: ChangeRecord[]
  holds: Hold[]
}
