// Reads and validates every input before anything touches AWS or GitHub, into the settings of
// one mode. Pure over a getter, so the table of bad inputs is unit-tested without a runner.
import type {
  ActivityFor,
  DashboardSettings,
  ActivitySettings,
  IssueFor,
  IssueSettings,
  NotifyOn,
  NotifySettings,
  RemediationSettings,
  ScanMethod,
  Settings
} from '../domain/settings.js'
import type { FailOn, RemediationAction } from '../domain/types.js'
import { readConnection } from './connection.js'
import { readFleet } from './fleet.js'
import { readIncident } from './mode.js'
import { readRotation } from './rotation.js'
import { readSecretScanning } from './secret-scanning.js'
import { GROUP_NAME, LABEL, REGION, SNS_TOPIC_ARN, TAG_KEY, USER_GLOB } from './patterns.js'
import { InputError, Reader, type InputGetter } from './reader.js'
import { readOwnersConfig, readReminders, readTextFile, type ReadText } from './owners.js'

export function readSettings(
  get: InputGetter,
  env: NodeJS.ProcessEnv = process.env,
  eventPayload: unknown = undefined,
  readText: ReadText = readTextFile
): Settings {
  // The token never goes into an error message, so it is read outside the Reader.
  const r = new Reader(get)
  const connection = readConnection(r, env)
  const maxAgeDays = r.wholeNumber('max-age-days', 1, 3650)
  const warnDays = r.wholeNumber('warn-days', 0, 3650)
  const unusedDays = r.wholeNumber('unused-days', 0, 3650)
  if (warnDays >= maxAgeDays && r.problems.length === 0) {
    r.problems.push(
      `'warn-days' (${warnDays}) must be smaller than 'max-age-days' (${maxAgeDays}), or every key would be due soon.`
    )
  }
  const excludeUsers = r.list(
    'exclude-users',
    USER_GLOB,
    "IAM user names or globs using '*' and '?', separated by commas or new lines"
  )
  const exemptTag = r.optionalMatching(
    'exempt-tag',
    TAG_KEY,
    "an IAM tag key (1 to 128 letters, digits, spaces or '_.:/=+-@')"
  )
  const failOn = r.oneOf<FailOn>('fail-on', ['never', 'due-soon', 'overdue'])
  const concurrency = r.wholeNumber('concurrency', 1, 64)
  const iamMaxRps = r.wholeNumber('iam-max-rps', 1, 1000)
  const incident = readIncident(r, env, eventPayload)
  const revokeSessions = r.boolean('revoke-sessions')
  const revokeRoleSessions = r.boolean('revoke-role-sessions')
  const maxRoleRevocations = r.wholeNumber('max-role-revocations', 1, 1000)
  // The action defaults to what is safe in each mode: report for an audit, deactivate
  // (reversible) for an incident.
  const actionInput = r.raw('action')
  const revokes = incident.mode === 'revoke' || incident.secretScanning
  const action =
    actionInput === ''
      ? revokes
        ? 'deactivate'
        : 'report'
      : r.oneOf<RemediationAction>('action', ['report', 'deactivate', 'delete', 'rotate'])
  if (revokes && action === 'report') {
    r.problems.push(
      "'action' report changes nothing, so it cannot revoke a key: use deactivate or delete (or leave it empty)."
    )
  }
  if (revokes && action === 'rotate') {
    r.problems.push(
      "'action' rotate is for scheduled audits; an exposed key is revoked, not rotated: use deactivate or delete (or leave it empty)."
    )
  }
  const rotation = readRotation(r, get, env, revokes ? 'report' : action)
  const remediation: RemediationSettings = {
    action,
    dryRun: r.boolean('dry-run'),
    deleteGraceDays: r.wholeNumber('delete-grace-days', 0, 365),
    maxActions: r.wholeNumber('max-actions', 1, 10000),
    exemptGroups: r.list(
      'exempt-groups',
      GROUP_NAME,
      "IAM group names (letters, digits and '+=,.@_-')"
    )
  }
  const activity: ActivitySettings = {
    activityFor: r.oneOf<ActivityFor>('activity-for', ['none', 'changed', 'flagged']),
    lookbackHours: r.wholeNumber('lookback-hours', 1, 90 * 24),
    regions: r.list('cloudtrail-regions', REGION, 'AWS region names such as us-east-1'),
    maxEvents: r.wholeNumber('max-events', 1, 100000)
  }
  if (activity.regions.length === 0) activity.regions = [connection.awsRegion]
  activity.regions = [...new Set(activity.regions)]
  const scanMethod = r.oneOf<ScanMethod>('scan-method', ['auto', 'credential-report', 'api'])
  const notify: NotifySettings = {
    snsTopicArn: r.optionalMatching(
      'sns-topic-arn',
      SNS_TOPIC_ARN,
      'an SNS topic ARN such as arn:aws:sns:us-east-1:123456789012:security-alerts'
    ),
    notifyOn: r.oneOf<NotifyOn>('notify-on', ['findings', 'always', 'never'])
  }
  const token = get('github-token').trim()
  const createIssues = r.boolean('create-issues')
  const issues: IssueSettings = {
    enabled: createIssues && token !== '',
    token,
    labels: r.list('issue-labels', LABEL, 'GitHub label names of at most 50 characters'),
    issueFor: r.oneOf<IssueFor>('issue-for', ['overdue', 'due-soon']),
    ownerTag: r.optionalMatching(
      'owner-tag',
      TAG_KEY,
      "an IAM tag key (1 to 128 letters, digits, spaces or '_.:/=+-@')"
    ),
    maxNewIssues: r.wholeNumber('max-new-issues', 0, 1000)
  }
  const dashboard = readDashboard(r, token, issues.labels)
  const findingsExport = { securityHub: r.boolean('security-hub'), ocsf: r.boolean('ocsf-report') }
  const exemptionMaxDays = r.wholeNumber('exemption-max-days', 1, 3650)
  const fleet = readFleet(r, incident.fleetMode)
  const reminders = readReminders(r)
  const secretScanning = readSecretScanning(r, get, incident.secretScanning, token)
  // Read only once every other input is valid: the file is checked before any AWS call either way.
  const owners = r.problems.length === 0 ? readOwnersConfig(r, env, readText) : undefined
  if (r.problems.length > 0) throw new InputError(r.problems)
  const common = { ...connection, iamMaxRps }
  if (fleet?.mode === 'list-accounts') return { ...common, ...fleet }
  if (fleet?.mode === 'aggregate')
    return {
      ...common,
      ...fleet,
      notify,
      dryRun: remediation.dryRun,
      ...(dashboard ? { dashboard } : {})
    }
  const delivery = { remediation, activity, notify, issues, findingsExport }
  if (secretScanning) {
    return {
      ...common,
      ...delivery,
      mode: 'secret-scanning',
      secretScanning,
      revokeSessions,
      revokeRoleSessions,
      maxRoleRevocations
    }
  }
  if (incident.mode === 'revoke') {
    const { keys, source, event } = incident
    return {
      ...common,
      ...delivery,
      mode: 'revoke',
      revoke: {
        keys,
        source,
        ...(event ? { event } : {}),
        revokeSessions,
        revokeRoleSessions,
        maxRoleRevocations
      }
    }
  }
  const audit = {
    ...common,
    ...delivery,
    thresholds: { maxAgeDays, warnDays, unusedDays },
    excludeUsers,
    ...(exemptTag ? { exemptTag } : {}),
    failOn,
    concurrency,
    scanMethod,
    exemptionMaxDays,
    // The ladder runs with an owners file only: without one, nobody reviewed is there to remind.
    ...(owners ? { owners, reminders } : {}),
    ...(rotation ? { rotation } : {}),
    ...(dashboard ? { dashboard } : {})
  }
  // The preflight reads the same inputs as the audit it checks for.
  if (incident.check) {
    return { ...audit, mode: 'check', createIssues, revokeSessions, revokeRoleSessions }
  }
  return { ...audit, mode: 'audit' }
}

/**
 * dashboard: written by the audit and the aggregate (other modes leave it to the next audit).
 * It needs the token; unlike create-issues, which is on by default, it is asked for, so a
 * missing token is an error rather than a silent skip.
 */
function readDashboard(r: Reader, token: string, labels: string[]): DashboardSettings | undefined {
  if (!r.boolean('dashboard')) return undefined
  if (token === '') {
    r.problems.push(
      "'dashboard' is true but 'github-token' is empty: pass a token with `permissions: issues: write`, or set 'dashboard' to false."
    )
  }
  if (labels.length === 0) {
    r.problems.push(
      "'dashboard' needs at least one label in 'issue-labels': the dashboard issue is found by its labels."
    )
  }
  return { token, labels, dryRun: r.boolean('dry-run') }
}
