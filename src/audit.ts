// The audit: scan, read the exemption tags that matter, classify. Returns the report
// and leaves rendering and outputs to the caller.
import type { IAMClient } from '@aws-sdk/client-iam'
import { byUrgency, classify, classifyRaw, countClasses } from './classify.js'
import { excludedBy, exemptByTag } from './exemptions.js'
import type { Settings } from './inputs.js'
import { REPORT_SCHEMA_VERSION, type AuditReport } from './report.js'
import { readUserTags, scanAccessKeys } from './scan.js'

export async function runAudit(
  iam: IAMClient,
  settings: Settings,
  account: { accountId: string; accountAlias?: string },
  now: () => Date = () => new Date()
): Promise<AuditReport> {
  const scan = await scanAccessKeys(iam, settings.concurrency)
  const at = now()
  const t = settings.thresholds

  // Tags are read only for users that have a key an exemption could change, which keeps
  // a large, healthy account at one ListUserTags call per flagged user instead of per user.
  const needsTags = new Set<string>()
  if (settings.exemptTag) {
    for (const key of scan.keys) {
      if (classifyRaw(key, at, t) !== 'ok' && !excludedBy(key.userName, settings.excludeUsers)) {
        needsTags.add(key.userName)
      }
    }
  }
  const tags = await readUserTags(iam, [...needsTags], settings.concurrency, scan.errors)

  const findings = scan.keys
    .map((key) => {
      const exemption =
        excludedBy(key.userName, settings.excludeUsers) ??
        exemptByTag(tags.get(key.userName), settings.exemptTag)
      return classify(key, at, t, exemption)
    })
    .sort(byUrgency)

  return {
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
}
