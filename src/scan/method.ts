// scan-method: which way the keys are read. `api` walks every user; `credential-report` reads
// the account's report and then only the users it cannot vouch for; `auto` walks accounts of up
// to AUTO_REPORT_ABOVE_USERS and, above, races the walk against the report: the walk goes on
// while its measured pace says it can finish first, the report narrows what is left once it
// comes, and a report that fails or never comes leaves the walk under way.
import type { IamClient } from '../aws/clients.js'
import {
  scanWithCredentialReport,
  type CredentialReportScan,
  type ReportUse
} from './credential-report/scan.js'
import {
  ReportAbandoned,
  StaleReportError,
  type ReportFetchOptions
} from './credential-report/fetch.js'
import { CredentialReportFormatError } from './credential-report/parse.js'
import { ActionError, describeFailure, errorMessage } from '../kit/errors.js'
import type { ScanMethod } from '../domain/settings.js'
import type { TwoActiveKeys } from '../domain/account-findings.js'
import type { ScanInfo } from '../domain/scan-info.js'
import { listUserNames, scanAccessKeys, type ScanResult } from './api-walk.js'
import type { Thresholds } from '../domain/types.js'
import type { DueSoonIdNeed, SlotKey } from '../domain/key-naming.js'

/**
 * Above this many users `auto` also reads the credential report. Up to 100 users the walk alone
 * costs a few seconds, lists every key by ID (ok ones too), is never stale and needs no report
 * permissions; above, the report saves a ListAccessKeys per user it vouches for.
 */
export const AUTO_REPORT_ABOVE_USERS = 100

export interface KeyScanOptions {
  method: ScanMethod
  concurrency: number
  thresholds: Thresholds
  /** The time the audit classifies at; every decision during the scan uses it too. */
  at: Date
  report?: ReportFetchOptions
  /** Whose due-soon keys must be named by ID; default none (src/domain/key-naming.ts). */
  dueSoonIds?: DueSoonIdNeed
}

export interface KeyScan extends ScanResult {
  info: ScanInfo
  /** Ages (days) of the ok keys counted from the report but not listed (no key ID). */
  unlistedOkAgeDays: number[]
  /** Users the report shows with two active (ok) keys, not read live: named by slot. */
  reportedPairs: TwoActiveKeys[]
  /** Due-soon keys the report shows of users not read live: named by slot. */
  slotKeys: SlotKey[]
}

function fromApi(scan: ScanResult, info: ScanInfo): KeyScan {
  return { ...scan, info, unlistedOkAgeDays: [], reportedPairs: [], slotKeys: [] }
}

function fromReport(
  scan: ScanResult,
  report: ReportUse,
  info: Pick<ScanInfo, 'requested' | 'reason' | 'fallbackReason'>
): KeyScan {
  const { generatedAt, candidateUsers, unlistedOkAgeDays, reportedPairs, slotKeys } = report
  return {
    userCount: scan.userCount,
    keys: scan.keys,
    errors: scan.errors,
    unlistedOkAgeDays,
    reportedPairs,
    slotKeys,
    info: {
      ...info,
      method: 'credential-report',
      credentialReport: { generatedAt, candidateUsers, unlistedOkKeys: unlistedOkAgeDays.length },
      rootAccessKeys: report.rootAccessKeys
    }
  }
}

function formatFailure(error: unknown): unknown {
  if (!(error instanceof CredentialReportFormatError)) return error
  return new ActionError(
    `The credential report could not be read: ${error.message}`,
    "Set scan-method: api to read the keys without it, and report this (it is AWS's format).",
    { cause: error }
  )
}

const describe = (error: unknown): string =>
  error instanceof ActionError ? describeFailure(error) : errorMessage(error)

export async function scanKeys(iam: IamClient, options: KeyScanOptions): Promise<KeyScan> {
  const { method: requested, concurrency } = options
  const walk = { thresholds: options.thresholds, at: options.at }
  const reportOptions = { ...options, fetch: options.report }
  if (requested === 'api') {
    const scan = await scanAccessKeys(iam, concurrency, walk)
    return fromApi(scan, { requested, method: 'api', reason: 'scan-method: api' })
  }
  if (requested === 'credential-report') {
    let scan: CredentialReportScan
    try {
      scan = await scanWithCredentialReport(iam, reportOptions)
    } catch (error) {
      // A stale report is not an error of the account's: the walk reads it as it is now.
      if (!(error instanceof StaleReportError)) throw formatFailure(error)
      const walked = await scanAccessKeys(iam, concurrency, walk)
      const reason = 'scan-method: credential-report, but the report was stale'
      return fromApi(walked, { requested, method: 'api', reason, fallbackReason: describe(error) })
    }
    if (!scan.report) throw formatFailure(scan.reportFailure)
    return fromReport(scan, scan.report, { requested, reason: 'scan-method: credential-report' })
  }

  // auto: one ListUsers page of 101 tells a small account from a large one. A large one has the
  // report requested at once (it lists its users while the report is generated), and the walk
  // races it (src/scan/credential-report/scan.ts).
  const probe = await listUserNames(iam, AUTO_REPORT_ABOVE_USERS)
  if (probe.complete) {
    const { names } = probe
    const scan = await scanAccessKeys(iam, concurrency, { ...walk, userNames: names })
    const reason = `auto: ${names.length} users (at most ${AUTO_REPORT_ABOVE_USERS}), so every user was read live`
    return fromApi(scan, { requested, method: 'api', reason })
  }
  const scan = await scanWithCredentialReport(iam, { ...reportOptions, readWhileWaiting: true })
  if (scan.report) {
    const reason = `auto: more than ${AUTO_REPORT_ABOVE_USERS} users, so the credential report chose whom to read live (users were read while it was generated)`
    return fromReport(scan, scan.report, { requested, reason })
  }
  const failure = scan.reportFailure
  if (failure instanceof ReportAbandoned) {
    const reason = 'auto: every user was read live before the credential report was ready'
    return fromApi(scan, { requested, method: 'api', reason })
  }
  const reason = 'auto: the credential report failed, so every user was read live'
  return fromApi(scan, {
    requested,
    method: 'api',
    reason,
    fallbackReason: describe(formatFailure(failure))
  })
}
