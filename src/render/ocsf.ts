// The run's findings as OCSF Detection Findings (schema 1.7.0: class Detection Finding, uid 2004,
// in category Findings, uid 2), one JSON object a line for a SIEM to ingest. Pure. The attribute
// names, requirements and enums follow the schema at https://schema.ocsf.io/1.7.0/classes/detection_finding
// (base event, finding and the cloud profile); test/fixtures/ocsf holds the JSON Schema the
// tests check each line against.
import type { SecurityFinding, SeverityLabel } from '../domain/security-findings.js'
import type { Partition } from './links.js'

const OCSF_VERSION = '1.7.0'

const CLASS = { uid: 2004, name: 'Detection Finding' } as const
const CATEGORY = { uid: 2, name: 'Findings' } as const
/** activity_id 1: Create. Each line is a finding as this run observed it. */
const ACTIVITY = { id: 1, name: 'Create' } as const

/** OCSF severity_id: 2 Low, 3 Medium, 4 High, 5 Critical. */
const SEVERITY: Record<SeverityLabel, { id: number; name: string }> = {
  LOW: { id: 2, name: 'Low' },
  MEDIUM: { id: 3, name: 'Medium' },
  HIGH: { id: 4, name: 'High' },
  CRITICAL: { id: 5, name: 'Critical' }
}

export interface OcsfContext {
  partition: Partition
  region: string
  /** The report's time, when the run observed the findings. */
  time: Date
}

function resources(f: SecurityFinding, ctx: OcsfContext): Record<string, unknown>[] {
  const base = { cloud_partition: ctx.partition, region: ctx.region }
  const owner = f.userName ? { owner: { name: f.userName, type_id: 1, type: 'User' } } : {}
  const key = f.key
    ? [
        {
          uid: f.key.accessKeyId,
          name: f.key.accessKeyId,
          type: 'AWS::IAM::AccessKey',
          ...base,
          ...owner,
          data: { status: f.key.status, created_time: f.key.createDate.toISOString() }
        }
      ]
    : []
  const user = f.userName
    ? [
        {
          uid: `arn:${ctx.partition}:iam::${f.accountId}:user/${f.userName}`,
          name: f.userName,
          type: 'AWS::IAM::User',
          ...base
        }
      ]
    : []
  const account =
    key.length + user.length === 0
      ? [{ uid: f.accountId, name: f.accountId, type: 'AWS::::Account', ...base }]
      : []
  return [...key, ...user, ...account]
}

/** One finding as an OCSF Detection Finding event. */
function renderOcsf(f: SecurityFinding, ctx: OcsfContext): Record<string, unknown> {
  const time = ctx.time.getTime()
  const severity = SEVERITY[f.severity]
  return {
    activity_id: ACTIVITY.id,
    activity_name: ACTIVITY.name,
    category_uid: CATEGORY.uid,
    category_name: CATEGORY.name,
    class_uid: CLASS.uid,
    class_name: CLASS.name,
    type_uid: CLASS.uid * 100 + ACTIVITY.id,
    type_name: `${CLASS.name}: ${ACTIVITY.name}`,
    severity_id: severity.id,
    severity: severity.name,
    status_id: 1,
    status: 'New',
    time,
    is_alert: true,
    confidence_id: 3,
    confidence: 'High',
    message: f.title,
    metadata: {
      version: OCSF_VERSION,
      profiles: ['cloud'],
      product: {
        name: 'IAM Key Sentinel',
        vendor_name: 'IAM Key Sentinel'
      },
      uid: `${f.id}@${ctx.time.toISOString()}`
    },
    finding_info: {
      uid: f.id,
      title: f.title,
      desc: f.description,
      types: [f.kind],
      created_time: time,
      analytic: { name: f.kind, type_id: 1, type: 'Rule' },
      ...(f.issueUrl ? { src_url: f.issueUrl } : {})
    },
    cloud: {
      provider: 'AWS',
      region: ctx.region,
      account: { uid: f.accountId, type_id: 10, type: 'AWS Account' }
    },
    resources: resources(f, ctx),
    remediation: { desc: f.remediation }
  }
}

/** The OCSF file: one event a line, each line ending in a newline ('' for no findings). */
export function renderOcsfLines(findings: readonly SecurityFinding[], ctx: OcsfContext): string {
  return findings.map((f) => `${JSON.stringify(renderOcsf(f, ctx))}\n`).join('')
}
