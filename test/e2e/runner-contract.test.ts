// The runner's contract, mode by mode: dist/index.js started with every action.yml default as an
// INPUT_* variable (the harness always does that) plus only what the mode needs must get past
// validation and do that mode's work. This is the test last round's suite lacked.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { copyFile, mkdtemp } from 'node:fs/promises'
import { readFileSync } from 'node:fs'
import { tempRoot } from '../support/temp-root.js'
import { join } from 'node:path'
import type { FakeOrganization } from '../support/fake-aws/index.js'
import { startFakes, type Fakes } from '../support/harness.js'
import type { RunResult } from '../support/run-action.js'
import { SAMPLE_ACCOUNT_ID, SAMPLE_ROLE_ARN, sampleAccount } from '../support/sample-account.js'

const MGMT = '100000000001'
const ORG_READER = `arn:aws:iam::${MGMT}:role/iam-key-sentinel-org-reader`
const ORGANIZATION: FakeOrganization = {
  id: 'o-contract0001',
  managementAccountId: MGMT,
  rootId: 'r-ab12',
  units: [],
  accounts: [
    { accountId: MGMT, name: 'Management', parentId: 'r-ab12' },
    { accountId: SAMPLE_ACCOUNT_ID, name: 'Sample', parentId: 'r-ab12' }
  ]
}

const log = (r: RunResult): string => `${r.stdout}\n${r.stderr}`
/** What the run printed as its failure, if any. */
const failure = (r: RunResult): string => /^::error::(.*)$/m.exec(r.stdout)?.[1] ?? ''

let fakes: Fakes
beforeAll(async () => {
  fakes = await startFakes([sampleAccount(), { accountId: MGMT, roles: [ORG_READER], users: [] }], {
    organization: ORGANIZATION
  })
})
afterAll(() => fakes.stop())

// Only what each mode needs; `startFakes` adds the sample thresholds, every other input is its
// action.yml default.
describe("each mode with action.yml's defaults, as a runner sets them", () => {
  let auditReport = ''

  it('audit: role-to-assume', async () => {
    const result = await fakes.run({ 'role-to-assume': SAMPLE_ROLE_ARN, 'fail-on': 'never' })
    expect(failure(result)).not.toMatch(/Invalid input/)
    expect([result.code, failure(result)]).toEqual([0, ''])
    expect(result.outputs['key-count']).toBe('12')
    expect(result.summary).toContain('IAM Key Sentinel')
    auditReport = result.outputs['report-path'] ?? ''
  })

  it('revoke by input: revoke-access-key-ids', async () => {
    const result = await fakes.run(
      { 'role-to-assume': SAMPLE_ROLE_ARN, 'revoke-access-key-ids': 'AKIASAMPLEDAVE000001' },
      { eventName: 'workflow_dispatch' }
    )
    expect([result.code, failure(result)]).toEqual([0, ''])
    expect(JSON.parse(result.outputs.incident ?? '[]')).toMatchObject([
      { accessKeyId: 'AKIASAMPLEDAVE000001', outcome: 'revoked' }
    ])
  })

  it('revoke by event: an AWS Health exposure event through GITHUB_EVENT_PATH', async () => {
    const event = JSON.parse(
      readFileSync('examples/events/aws-health-exposed-key.json', 'utf8')
    ) as { client_payload: { account: string; detail: Record<string, unknown> } }
    const text = JSON.stringify(event)
      .replaceAll('AKIAIOSFODNN7EXAMPLE', 'AKIASAMPLEERIN000001')
      .replaceAll('123456789012', SAMPLE_ACCOUNT_ID)
    const result = await fakes.run(
      { 'role-to-assume': SAMPLE_ROLE_ARN },
      { eventName: 'repository_dispatch', event: JSON.parse(text) }
    )
    expect([result.code, failure(result)]).toEqual([0, ''])
    expect(JSON.parse(result.outputs.incident ?? '[]')).toMatchObject([
      { accessKeyId: 'AKIASAMPLEERIN000001', outcome: 'revoked' }
    ])
  })

  it('list-accounts: mode', async () => {
    const result = await fakes.run({ mode: 'list-accounts', 'role-to-assume': ORG_READER })
    expect([result.code, failure(result)]).toEqual([0, ''])
    expect(JSON.parse(result.outputs.matrix ?? '{}')).toEqual({
      include: [
        {
          'account-id': MGMT,
          'account-name': 'Management',
          'role-arn': `arn:aws:iam::${MGMT}:role/iam-key-sentinel-member`
        },
        {
          'account-id': SAMPLE_ACCOUNT_ID,
          'account-name': 'Sample',
          'role-arn': `arn:aws:iam::${SAMPLE_ACCOUNT_ID}:role/iam-key-sentinel-member`
        }
      ]
    })
  })

  it('aggregate: mode, reports-directory and expected-accounts', async () => {
    expect(auditReport).not.toBe('')
    const dir = await mkdtemp(join(tempRoot(), 'iam-key-sentinel-contract-'))
    await copyFile(auditReport, join(dir, 'report.json'))
    const result = await fakes.run({
      mode: 'aggregate',
      'reports-directory': dir,
      'expected-accounts': SAMPLE_ACCOUNT_ID
    })
    expect([result.code, log(result)]).toEqual([0, expect.any(String)])
    expect(result.outputs['account-count']).toBe('1')
    expect(JSON.parse(result.outputs['failed-accounts'] ?? '[]')).toEqual([])
  })
})
