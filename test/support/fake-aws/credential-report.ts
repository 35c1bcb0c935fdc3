// IAM credential report: AWS's CSV, snapshotted when generated.
import type { Ctx } from './context.js'
import { AwsError } from './errors.js'
import type { FakeAccount, FakeKey, FakeUser } from './types.js'
import { DEFAULT_DATE, sortedByName, userArn, wholeSeconds } from './util.js'
import type { XmlFields } from './xml.js'

const REPORT_COLUMNS = [
  'user',
  'arn',
  'user_creation_time',
  'password_enabled',
  'password_last_used',
  'password_last_changed',
  'password_next_rotation',
  'mfa_active',
  'access_key_1_active',
  'access_key_1_last_rotated',
  'access_key_1_last_used_date',
  'access_key_1_last_used_region',
  'access_key_1_last_used_service',
  'access_key_2_active',
  'access_key_2_last_rotated',
  'access_key_2_last_used_date',
  'access_key_2_last_used_region',
  'access_key_2_last_used_service',
  'cert_1_active',
  'cert_1_last_rotated',
  'cert_2_active',
  'cert_2_last_rotated'
]

/** The report writes times as ISO 8601 with an explicit +00:00 offset. */
const reportDate = (date: Date): string => date.toISOString().replace(/\.\d{3}Z$/, '+00:00')

const NO_CERTS = ['false', 'N/A', 'false', 'N/A']

function keyColumns(key: FakeKey | undefined): string[] {
  if (!key) return ['false', 'N/A', 'N/A', 'N/A', 'N/A']
  const used = key.lastUsed
  return [
    String(key.status === 'Active'),
    reportDate(key.createDate),
    used ? reportDate(used.date) : 'N/A',
    used?.region ?? 'N/A',
    used?.serviceName ?? 'N/A'
  ]
}

/** The root row: password columns are not_supported, certificates absent; keys when modelled. */
function rootRow(account: FakeAccount): string[] {
  const identity = [
    '<root_account>',
    `arn:aws:iam::${account.accountId}:root`,
    reportDate(DEFAULT_DATE)
  ]
  const password = ['not_supported', 'no_information', 'not_supported', 'not_supported', 'false']
  const keys = byCreation(account.rootKeys ?? [])
  return [...identity, ...password, ...keyColumns(keys[0]), ...keyColumns(keys[1]), ...NO_CERTS]
}

const byCreation = (keys: readonly FakeKey[]): FakeKey[] =>
  [...keys].sort((a, b) => a.createDate.getTime() - b.createDate.getTime())

/** Modelled users have no console password or MFA; key 1 is the older key. */
function userRow(account: FakeAccount, user: FakeUser): string[] {
  const keys = byCreation(user.keys)
  const identity = [
    user.userName,
    userArn(account, user),
    reportDate(user.createDate ?? DEFAULT_DATE)
  ]
  const password = ['false', 'N/A', 'N/A', 'N/A', 'false']
  return [...identity, ...password, ...keyColumns(keys[0]), ...keyColumns(keys[1]), ...NO_CERTS]
}

/** AWS never needs quoting (names cannot hold commas); hostile test names still get RFC 4180. */
const csvField = (value: string): string =>
  /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value

/** The account's credential report CSV, exactly as GetCredentialReport serves it. */
export function credentialReportCsv(account: FakeAccount, unquoted = false): string {
  const users = sortedByName(account.users)
  const rows = [REPORT_COLUMNS, rootRow(account), ...users.map((u) => userRow(account, u))]
  return rows.map((row) => row.map(unquoted ? String : csvField).join(',')).join('\n')
}

export function generateCredentialReport(ctx: Ctx): XmlFields {
  const { account } = ctx.caller
  const { generationMs, reuseMs, unquoted } = ctx.state.options.credentialReport
  const now = ctx.state.options.credentialReport.now()
  const current = ctx.state.reports.get(account.accountId)
  if (current && now < current.readyAt) return { State: 'INPROGRESS' }
  // A report that finished since the last call is COMPLETE once, whatever reuseMs says.
  const fresh = current !== undefined && !current.announced
  if (current && (fresh || now - current.generatedAt.getTime() < reuseMs)) {
    current.announced = true
    return { State: 'COMPLETE' }
  }
  const csv = credentialReportCsv(account, unquoted)
  const announced = generationMs === 0
  const report = { csv, generatedAt: wholeSeconds(now), readyAt: now + generationMs, announced }
  ctx.state.reports.set(account.accountId, report)
  return { State: announced ? 'COMPLETE' : 'STARTED' }
}

export function getCredentialReport(ctx: Ctx): XmlFields {
  const report = ctx.state.reports.get(ctx.caller.account.accountId)
  if (!report) {
    throw new AwsError(
      410,
      'ReportNotPresent',
      'Credential report not present. Use GenerateCredentialReport to generate a report.'
    )
  }
  const options = ctx.state.options.credentialReport
  if (options.now() < report.readyAt) {
    throw new AwsError(404, 'ReportInProgress', 'Credential report is being generated.')
  }
  const content = Buffer.from(report.csv, 'utf8').toString('base64')
  const generatedTime = new Date(report.generatedAt.getTime() - options.generatedAgeMs)
  return { Content: content, ReportFormat: 'text/csv', GeneratedTime: generatedTime }
}
