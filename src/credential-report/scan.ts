// The credential-report method: one report for the whole account, then live reads of the
// candidate users only (ListAccessKeys, and GetAccessKeyLastUsed where the report cannot settle
// the class). Findings and actions use the live data; the report only narrows who is read.
import type { IAMClient } from '@aws-sdk/client-iam'
import { wholeDays } from '../dates.js'
import { forEachLimit } from '../concurrency.js'
import { isOkByAge, lastUseNeed, OK_DETAIL_LIMIT } from '../last-use-policy.js'
import type { RootAccessKey } from '../scan-info.js'
import { listUserKeys, readLastUses, type ScanResult } from '../scan.js'
import type { AccessKey, ScanError, Thresholds } from '../types.js'
import {
  reportSettlesUnused,
  selectCandidates,
  STALENESS_MARGIN_MS,
  type CandidateSelection
} from './candidates.js'
import { csvRows, utf8Chunks } from './csv.js'
import { fetchCredentialReport, type ReportFetchOptions } from './fetch.js'
import { matchSlots } from './match.js'
import { readCredentialReport, type ReportKeySlot, type ReportUser } from './parse.js'

export interface CredentialReportScanOptions {
  concurrency: number
  thresholds: Thresholds
  /** The time the audit classifies at. */
  at: Date
  marginMs?: number
  fetch?: ReportFetchOptions
}

export interface CredentialReportScan extends ScanResult {
  generatedAt: Date
  candidateUsers: number
  /** Ages of the keys not read live (ok by construction); the report lists them, by day. */
  unlistedOkAgeDays: number[]
  rootAccessKeys: RootAccessKey[]
}

/** The report is parsed as it is decoded; only the selection outlives this function. */
async function readSelection(
  iam: IAMClient,
  options: CredentialReportScanOptions,
  marginMs: number
): Promise<CandidateSelection & { generatedAt: Date }> {
  const { content, generatedAt } = await fetchCredentialReport(iam, options.fetch)
  const users = readCredentialReport(csvRows(utf8Chunks(content)))
  return { ...selectCandidates(users, options.at, options.thresholds, marginMs), generatedAt }
}

function rootKeys(root: ReportUser | undefined, at: Date): RootAccessKey[] {
  if (!root) return []
  const dated = root.keys.map((k) => ({ ...k, ageDays: wholeDays(k.createDate, at) }))
  return [...dated, ...root.unclear].sort((a, b) => a.slot - b.slot)
}

export async function scanWithCredentialReport(
  iam: IAMClient,
  options: CredentialReportScanOptions
): Promise<CredentialReportScan> {
  const { at, thresholds: t, concurrency } = options
  const marginMs = options.marginMs ?? STALENESS_MARGIN_MS
  const selection = await readSelection(iam, options, marginMs)
  const errors: ScanError[] = []

  const slots = new Map<AccessKey, ReportKeySlot>()
  const perUser: AccessKey[][] = new Array(selection.candidates.length)
  await forEachLimit(selection.candidates, concurrency, async (user, index) => {
    const live = await listUserKeys(iam, user.userName, errors)
    matchSlots(live, user.keys).forEach((slot, i) => {
      const key = live[i]
      if (slot && key) slots.set(key, slot)
    })
    perUser[index] = live
  })
  const keys = perUser.flat()

  // Same policy as the API walk; where it wants a value, the report's serves unless the class
  // hangs on it (the key could be unused live).
  const okByAge =
    keys.filter((k) => isOkByAge(k, at, t)).length + selection.unlistedOkAgeDays.length
  const detailOk = okByAge <= OK_DETAIL_LIMIT
  const toRead: AccessKey[] = []
  for (const key of keys) {
    const need = lastUseNeed(key, at, t, detailOk)
    if (need === 'none') continue
    const slot = slots.get(key)
    if (slot && (need === 'display' || reportSettlesUnused(slot, at, t, marginMs))) {
      key.lastUse = slot.lastUse
    } else toRead.push(key)
  }
  await readLastUses(iam, toRead, concurrency, errors)

  return {
    userCount: selection.userCount,
    keys,
    errors,
    generatedAt: selection.generatedAt,
    candidateUsers: selection.candidates.length,
    unlistedOkAgeDays: selection.unlistedOkAgeDays,
    rootAccessKeys: rootKeys(selection.root, at)
  }
}
