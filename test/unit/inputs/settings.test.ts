import { describe, expect, it } from '@jest/globals'
import { DEFAULTS } from '../../../src/inputs/defaults.js'
import { InputError, splitList } from '../../../src/inputs/reader.js'
import { readSettings } from '../../../src/inputs/settings.js'
import { settingsOf } from '../../support/settings.js'

function getter(inputs: Record<string, string>) {
  return (name: string): string => inputs[name] ?? ''
}

function problemsOf(inputs: Record<string, string>): string[] {
  try {
    readSettings(getter(inputs), {})
  } catch (error) {
    if (error instanceof InputError) return error.problems
    throw error
  }
  return []
}

describe('readSettings', () => {
  it('applies the documented defaults when nothing is set', () => {
    const s = readSettings(getter({}), { GITHUB_RUN_ID: '42', GITHUB_RUN_ATTEMPT: '2' })
    expect(s).toEqual({
      roleToAssume: undefined,
      awsRegion: 'us-east-1',
      audience: 'sts.amazonaws.com',
      roleSessionName: 'iam-key-sentinel-42-2',
      roleDurationSeconds: 3600,
      allowedAccountIds: [],
      retryMaxAttempts: 8,
      proxy: { noProxy: [] },
      thresholds: { maxAgeDays: 90, warnDays: 14, unusedDays: 0 },
      excludeUsers: [],
      exemptTag: DEFAULTS['exempt-tag'],
      failOn: 'overdue',
      concurrency: 8,
      iamMaxRps: 100,
      remediation: {
        action: 'report',
        dryRun: false,
        deleteGraceDays: 7,
        maxActions: 10,
        exemptGroups: []
      },
      activity: {
        activityFor: 'changed',
        lookbackHours: 24,
        regions: ['us-east-1'],
        maxEvents: 1000
      },
      scanMethod: 'auto',
      exemptionMaxDays: 365,
      notify: { snsTopicArn: undefined, notifyOn: 'findings' },
      findingsExport: { securityHub: false, ocsf: false },
      issues: {
        enabled: false,
        token: '',
        labels: ['iam-key-rotation'],
        issueFor: 'overdue',
        ownerTag: 'github',
        maxNewIssues: 20
      },
      mode: 'audit'
    })
  })

  it('reads every input that is set, trimming white space', () => {
    const s = settingsOf(
      readSettings(
        getter({
          'role-to-assume': ' arn:aws:iam::123456789012:role/path/audit ',
          'aws-region': 'eu-west-3',
          'role-session-name': 'nightly@audit',
          'max-age-days': '30',
          'warn-days': '5',
          'unused-days': '45',
          'exclude-users': 'ci-*,\n break-glass ,',
          'exempt-tag': 'rotation:exempt',
          'fail-on': 'never',
          concurrency: '16',
          'exemption-max-days': '90'
        }),
        {}
      ),
      'audit'
    )
    expect(s.roleToAssume).toBe('arn:aws:iam::123456789012:role/path/audit')
    expect(s.awsRegion).toBe('eu-west-3')
    expect(s.roleSessionName).toBe('nightly@audit')
    expect(s.thresholds).toEqual({ maxAgeDays: 30, warnDays: 5, unusedDays: 45 })
    expect(s.excludeUsers).toEqual(['ci-*', 'break-glass'])
    expect(s.exemptTag).toBe('rotation:exempt')
    expect(s.failOn).toBe('never')
    expect(s.concurrency).toBe(16)
    expect(s.exemptionMaxDays).toBe(90)
  })

  it.each([
    ['role-to-assume', 'arn:aws:iam::12345:role/x', 'IAM role ARN'],
    ['role-to-assume', 'arn:aws:iam::123456789012:user/x', 'IAM role ARN'],
    ['aws-region', 'US-EAST-1', 'AWS region'],
    ['aws-region', 'moon', 'AWS region'],
    ['audience', 'a b', 'audience'],
    ['role-session-name', 'has space', '2 to 64'],
    ['role-duration-seconds', '60', 'from 900 to 43200'],
    ['max-age-days', '0', 'from 1 to 3650'],
    ['max-age-days', '12.5', 'whole number'],
    ['max-age-days', 'ninety', 'whole number'],
    ['max-age-days', '-3', 'whole number'],
    ['warn-days', '1e3', 'whole number'],
    ['unused-days', '4000', 'from 0 to 3650'],
    ['exclude-users', 'bad/name', 'IAM user names or globs'],
    ['exempt-tag', 'no#hash', 'IAM tag key'],
    ['fail-on', 'always', 'never, due-soon, overdue'],
    ['concurrency', '0', 'from 1 to 64'],
    ['iam-max-rps', '0', 'from 1 to 1000'],
    ['iam-max-rps', 'fast', 'from 1 to 1000'],
    ['action', 'destroy', 'report, deactivate, delete'],
    ['dry-run', 'yes', 'true or false'],
    ['delete-grace-days', '366', 'from 0 to 365'],
    ['max-actions', '0', 'from 1 to 10000'],
    ['exempt-groups', 'bad group', 'IAM group names'],
    ['activity-for', 'all', 'none, changed, flagged'],
    ['lookback-hours', '2161', 'from 1 to 2160'],
    ['cloudtrail-regions', 'mars-1', 'AWS region names'],
    ['max-events', '0', 'from 1 to 100000'],
    ['scan-method', 'fast', 'auto, credential-report, api'],
    ['sns-topic-arn', 'arn:aws:sqs:us-east-1:123456789012:q', 'SNS topic ARN'],
    ['sns-topic-arn', 'arn:aws:sns:us-east-1:12345:t', 'SNS topic ARN'],
    ['notify-on', 'sometimes', 'findings, always, never'],
    ['create-issues', 'maybe', 'true or false'],
    ['security-hub', 'yes', 'true or false'],
    ['ocsf-report', '1', 'true or false'],
    ['issue-for', 'ok', 'overdue, due-soon'],
    ['max-new-issues', '-1', 'whole number'],
    ['owner-tag', 'a#b', 'IAM tag key'],
    ['exemption-max-days', '0', 'from 1 to 3650'],
    ['exemption-max-days', 'a year', 'from 1 to 3650']
  ])("rejects %s = '%s' naming the input and the accepted form", (name, value, form) => {
    const problems = problemsOf({ [name]: value }).filter((p) => p.includes(`'${name}'`))
    expect(problems).toHaveLength(1)
    expect(problems[0]).toContain(`'${name}'`)
    expect(problems[0]).toContain(form)
    expect(problems[0]).toContain(`'${value}'`)
  })

  it('defaults action to report in an audit and to deactivate in an incident', () => {
    expect(settingsOf(readSettings(getter({}), {}), 'audit').remediation.action).toBe('report')
    const incident = settingsOf(
      readSettings(getter({ 'revoke-access-key-ids': 'AKIAIOSFODNN7EXAMPLE' }), {}),
      'revoke'
    )
    expect(incident.remediation.action).toBe('deactivate')
    expect(incident.revoke).toEqual({
      keys: [{ accessKeyId: 'AKIAIOSFODNN7EXAMPLE' }],
      source: 'input',
      revokeSessions: true,
      revokeRoleSessions: false,
      maxRoleRevocations: 10
    })
    const roles = settingsOf(
      readSettings(
        getter({
          'revoke-access-key-ids': 'AKIAIOSFODNN7EXAMPLE',
          'revoke-role-sessions': 'true',
          'max-role-revocations': '3'
        }),
        {}
      ),
      'revoke'
    )
    expect(roles.revoke).toMatchObject({ revokeRoleSessions: true, maxRoleRevocations: 3 })
  })

  it('reads several keys, comma or newline separated, once each', () => {
    const s = readSettings(
      getter({
        'revoke-access-key-ids': 'AKIAIOSFODNN7EXAMPLE,\nAKIAI44QH8DHBEXAMPLE, AKIAIOSFODNN7EXAMPLE'
      }),
      {}
    )
    expect(settingsOf(s, 'revoke').revoke.keys.map((k) => k.accessKeyId)).toEqual([
      'AKIAIOSFODNN7EXAMPLE',
      'AKIAI44QH8DHBEXAMPLE'
    ])
  })

  it('takes the keys of a repository_dispatch exposure event in mode auto', () => {
    const payload = {
      client_payload: {
        detail: {
          eventTypeCode: 'AWS_RISK_CREDENTIALS_EXPOSED',
          affectedEntities: [{ entityValue: 'AKIAIOSFODNN7EXAMPLE' }]
        }
      }
    }
    const s = readSettings(getter({}), { GITHUB_EVENT_NAME: 'repository_dispatch' }, payload)
    expect(settingsOf(s, 'revoke').revoke).toMatchObject({
      source: 'aws-health',
      keys: [{ accessKeyId: 'AKIAIOSFODNN7EXAMPLE' }]
    })
  })

  it.each([
    [
      { 'revoke-access-key-ids': 'AKIA123' },
      "'revoke-access-key-ids' entries must be access key IDs"
    ],
    [{ 'revoke-access-key-ids': 'ASIAIOSFODNN7EXAMPLE' }, 'starting with AKIA'],
    [{ mode: 'revoke' }, "'mode' is revoke but no key was given"],
    [
      { mode: 'audit', 'revoke-access-key-ids': 'AKIAIOSFODNN7EXAMPLE' },
      "'revoke-access-key-ids' is only used in incident mode"
    ],
    [
      { mode: 'revoke', 'revoke-access-key-ids': 'AKIAIOSFODNN7EXAMPLE', action: 'report' },
      "'action' report changes nothing"
    ],
    [{ 'revoke-sessions': 'maybe' }, "'revoke-sessions' must be true or false"],
    [{ 'revoke-role-sessions': 'yes' }, "'revoke-role-sessions' must be true or false"],
    [
      { 'max-role-revocations': '0' },
      "'max-role-revocations' must be a whole number from 1 to 1000"
    ]
  ])('rejects the incident combination %p', (inputs, message) => {
    expect(problemsOf(inputs as Record<string, string>).join('\n')).toContain(message)
  })

  it('reads http-proxy and no-proxy as configure-aws-credentials names them', () => {
    const s = readSettings(
      getter({
        'http-proxy': 'http://user:p%40ss@proxy.example.com:3128',
        'no-proxy': '.internal.example.com, sts.us-east-1.amazonaws.com:443\n*.corp,[::1],*'
      }),
      {}
    )
    expect(s.proxy).toEqual({
      httpProxy: 'http://user:p%40ss@proxy.example.com:3128',
      noProxy: ['.internal.example.com', 'sts.us-east-1.amazonaws.com:443', '*.corp', '[::1]', '*']
    })
  })

  const ROLE = 'arn:aws:iam::123456789012:role/hub'
  const MEMBER = 'arn:aws:iam::210987654321:role/member'
  it.each([
    [
      { 'allowed-account-ids': '1234' },
      "'allowed-account-ids' entries must be 12-digit AWS account IDs"
    ],
    [{ 'retry-max-attempts': '0' }, "'retry-max-attempts' must be a whole number from 1 to 30"],
    [
      { 'http-proxy': 'proxy.example.com:3128' },
      "'http-proxy' must be a proxy URL with its scheme"
    ],
    [{ 'http-proxy': 'socks5://proxy:1080' }, "'http-proxy' must be a proxy URL with its scheme"],
    [{ 'http-proxy': 'http://proxy:3128/path' }, "'http-proxy' must be a proxy URL"],
    [{ 'no-proxy': 'example.com other.com' }, "'no-proxy' entries must be host names"],
    [{ 'no-proxy': 'https://example.com' }, "'no-proxy' entries must be host names"],
    [{ 'retry-max-attempts': 'lots' }, "'retry-max-attempts' must be a whole number"],
    [{ 'role-to-assume': ROLE, 'role-external-id': 'x' }, "'role-external-id' must be 2 to 1224"],
    [
      { 'role-to-assume': ROLE, 'role-external-id': 'acme-2026' },
      "'role-external-id' is sent with sts:AssumeRole, which this run does not call"
    ],
    [{ 'role-to-assume': ROLE, 'inline-session-policy': '{"Statement": [' }, 'it is not JSON'],
    [
      { 'role-to-assume': ROLE, 'inline-session-policy': '[1]' },
      'an object with "Version" and "Statement"'
    ],
    [
      {
        'role-to-assume': ROLE,
        'inline-session-policy': JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Sid: 'x'.repeat(2100) }]
        })
      },
      "'inline-session-policy' must be at most 2048 characters"
    ],
    [
      { 'role-to-assume': ROLE, 'managed-session-policies': 'ReadOnlyAccess' },
      "'managed-session-policies' entries must be IAM managed policy ARNs"
    ],
    [
      {
        'role-to-assume': ROLE,
        'managed-session-policies': Array.from(
          { length: 11 },
          (_, i) => `arn:aws:iam::aws:policy/P${i}`
        ).join(',')
      },
      "'managed-session-policies' may list at most 10 policies"
    ],
    [
      { 'managed-session-policies': 'arn:aws:iam::aws:policy/ReadOnlyAccess' },
      "scope a session the action assumes: set 'role-to-assume'"
    ]
  ])('rejects the session input %p', (inputs, message) => {
    expect(problemsOf(inputs as Record<string, string>).join('\n')).toContain(message)
  })

  it('reads the session inputs: accounts, external ID, packed inline policy, managed ARNs', () => {
    const s = readSettings(
      getter({
        'role-to-assume': ROLE,
        'member-role-arn': MEMBER,
        'allowed-account-ids': '210987654321,\n 210987654321, 123456789012',
        'role-external-id': 'acme:sentinel/2026',
        'inline-session-policy':
          '{\n  "Version": "2012-10-17",\n  "Statement": [{"Effect": "Deny", "Action": "iam:*", "Resource": "*"}]\n}',
        'managed-session-policies': 'arn:aws:iam::aws:policy/SecurityAudit',
        'retry-max-attempts': '3'
      }),
      {}
    )
    expect(s.allowedAccountIds).toEqual(['210987654321', '123456789012'])
    expect(s.externalId).toBe('acme:sentinel/2026')
    expect(s.sessionPolicies).toEqual({
      inline:
        '{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"iam:*","Resource":"*"}]}',
      managedArns: ['arn:aws:iam::aws:policy/SecurityAudit']
    })
    expect(s.retryMaxAttempts).toBe(3)
  })

  it('rejects a malformed exposure event before anything else', () => {
    const payload = {
      client_payload: {
        detail: { eventTypeCode: 'AWS_RISK_CREDENTIALS_EXPOSED', affectedEntities: [] }
      }
    }
    expect(() =>
      readSettings(getter({}), { GITHUB_EVENT_NAME: 'repository_dispatch' }, payload)
    ).toThrow(/repository_dispatch event is not a usable exposure event/)
  })

  it('creates issues by default only when a token is available', () => {
    expect(
      settingsOf(readSettings(getter({ 'github-token': 'ghs_x' }), {}), 'audit').issues.enabled
    ).toBe(true)
    expect(
      settingsOf(readSettings(getter({ 'github-token': ' ' }), {}), 'audit').issues.enabled
    ).toBe(false)
    expect(
      settingsOf(
        readSettings(getter({ 'github-token': 'ghs_x', 'create-issues': 'false' }), {}),
        'audit'
      ).issues.enabled
    ).toBe(false)
  })

  it('keeps a dashboard only when asked, and refuses one without a token', () => {
    const audit = (inputs: Record<string, string>) =>
      settingsOf(readSettings(getter({ 'github-token': 'ghs_x', ...inputs }), {}), 'audit')
    expect(audit({}).dashboard).toBeUndefined()
    expect(
      audit({ dashboard: 'true', 'dry-run': 'true', 'create-issues': 'false' }).dashboard
    ).toEqual({
      token: 'ghs_x',
      labels: ['iam-key-rotation'],
      dryRun: true
    })
    expect(problemsOf({ dashboard: 'true', 'github-token': ' ' })).toEqual([
      "'dashboard' is true but 'github-token' is empty: pass a token with `permissions: issues: write`, or set 'dashboard' to false."
    ])
    expect(problemsOf({ dashboard: 'yes please' })[0]).toMatch(/'dashboard'/)
  })

  it('rejects a warning window as long as the maximum age', () => {
    expect(problemsOf({ 'max-age-days': '30', 'warn-days': '30' })[0]).toMatch(
      /'warn-days' \(30\) must be smaller than 'max-age-days' \(30\)/
    )
  })

  it('reports every bad input at once', () => {
    const problems = problemsOf({
      'max-age-days': 'x',
      'fail-on': 'maybe',
      'aws-region': 'nowhere'
    })
    expect(problems).toHaveLength(3)
    expect(() => readSettings(getter({ 'fail-on': 'maybe' }), {})).toThrow(
      /Invalid input: 'fail-on'/
    )
  })
})

describe('splitList', () => {
  it('splits on commas and new lines and drops blanks', () => {
    expect(splitList('a, b\n\nc,,')).toEqual(['a', 'b', 'c'])
    expect(splitList('  ')).toEqual([])
  })
})
