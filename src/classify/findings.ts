// The audit: scan (by scan-method), read what exemptions and lifecycle records need, classify.
// Returns the report plus the per-user context later stages (remediation) rely on.
import type { IAMClient } from '@aws-sdk/client-iam'
import { byUrgency, classify, classifyRaw, countClasses } from '../domain/classify.js'
import type { ReportFetchOptions } from '../scan/credential-report/fetch.js'
import { excludedBy, exemptByGroup, exemptByTag } from '../domain/exemptions.js'
import type { Settings } from '../inputs/settings.js'
import { REPORT_SCHEMA_VERSION, type AuditReport } from '../deliver/report.js'
import type { ScanInfo } from '../domain/scan-info.js'
import { scanKeys } from '../scan/method.js'
import { readTagsAndGroups } from '../scan/user-details.js'
import type { AccessKey } from '../domain/types.js'

export interface Audit {
  report: AuditReport
  /** Tags of the users with a flagged key (exemptions, lifecycle records). */
  tags: Map<string, Map<string, string>>
  /** Users whose exemptions could not be read: their keys must not be acted on. */
  unreadable: Set<string>
  now: Date
  /** How the keys were read; also in the JSON report as `report.scan`. */
  scan: ScanInfo
  /**
   * Ages (days) of the ok keys the credential report counted but that are not in `report.keys`
   * (no key ID); empty after the API walk. For the age chart, with `report.keys`.
   */
  unlistedOkAgeDays: number[]
}

export interface AuditOptions {
  /** Credential report polling (tests shorten the waits). */
  report?: ReportFetchOptions
}

/** Users that have a key an exemption could change; only they need tags and groups read. */
function usersToInspect(keys: readonly AccessKey[], settings: Settings, now: Date): string[] {
  const users = new Set<string>()
  for (const key of keys) {
    if (classifyRaw(key, now, settings.thresholds) === 'ok') continue
    if (excludedBy(key.userName, settings.excludeUsers)) continue
    users.add(key.userName)
  }
  return [...users]
}

export async function runAudit(
  iam: IAMClient,
  settings: Settings,
  account: { accountId: string; accountAlias?: string },
  now: () => Date = () => new Date(),
  options: AuditOptions = {}
): Promise<Audit> {
  // One instant for the whole audit: the scan decides which last uses it needs for this time.
  const at = now()
  const t = settings.thresholds
  const scan = await scanKeys(iam, {
    method: settings.scanMethod ?? 'auto',
    concurrency: settings.concurrency,
    thresholds: t,
    at,
    report: options.report
  })
  const errorsBefore = new Set(scan.errors)

  // Only users with a flagged key need tags and groups: one ListUserTags per such user, or one
  // GetAccountAuthorizationDetails walk of the account when that is fewer calls.
  const inspect = usersToInspect(scan.keys, settings, at)
  const exemptGroups = settings.remediation.exemptGroups
  const { tags, groups } = await readTagsAndGroups(
    iam,
    inspect,
    {
      userCount: scan.userCount,
      withGroups: exemptGroups.length > 0,
      groupsNeeded: (_, userTags) => !exemptByTag(userTags, settings.exemptTag),
      concurrency: settings.concurrency
    },
    scan.errors
  )
  const unreadable = new Set(scan.errors.filter((e) => !errorsBefore.has(e)).map((e) => e.scope))

  const findings = scan.keys
    .map((key) => {
      const exemption =
        excludedBy(key.userName, settings.excludeUsers) ??
        exemptByTag(tags.get(key.userName), settings.exemptTag) ??
        exemptByGroup(groups.get(key.userName), exemptGroups)
      return classify(key, at, t, exemption)
    })
    .sort(byUrgency)
  // Keys only the credential report saw are ok by construction: counted, not listed.
  const counts = countClasses(findings)
  counts.ok += scan.unlistedOkAgeDays.length
  counts.total += scan.unlistedOkAgeDays.length

  const report: AuditReport = {
    tool: 'iam-key-sentinel',
    schemaVersion: REPORT_SCHEMA_VERSION,
    accountId: account.accountId,
    ...(account.accountAlias ? { accountAlias: account.accountAlias } : {}),
    generatedAt: at.toISOString(),
    thresholds: t,
    userCount: scan.userCount,
    counts,
    keys: findings,
    errors: scan.errors,
    scan: scan.info
  }
  return {
    report,
    tags,
    unreadable,
    now: at,
    scan: scan.info,
    unlistedOkAgeDays: scan.unlistedOkAgeDays
  }
}
