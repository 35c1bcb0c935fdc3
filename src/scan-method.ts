// scan-method: which way the keys are read. `api` walks every user; `credential-report` reads
// the account's report and then only the users it points at; `auto` takes the report for
// accounts above AUTO_REPORT_ABOVE_USERS and falls back to the walk if the report fails.
import type { IAMClient } from '@aws-sdk/client-iam'
import { scanWithCredentialReport, type CredentialReportScan } from './credential-report/scan.js'
import type { ReportFetchOptions } from './credential-report/fetch.js'
import { CredentialReportFormatError } from './credential-report/parse.js'
import { ActionError, describeFailure, errorMessage } from './errors.js'
import type { ScanMethod } from './inputs.js'
import type { ScanInfo } from './scan-info.js'
import { listUserNames, scanAccessKeys, type ScanResult } from './scan.js'
import type { Thresholds } from './types.js'

/**
 * Above this many users `auto` reads the credential report. Measured with `npm run bench` at the
 * default pace (10 requests/s) and a report that takes 3 s to generate: the walk costs ~1 s per
 * 10 users (10.5 s at 100 users, 21.9 s at 200), the report ~3.1 s flat plus its candidate users,
 * so the report is faster from about 40 users. Up to 100 the walk is kept anyway: it costs at
 * most ~11 s, lists every key by ID (ok ones too), is never stale and needs no report permissions.
 */
export const AUTO_REPORT_ABOVE_USERS = 100

export interface KeyScanOptions {
  method: ScanMethod
  concurrency: number
  thresholds: Thresholds
  /** The time the audit classifies at; every decision during the scan uses it too. */
  at: Date
  report?: ReportFetchOptions
}

export interface KeyScan extends ScanResult {
  info: ScanInfo
  /** Ages (days) of the ok keys counted from the report but not listed (no key ID). */
  unlistedOkAgeDays: number[]
}

function fromApi(scan: ScanResult, info: ScanInfo): KeyScan {
  return { ...scan, info, unlistedOkAgeDays: [] }
}

function fromReport(scan: CredentialReportScan, info: Omit<ScanInfo, 'method'>): KeyScan {
  const { generatedAt, candidateUsers, unlistedOkAgeDays, rootAccessKeys, ...result } = scan
  return {
    ...result,
    unlistedOkAgeDays,
    info: {
      ...info,
      method: 'credential-report',
      credentialReport: { generatedAt, candidateUsers, unlistedOkKeys: unlistedOkAgeDays.length },
      rootAccessKeys
    }
  }
}

async function reportScan(iam: IAMClient, options: KeyScanOptions): Promise<CredentialReportScan> {
  try {
    return await scanWithCredentialReport(iam, { ...options, fetch: options.report })
  } catch (error) {
    if (!(error instanceof CredentialReportFormatError)) throw error
    throw new ActionError(
      `The credential report could not be read: ${error.message}`,
      "Set scan-method: api to read the keys without it, and report this (it is AWS's format).",
      { cause: error }
    )
  }
}

export async function scanKeys(iam: IAMClient, options: KeyScanOptions): Promise<KeyScan> {
  const { method: requested, concurrency } = options
  const walk = { thresholds: options.thresholds, at: options.at }
  if (requested === 'api') {
    const scan = await scanAccessKeys(iam, concurrency, walk)
    return fromApi(scan, { requested, method: 'api', reason: 'scan-method: api' })
  }
  if (requested === 'credential-report') {
    const scan = await reportScan(iam, options)
    return fromReport(scan, { requested, reason: 'scan-method: credential-report' })
  }

  // auto: one ListUsers page of AUTO_REPORT_ABOVE_USERS + 1 tells a small account from a large one.
  const probe = await listUserNames(iam, AUTO_REPORT_ABOVE_USERS)
  if (probe.complete) {
    const scan = await scanAccessKeys(iam, concurrency, { ...walk, userNames: probe.names })
    const reason = `auto: ${probe.names.length} users (at most ${AUTO_REPORT_ABOVE_USERS}), so every user was read live`
    return fromApi(scan, { requested, method: 'api', reason })
  }
  const reason = `auto: more than ${AUTO_REPORT_ABOVE_USERS} users, so the credential report chose whom to read live`
  try {
    return fromReport(await reportScan(iam, options), { requested, reason })
  } catch (error) {
    const fallbackReason =
      error instanceof ActionError ? describeFailure(error) : errorMessage(error)
    const scan = await scanAccessKeys(iam, concurrency, walk)
    const walked = `auto: the credential report failed, so every user was read live`
    return fromApi(scan, { requested, method: 'api', reason: walked, fallbackReason })
  }
}
