// A run's findings for security tools (Security Hub, a SIEM): the audit's flagged keys, users
// with two active keys and root keys; incident mode's exposed keys. Pure, plain text: the
// formats (asff.ts, ocsf.ts) only map these.
import { rootKeysOf } from '../domain/scan-info.js'
import type { AuditReport } from '../domain/report.js'
import {
  SEVERITY_OF,
  securityFindingId,
  type SecurityFinding,
  type SecurityFindingKind
} from '../domain/security-findings.js'
import type { Finding } from '../domain/types.js'
import type { IncidentKeyResult } from '../domain/incident.js'
import { plainText as plain } from '../kit/text/plain.js'
import type { IncidentReport } from './incident.js'
import { changedTo, deadlineText, idleText, plural, thresholdsPlain } from './wording.js'

/** ASFF caps Title at 256 characters, Description at 1024 and Recommendation.Text at 512. */
const TITLE_MAX = 256
const DESCRIPTION_MAX = 1024
const REMEDIATION_MAX = 512

/** The key classes that are findings of their own. */
const KEY_KINDS = new Set<Finding['class']>(['overdue', 'unused', 'due-soon'])

type Texts = Pick<SecurityFinding, 'title' | 'description' | 'remediation'>

function keyTexts(f: Finding, report: AuditReport): Texts {
  const user = plain(f.userName, 64)
  const key = `${f.accessKeyId} of IAM user ${user}`
  const limits = `Policy: ${thresholdsPlain(report.thresholds)}`
  switch (f.class) {
    case 'overdue':
      return {
        title: `Access key ${key} is overdue for rotation`,
        description: `The key is ${plural(f.ageDays, 'day')} old; its rotation deadline was ${deadlineText(f, report.thresholds.maxAgeDays)}. ${limits}.`,
        remediation: `Create a new key for ${user}, move its consumers to it, then deactivate and delete ${f.accessKeyId}.`
      }
    case 'unused':
      return {
        title: `Access key ${key} is unused`,
        description: `The key has not been used for ${idleText(f)}. ${limits}.`,
        remediation: `Deactivate ${f.accessKeyId} and, once nothing breaks, delete it; an unused key is only a risk.`
      }
    default:
      return {
        title: `Access key ${key} is due for rotation soon`,
        description: `The key is ${plural(f.ageDays, 'day')} old; rotate it by ${deadlineText(f, report.thresholds.maxAgeDays)}. ${limits}.`,
        remediation: `Create a new key for ${user} and move its consumers to it before the deadline, then delete ${f.accessKeyId}.`
      }
  }
}

function clipped(texts: Texts): Texts {
  return {
    title: plain(texts.title, TITLE_MAX),
    description: plain(texts.description, DESCRIPTION_MAX),
    remediation: plain(texts.remediation, REMEDIATION_MAX)
  }
}

/** Every finding of an audit; `issueUrls` links a key to its GitHub issue. */
export function auditSecurityFindings(
  report: AuditReport,
  issueUrls: ReadonlyMap<string, string> = new Map()
): SecurityFinding[] {
  const { accountId } = report
  const keys = report.keys
    .filter((f) => KEY_KINDS.has(f.class))
    .map((f): SecurityFinding => {
      const url = issueUrls.get(f.accessKeyId)
      const kind = f.class as SecurityFindingKind
      return {
        id: securityFindingId(accountId, { accessKeyId: f.accessKeyId }),
        generator: 'audit',
        kind,
        severity: SEVERITY_OF[kind],
        ...clipped(keyTexts(f, report)),
        accountId,
        userName: f.userName,
        key: { accessKeyId: f.accessKeyId, status: f.status, createDate: f.createDate },
        ...(url ? { issueUrl: url } : {})
      }
    })
  const pairs = (report.twoActiveKeys ?? []).map((pair): SecurityFinding => {
    const user = plain(pair.userName, 64)
    const names = pair.keys.map((k) => k.accessKeyId ?? `slot ${k.slot}`).join(' and ')
    return {
      id: securityFindingId(accountId, { userName: pair.userName, twoActiveKeys: true }),
      generator: 'audit',
      kind: 'two-active-keys',
      severity: SEVERITY_OF['two-active-keys'],
      ...clipped({
        title: `IAM user ${user} has two active access keys`,
        description: `Both of the user's keys are active (${names}): usually a rotation left half done.`,
        remediation: `Find which key ${user}'s consumers use, then deactivate and delete the other one.`
      }),
      accountId,
      userName: pair.userName
    }
  })
  const root = rootKeysOf(report.scan)
  const rootFinding: SecurityFinding[] = root.present
    ? [
        {
          id: securityFindingId(accountId, { root: true }),
          generator: 'audit',
          kind: 'root-access-keys',
          severity: SEVERITY_OF['root-access-keys'],
          ...clipped({
            title: `The root user of account ${accountId} has access keys`,
            description:
              'Access keys of the root user can do anything in the account and cannot be limited by any policy.',
            remediation:
              'Sign in as the root user, delete its access keys, and give the tasks that used them an IAM role.'
          }),
          accountId
        }
      ]
    : []
  return [...rootFinding, ...keys, ...pairs]
}

function exposureTexts(k: IncidentKeyResult, report: IncidentReport, user: string): Texts {
  const done = changedTo(report.action)
  const what =
    k.outcome === 'revoked'
      ? `was ${done}`
      : k.outcome === 'already-inactive'
        ? 'was already inactive'
        : k.outcome === 'planned'
          ? `would be ${done} (dry run)`
          : `could not be ${done}: ${k.error ?? 'unknown error'}`
  return {
    title: `Exposed access key ${k.accessKeyId} of IAM user ${user} ${k.outcome === 'failed' ? 'is still active' : 'was revoked'}`,
    description: `Incident mode answered an exposure of the key: it ${what}.${k.sessions?.ok ? ' Its sessions were revoked.' : ''}`,
    remediation:
      'Review what the key did (CloudTrail) and the roles it reached, rotate the secrets it could read, then delete the key.'
  }
}

/** The exposed keys of an incident, each a finding of its own (not the audit's: another ID). */
export function incidentSecurityFindings(report: IncidentReport): SecurityFinding[] {
  return report.keys
    .filter((k) => k.unusableEntity === undefined)
    .map((k): SecurityFinding => {
      const user = plain(k.userName ?? 'unknown user', 64)
      const change = k.change
      return {
        id: securityFindingId(report.accountId, { accessKeyId: k.accessKeyId, exposure: true }),
        generator: 'exposure',
        kind: 'exposure-revoked',
        severity: SEVERITY_OF['exposure-revoked'],
        ...clipped(exposureTexts(k, report, user)),
        accountId: report.accountId,
        ...(k.userName ? { userName: k.userName } : {}),
        ...(change?.before
          ? {
              key: {
                accessKeyId: k.accessKeyId,
                status: change.after?.status === 'Active' ? 'Active' : 'Inactive',
                createDate: new Date(change.before.createDate)
              }
            }
          : {})
      }
    })
}
