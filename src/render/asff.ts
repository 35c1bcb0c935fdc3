// A finding in the AWS Security Finding Format, as BatchImportFindings takes it (ASFF 2018-10-08;
// AWS Security Hub User Guide, "Required top-level attributes" and "Resources"). Pure: the
// adapter (src/aws/security-hub.ts) sends these objects as they are.
import {
  GENERATOR_ID,
  type SecurityFinding,
  type StoredFinding,
  type FindingGenerator,
  type SecurityFindingKind,
  type SeverityLabel
} from '../domain/security-findings.js'
import type { Partition } from './links.js'

/** The ASFF fields this action writes; a subset of the SDK's AwsSecurityFinding. */
export interface AsffFinding {
  SchemaVersion: '2018-10-08'
  Id: string
  ProductArn: string
  GeneratorId: string
  AwsAccountId: string
  Types: string[]
  CreatedAt: string
  UpdatedAt: string
  FirstObservedAt: string
  LastObservedAt: string
  Severity: { Label: SeverityLabel }
  Title: string
  Description: string
  Remediation: { Recommendation: { Text: string; Url?: string } }
  SourceUrl?: string
  ProductName: string
  CompanyName: string
  Region: string
  RecordState: 'ACTIVE'
  ProductFields: Record<string, string>
  Resources: AsffResource[]
}

interface AsffResource {
  Type: 'AwsIamAccessKey' | 'AwsIamUser' | 'AwsAccount'
  Id: string
  Partition: Partition
  Region: string
  Details?: {
    AwsIamUser?: { UserName: string }
    AwsIamAccessKey?: {
      Status: 'Active' | 'Inactive'
      CreatedAt: string
      PrincipalName?: string
      PrincipalType?: 'IAMUser'
    }
  }
}

/** Where a run imports: the account's own default product (a custom integration's ARN). */
export function productArn(partition: Partition, region: string, accountId: string): string {
  return `arn:${partition}:securityhub:${region}:${accountId}:product/${accountId}/default`
}

/** Product fields the action reads back to know its findings (names under its own prefix). */
const FIELD = {
  kind: 'iam-key-sentinel/kind',
  userName: 'iam-key-sentinel/userName',
  accessKeyId: 'iam-key-sentinel/accessKeyId'
} as const

/** ASFF's namespace/category/classifier types for a finding of this kind. */
const TYPES: Record<SecurityFindingKind, string> = {
  'exposure-revoked': 'Unusual Behaviors/User/Exposed access key',
  'root-access-keys':
    'Software and Configuration Checks/AWS Security Best Practices/Root access keys',
  overdue: 'Software and Configuration Checks/AWS Security Best Practices/Access key rotation',
  'due-soon': 'Software and Configuration Checks/AWS Security Best Practices/Access key rotation',
  unused: 'Software and Configuration Checks/AWS Security Best Practices/Unused credentials',
  'two-active-keys':
    'Software and Configuration Checks/AWS Security Best Practices/Access key rotation'
}

/** AWS's guide on managing access keys, the same for every kind. */
const GUIDE_URL = 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html'

function resources(f: SecurityFinding, partition: Partition, region: string): AsffResource[] {
  const user: AsffResource[] = f.userName
    ? [
        {
          Type: 'AwsIamUser',
          Id: `arn:${partition}:iam::${f.accountId}:user/${f.userName}`,
          Partition: partition,
          Region: region,
          Details: { AwsIamUser: { UserName: f.userName } }
        }
      ]
    : []
  const key: AsffResource[] = f.key
    ? [
        {
          Type: 'AwsIamAccessKey',
          Id: f.key.accessKeyId,
          Partition: partition,
          Region: region,
          Details: {
            AwsIamAccessKey: {
              Status: f.key.status,
              CreatedAt: f.key.createDate.toISOString(),
              ...(f.userName ? { PrincipalName: f.userName, PrincipalType: 'IAMUser' } : {})
            }
          }
        }
      ]
    : []
  const account: AsffResource[] =
    user.length + key.length === 0
      ? [
          {
            Type: 'AwsAccount',
            Id: `AWS::::Account:${f.accountId}`,
            Partition: partition,
            Region: region
          }
        ]
      : []
  return [...key, ...user, ...account]
}

export interface AsffContext {
  partition: Partition
  region: string
  /** This run's instant: UpdatedAt and LastObservedAt. */
  now: Date
}

/**
 * The ASFF of one finding. `since` carries the stored finding's CreatedAt and FirstObservedAt:
 * re-importing the same Id updates the finding in place, and only UpdatedAt and LastObservedAt
 * move (Security Hub User Guide, "BatchImportFindings": UpdatedAt must be later for the update).
 */
export function renderAsff(
  f: SecurityFinding,
  ctx: AsffContext,
  since: { createdAt?: string; firstObservedAt?: string } = {}
): AsffFinding {
  const now = ctx.now.toISOString()
  const created = since.createdAt ?? now
  return {
    SchemaVersion: '2018-10-08',
    Id: f.id,
    ProductArn: productArn(ctx.partition, ctx.region, f.accountId),
    GeneratorId: GENERATOR_ID[f.generator],
    AwsAccountId: f.accountId,
    Types: [TYPES[f.kind]],
    CreatedAt: created,
    UpdatedAt: now,
    FirstObservedAt: since.firstObservedAt ?? created,
    LastObservedAt: now,
    Severity: { Label: f.severity },
    Title: f.title,
    Description: f.description,
    Remediation: { Recommendation: { Text: f.remediation, Url: GUIDE_URL } },
    ...(f.issueUrl ? { SourceUrl: f.issueUrl } : {}),
    ProductName: 'IAM Key Sentinel',
    CompanyName: 'IAM Key Sentinel',
    Region: ctx.region,
    RecordState: 'ACTIVE',
    ProductFields: {
      [FIELD.kind]: f.kind,
      ...(f.userName ? { [FIELD.userName]: f.userName } : {}),
      ...(f.key ? { [FIELD.accessKeyId]: f.key.accessKeyId } : {})
    },
    Resources: resources(f, ctx.partition, ctx.region)
  }
}

const GENERATORS = Object.entries(GENERATOR_ID) as [FindingGenerator, string][]
const KINDS = new Set<string>(Object.keys(TYPES))

/**
 * One finding as GetFindings returns it, read back; undefined for a finding some other product
 * or generator wrote (an emulator that ignores the filters may return those too).
 */
export function storedFinding(
  raw: {
    Id?: string
    ProductArn?: string
    GeneratorId?: string
    CreatedAt?: string
    FirstObservedAt?: string
    ProductFields?: Record<string, string>
    Workflow?: { Status?: string }
    RecordState?: string
  },
  product: string
): StoredFinding | undefined {
  const generator = GENERATORS.find(([, id]) => id === raw.GeneratorId)?.[0]
  if (!raw.Id || !generator || raw.ProductArn !== product || raw.RecordState === 'ARCHIVED')
    return undefined
  const fields = raw.ProductFields ?? {}
  const kind = fields[FIELD.kind]
  return {
    id: raw.Id,
    generator,
    ...(kind && KINDS.has(kind) ? { kind: kind as SecurityFindingKind } : {}),
    ...(fields[FIELD.userName] ? { userName: fields[FIELD.userName] } : {}),
    ...(fields[FIELD.accessKeyId] ? { accessKeyId: fields[FIELD.accessKeyId] } : {}),
    createdAt: raw.CreatedAt ?? '',
    ...(raw.FirstObservedAt ? { firstObservedAt: raw.FirstObservedAt } : {}),
    workflowStatus: raw.Workflow?.Status ?? 'NEW'
  }
}
