// The audit: scan, read what exemptions and lifecycle records need, classify.
// Returns the report plus the per-user context later stages (remediation) rely on.
import type { IAMClient } from '@aws-sdk/client-iam'
import { byUrgency, classify, classifyRaw, countClasses } from './classify.js'
import { excludedBy, exemptByGroup, exemptByTag } from './exemptions.js'
import type { Settings } from './inputs.js'
import { REPORT_SCHEMA_VERSION, type AuditReport } from './report.js'
import { readUserGroups, readUserTags, scanAccessKeys } from './scan.js'
import type { AccessKey } from './types.js'

export interface Audit {
  report: AuditReport
  /** Tags of the users with a flagged key (exemptions, lifecycle records). */
  tags: Map<string, Map<string, string>>
  /** Users whose exemptions could not be read: their keys must not be acted on. */
  unreadable: Set<string>
  now: Date
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
  now: () => Date = () => new Date()
): Promise<Audit> {
  const scan = await scanAccessKeys(iam, settings.concurrency)
  const at = now()
  const t = settings.thresholds
  const errorsBefore = new Set(scan.errors)

  // A large, healthy account costs one ListUserTags call per flagged user, not per user.
  const inspect = usersToInspect(scan.keys, settings, at)
  const tags = await readUserTags(iam, inspect, settings.concurrency, scan.errors)
  const exemptGroups = settings.remediation.exemptGroups
  const groups =
    exemptGroups.length > 0
      ? await readUserGroups(
          iam,
          inspect.filter((u) => !exemptByTag(tags.get(u), settings.exemptTag)),
          settings.concurrency,
          scan.errors
        )
      : new Map<string, string[]>()
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

  const report: AuditReport = {
    tool: 'iam-key-sentinel',
    schemaVersion: REPORT_SCHEMA_VERSION,
    accountId: account.accountId,
    ...(account.accountAlias ? { accountAlias: account.accountAlias } : {}),
    generatedAt: at.toISOString(),
    thresholds: t,
    userCount: scan.userCount,
    counts: countClasses(findings),
    keys: findings,
    errors: scan.errors
  }
  return { report, tags, unreadable, now: at }
}
