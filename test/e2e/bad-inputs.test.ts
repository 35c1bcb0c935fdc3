// Every input, every way to get it wrong: each run fails before any AWS or GitHub call, with a
// message that names the input and the accepted form. Empty and whitespace mean the default.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { parse } from 'yaml'
import { startFakes, type Fakes } from '../support/harness.js'

// [input, bad value, what the message must say]
const BAD: [string, string, string][] = [
  ['role-to-assume', 'arn:aws:iam::12345:role/x', 'IAM role ARN'],
  ['role-to-assume', 'arn:aws:iam::123456789012:user/alice', 'IAM role ARN'],
  ['role-to-assume', 'not an arn', 'IAM role ARN'],
  ['aws-region', 'US-EAST-1', 'AWS region name'],
  ['aws-region', 'us_east_1', 'AWS region name'],
  ['audience', 'sts amazonaws com', 'without spaces'],
  ['role-session-name', 'a', '2 to 64 characters'],
  ['role-session-name', 'bad/name', '2 to 64 characters'],
  ['role-duration-seconds', '899', 'from 900 to 43200'],
  ['role-duration-seconds', '1h', 'whole number'],
  ['max-age-days', '0', 'from 1 to 3650'],
  ['max-age-days', '90.5', 'whole number'],
  ['max-age-days', 'ninety', 'whole number'],
  ['warn-days', '-1', 'whole number'],
  ['warn-days', '90', "smaller than 'max-age-days'"],
  ['unused-days', '3651', 'from 0 to 3650'],
  ['exclude-users', 'ok-user, bad/user', 'IAM user names or globs'],
  ['exempt-tag', 'bad#tag', 'IAM tag key'],
  ['fail-on', 'always', 'one of never, due-soon, overdue'],
  ['concurrency', '65', 'from 1 to 64'],
  ['concurrency', 'many', 'whole number'],
  ['iam-max-rps', '0', 'from 1 to 1000'],
  ['mode', 'fix', 'must be one of'],
  ['mode', 'revoke', 'no key was given'],
  ['revoke-access-key-ids', 'AKIA123', 'access key IDs'],
  ['revoke-access-key-ids', 'ASIAIOSFODNN7EXAMPLE', 'starting with AKIA'],
  ['revoke-access-key-ids', 'akiaiosfodnn7example', 'upper-case'],
  ['revoke-sessions', 'yes', 'true or false'],
  ['action', 'destroy', 'one of report, deactivate, delete'],
  ['dry-run', '1', 'true or false'],
  ['delete-grace-days', '366', 'from 0 to 365'],
  ['max-actions', '0', 'from 1 to 10000'],
  ['exempt-groups', 'admins, bad group', 'IAM group names'],
  ['activity-for', 'all', 'one of none, changed, flagged'],
  ['lookback-hours', '2161', 'from 1 to 2160'],
  ['cloudtrail-regions', 'us-east-1, mars', 'AWS region names'],
  ['max-events', '0', 'from 1 to 100000'],
  ['scan-method', 'fast', 'one of auto, credential-report, api'],
  ['sns-topic-arn', 'arn:aws:sqs:us-east-1:123456789012:queue', 'SNS topic ARN'],
  ['sns-topic-arn', 'arn:aws:sns:us-east-1:123456789012:', 'SNS topic ARN'],
  ['notify-on', 'sometimes', 'one of findings, always, never'],
  ['create-issues', 'on', 'true or false'],
  ['security-hub', 'yes', 'true or false'],
  ['ocsf-report', 'on', 'true or false'],
  ['dashboard', 'sometimes', 'true or false'],
  ['issue-labels', 'x'.repeat(51), 'at most 50 characters'],
  ['issue-for', 'ok', 'one of overdue, due-soon'],
  ['owner-tag', 'owner#tag', 'IAM tag key'],
  ['max-new-issues', '1001', 'from 0 to 1000'],
  ['member-role-arn', 'arn:aws:iam::12345:role/member', 'IAM role ARN'],
  ['role-chaining', 'yes', 'true or false'],
  ['organizational-units', 'ou-Prod', 'organizational unit IDs'],
  ['exclude-accounts', '12345', '12-digit AWS account IDs'],
  ['member-role-name', 'bad role', 'IAM role name'],
  ['matrix-chunk-size', '257', 'from 1 to 256'],
  ['reports-directory', 'reports', 'only used in aggregate mode'],
  ['expected-accounts', '{"include": 1}', 'matrix or chunks output'],
  ['allowed-account-ids', '123456789012, 1234', '12-digit AWS account IDs'],
  ['role-external-id', 'x', '2 to 1224 characters'],
  ['role-external-id', 'acme-2026', 'which this run does not call'],
  ['inline-session-policy', '{"Statement": [', 'not JSON'],
  ['inline-session-policy', '"Deny"', 'JSON IAM policy document'],
  ['managed-session-policies', 'ReadOnlyAccess', 'IAM managed policy ARNs'],
  ['retry-max-attempts', '31', 'from 1 to 30'],
  ['http-proxy', 'proxy.example.com:3128', 'a proxy URL with its scheme'],
  ['http-proxy', 'socks5://proxy.example.com:1080', 'a proxy URL with its scheme'],
  ['no-proxy', 'example.com other.example.com', 'host names such as sts.amazonaws.com'],
  ['revoke-role-sessions', 'yes', 'true or false'],
  ['max-role-revocations', '0', 'from 1 to 1000'],
  ['exemption-max-days', '0', 'from 1 to 3650'],
  ['owners-config', 'no-such-owners.yml', 'check out the repository first'],
  ['owners-config', '../outside.yml', 'a path inside the repository'],
  ['reminder-days', '14, 0', 'whole numbers of days before the deadline'],
  ['reminder-every-days', '366', 'from 0 to 365'],
  ['escalate-after-days', 'two weeks', 'whole number'],
  ['secret-scanning-scope', 'enterprise', 'one of repository, organization'],
  ['secret-scanning-token', 'github_pat_elsewhere', 'only used with mode secret-scanning'],
  ['rotation-config', 'rotation.yml', 'only used with action rotate'],
  ['rotate-on', 'unused', 'one of due-soon, overdue'],
  ['cutover-idle-hours', '0', 'from 1 to 2160'],
  ['cutover-timeout-days', '366', 'from 1 to 365']
]
// Combinations that contradict each other.
const CONFLICTS: [Record<string, string>, string][] = [
  [
    { mode: 'audit', 'revoke-access-key-ids': 'AKIAIOSFODNN7EXAMPLE' },
    "'revoke-access-key-ids' is only used in incident mode"
  ],
  [
    { 'revoke-access-key-ids': 'AKIAIOSFODNN7EXAMPLE', action: 'report' },
    "'action' report changes nothing"
  ],
  [{ 'max-age-days': '30', 'warn-days': '30' }, "'warn-days' (30) must be smaller"],
  [{ mode: 'secret-scanning', action: 'report' }, "'action' report changes nothing"],
  [{ action: 'rotate' }, "'action' rotate needs 'rotation-config'"]
]
// Inputs where any value is acceptable, so no bad value exists.
const FREE_FORM = new Set(['github-token', 'delivery-token'])

let fakes: Fakes
beforeAll(async () => {
  fakes = await startFakes()
})
afterAll(() => fakes.stop())

async function expectRejected(
  inputs: Record<string, string>,
  name: string | undefined,
  message: string
) {
  const before = { aws: fakes.aws.calls.length, github: fakes.github.requests.length }
  const result = await fakes.run({ 'github-token': fakes.github.token, ...inputs })
  expect(result.code).toBe(1)
  const error = /^::error::(.*)$/m.exec(result.stdout)?.[1] ?? ''
  if (name) expect(error).toContain(`'${name}'`)
  expect(error).toContain(message)
  // Nothing was called: not STS, not the OIDC endpoint, not the GitHub API.
  expect(fakes.aws.calls.length).toBe(before.aws)
  expect(fakes.github.requests.length).toBe(before.github)
}

describe('bad inputs', () => {
  it('the table covers every input of action.yml', () => {
    const declared = Object.keys(
      (parse(readFileSync('action.yml', 'utf8')) as { inputs: object }).inputs
    )
    const covered = new Set([...BAD.map(([name]) => name), ...FREE_FORM])
    expect(declared.filter((name) => !covered.has(name))).toEqual([])
  })

  it.each(BAD)(
    "%s = '%s' is rejected before any call, naming the input and the form",
    async (name, value, message) => {
      await expectRejected({ [name]: value }, name, message)
    }
  )

  it.each(CONFLICTS)('the combination %p is rejected before any call', async (inputs, message) => {
    await expectRejected(inputs, undefined, message)
  })

  it('reports every bad input of a run at once', async () => {
    const result = await fakes.run({
      'max-age-days': 'x',
      'aws-region': 'nowhere',
      'fail-on': 'maybe'
    })
    const error = /^::error::(.*)$/m.exec(result.stdout)?.[1] ?? ''
    for (const name of ['max-age-days', 'aws-region', 'fail-on'])
      expect(error).toContain(`'${name}'`)
  })

  it('empty and white-space inputs mean the defaults', async () => {
    const result = await fakes.run({
      'max-age-days': '   ',
      'fail-on': '',
      'aws-region': ' ',
      'github-token': ''
    })
    expect(result.code).toBe(1) // fail-on's default, overdue: the sample account has overdue keys
    expect(result.outputs['overdue-count']).toBe('3')
  })

  it('a malformed exposure event is rejected before any call', async () => {
    const before = fakes.aws.calls.length
    const result = await fakes.run(
      {},
      {
        eventName: 'repository_dispatch',
        event: {
          client_payload: {
            detail: {
              eventTypeCode: 'AWS_RISK_CREDENTIALS_EXPOSED',
              affectedEntities: [{ entityValue: 'wJalrXUtnFEMI/K7MDENG' }]
            }
          }
        }
      }
    )
    expect(result.code).toBe(1)
    expect(result.stdout).toContain('not a usable exposure event')
    expect(fakes.aws.calls.length).toBe(before)
  })
})
