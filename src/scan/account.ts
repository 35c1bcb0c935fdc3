// The scan of one account for an audit: every key (by scan-method), then the tags and groups of
// the users an exemption could change. Classification rules decide what is worth reading.
import type { TwoActiveKeys } from '../domain/account-findings.js'
import type { IamClient } from '../aws/clients.js'
import { classifyRaw } from '../domain/classify.js'
import { rootAccessKeysPresent } from '../aws/iam-read.js'
import { excludedBy, exemptByTag, exemptionStatus } from '../domain/exemptions.js'
import { errorMessage } from '../kit/errors.js'
import type { AuditSettings } from '../domain/settings.js'
import type { RootKeyCheck, ScanInfo } from '../domain/scan-info.js'
import type { AccessKey, Exemption, ScanError } from '../domain/types.js'
import { dueSoonIdNeed, type SlotKey } from '../domain/key-naming.js'
import type { ReportFetchOptions } from './credential-report/fetch.js'
import { readTagsAndGroups } from './user-details.js'
import { scanKeys } from './method.js'

export interface AccountScan {
  keys: AccessKey[]
  userCount: number
  errors: ScanError[]
  /** How the keys were read; also in the JSON report as `report.scan`. */
  info: ScanInfo
  /**
   * Ages (days) of the ok keys the credential report counted but that are not in `keys` (no key
   * ID); empty after the API walk.
   */
  unlistedOkAgeDays: number[]
  /** Users the report shows with two active keys, not read live (keys named by slot). */
  reportedPairs: TwoActiveKeys[]
  /** Due-soon keys named by slot (their users not read live): classed with their exemptions. */
  slotKeys: SlotKey[]
  /** Tags of the users with a flagged key (exemptions, lifecycle records). */
  tags: Map<string, Map<string, string>>
  /** Groups of those users, when exempt-groups is set. */
  groups: Map<string, string[]>
  /** Users whose exemptions could not be read: their keys must not be acted on. */
  unreadable: Set<string>
}

export interface AccountScanOptions {
  /** Credential report polling (tests shorten the waits). */
  report?: ReportFetchOptions
}

/** Users that have a key an exemption could change; only they need tags and groups read. */
function usersToInspect(
  keys: readonly (AccessKey | SlotKey)[],
  settings: AuditSettings,
  at: Date
): string[] {
  const users = new Set<string>()
  for (const key of keys) {
    if (classifyRaw(key, at, settings.thresholds) === 'ok') continue
    if (excludedBy(key.userName, settings.excludeUsers)) continue
    users.add(key.userName)
  }
  return [...users]
}

/**
 * GetAccountSummary in every audit, whatever the scan method: the only call that tells whether
 * the root user has access keys without the credential report. A denial is reported, not fatal
 * (a role set up before this check lacks iam:GetAccountSummary).
 */
async function checkRootKeys(iam: IamClient): Promise<RootKeyCheck> {
  try {
    const present = await rootAccessKeysPresent(iam)
    return present === undefined
      ? { error: 'GetAccountSummary answered without AccountAccessKeysPresent' }
      : { present }
  } catch (error) {
    return { error: `iam:GetAccountSummary failed: ${errorMessage(error)}` }
  }
}

/** `at` is the audit's one instant: the scan decides which last uses it needs for this time. */
export async function scanAccount(
  iam: IamClient,
  settings: AuditSettings,
  at: Date,
  options: AccountScanOptions = {}
): Promise<AccountScan> {
  // An exemption by tag that has expired holds nothing: the user's groups may still exempt it.
  const tagHolds = (e: Exemption | undefined): boolean =>
    e !== undefined && exemptionStatus(e, at, settings.exemptionMaxDays) !== 'expired'
  const dueSoonIds = dueSoonIdNeed(settings)
  const scan = await scanKeys(iam, {
    method: settings.scanMethod,
    concurrency: settings.concurrency,
    thresholds: settings.thresholds,
    at,
    report: options.report,
    dueSoonIds
  })
  const rootKeyCheck = await checkRootKeys(iam)
  // Only users with a flagged key need tags and groups: one ListUserTags per such user, or one
  // GetAccountAuthorizationDetails walk of the account when that is fewer calls.
  const details = await readTagsAndGroups(
    iam,
    usersToInspect([...scan.keys, ...scan.slotKeys], settings, at),
    {
      userCount: scan.userCount,
      withGroups: settings.remediation.exemptGroups.length > 0,
      groupsNeeded: (_, userTags) => !tagHolds(exemptByTag(userTags, settings.exemptTag)),
      concurrency: settings.concurrency
    }
  )
  const { tags, groups } = details
  return {
    keys: scan.keys,
    userCount: scan.userCount,
    errors: [...scan.errors, ...details.errors],
    info:
      scan.info.method === 'credential-report'
        ? {
            ...scan.info,
            credentialReport: { ...scan.info.credentialReport, dueSoonIdsFor: dueSoonIds.reasons },
            rootKeyCheck
          }
        : { ...scan.info, rootKeyCheck },
    unlistedOkAgeDays: scan.unlistedOkAgeDays,
    reportedPairs: scan.reportedPairs,
    slotKeys: scan.slotKeys,
    tags,
    groups,
    unreadable: new Set(details.errors.map((e) => e.scope))
  }
}
