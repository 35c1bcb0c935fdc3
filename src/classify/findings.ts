// Classification of an account's scan: every key classed by the rules and its exemption, the
// counts, and the audit report they make. Pure.
import { byUrgency, classify, classifySlot, countClasses } from '../domain/classify.js'
import { exemptionInventory, usersWithTwoActiveKeys } from '../domain/account-findings.js'
import { excludedBy, exemptByGroup, exemptByOwnersFile, exemptByTag } from '../domain/exemptions.js'
import type { Exemption } from '../domain/types.js'
import type { AuditSettings } from '../domain/settings.js'
import { REPORT_SCHEMA_VERSION, type AuditReport } from '../domain/report.js'
import type { ScanInfo } from '../domain/scan-info.js'
import type { AccountScan } from '../scan/account.js'

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

/** Every exemption that covers the user, most reviewed source first: the first unexpired one holds. */
function exemptionsOf(
  userName: string,
  scan: AccountScan,
  settings: ExemptionSettings
): Exemption[] {
  return [
    excludedBy(userName, settings.excludeUsers),
    ...exemptByOwnersFile(userName, settings.owners),
    exemptByTag(scan.tags.get(userName), settings.exemptTag),
    exemptByGroup(scan.groups.get(userName), settings.remediation.exemptGroups)
  ].filter((e): e is Exemption => e !== undefined)
}

type ExemptionSettings = Pick<
  AuditSettings,
  'excludeUsers' | 'exemptTag' | 'remediation' | 'owners' | 'exemptionMaxDays'
>

export function classifyAccount(
  scan: AccountScan,
  settings: Pick<AuditSettings, 'thresholds'> & ExemptionSettings,
  account: { accountId: string; accountAlias?: string },
  at: Date
): Audit {
  const t = settings.thresholds
  const maxDays = settings.exemptionMaxDays
  const findings = scan.keys
    .map((key) => classify(key, at, t, exemptionsOf(key.userName, scan, settings), maxDays))
    .sort(byUrgency)
  // Due-soon keys only the credential report saw are listed by slot; the rest are ok: counted.
  const slotFindings = scan.slotKeys
    .flatMap((key) => {
      const f = classifySlot(key, at, t, exemptionsOf(key.userName, scan, settings), maxDays)
      return f ? [f] : []
    })
    .sort(
      (a, b) => b.ageDays - a.ageDays || a.userName.localeCompare(b.userName) || a.slot - b.slot
    )
  const counts = countClasses(findings)
  for (const f of slotFindings) counts[f.class]++
  counts.ok += scan.unlistedOkAgeDays.length + (scan.slotKeys.length - slotFindings.length)
  counts.total += scan.unlistedOkAgeDays.length + scan.slotKeys.length

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
    ...(slotFindings.length > 0 ? { keysBySlot: slotFindings } : {}),
    errors: scan.errors,
    scan: scan.info,
    exemptions: exemptionInventory([...findings, ...slotFindings], maxDays),
    twoActiveKeys: usersWithTwoActiveKeys(findings, scan.reportedPairs)
  }
  return {
    report,
    tags: scan.tags,
    unreadable: scan.unreadable,
    now: at,
    scan: scan.info,
    unlistedOkAgeDays: scan.unlistedOkAgeDays
  }
}
