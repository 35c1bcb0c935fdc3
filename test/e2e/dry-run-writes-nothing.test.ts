// dry-run: true writes nothing on any channel, in every mode: no IAM or Secrets Manager write, no
// SNS message, no Security Hub finding, no GitHub issue, comment, label, dashboard, secret or alert
// resolution. What it would have written is in the job summary. The fakes record every request, so "nothing" is checked as is.
import { afterEach, describe, expect, it } from '@jest/globals'
import { copyFile, mkdir, mkdtemp } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { startFakes, type Fakes } from '../support/harness.js'
import { ORG_READER, ORGANIZATION, organizationAccounts } from '../support/organization.js'
import { startRotationFakes } from '../support/rotation-account.js'
import { SAMPLE_ACCOUNT_ID, SAMPLE_TOPIC_ARN } from '../support/sample-account.js'
import { tempRoot } from '../support/temp-root.js'

let fakes: Fakes
afterEach(() => fakes.stop())

const DRY = { 'dry-run': 'true', 'fail-on': 'never' }
const NOTIFY = { 'sns-topic-arn': SAMPLE_TOPIC_ARN, 'notify-on': 'always' }

/** Every write the run sent to either fake, as "service action" or "METHOD path". */
function writes(f: Fakes, awsFrom = 0): string[] {
  return [
    ...f.aws.mutatingCalls().filter((c) => f.aws.calls.indexOf(c) >= awsFrom),
    ...f.github.writes()
  ].map((w) => ('action' in w ? `${w.service} ${w.action}` : `${w.method} ${w.path}`))
}

describe('a dry run writes nothing', () => {
  it('audit: no issue, label, dashboard, SNS message or Security Hub finding; the summary says what would have been sent', async () => {
    fakes = await startFakes()
    const channels = { dashboard: 'true', 'security-hub': 'true' }
    const run = await fakes.run({ action: 'deactivate', ...DRY, ...NOTIFY, ...channels })
    expect(writes(fakes)).toEqual([])
    expect(fakes.aws.published).toEqual([])
    expect(fakes.aws.callsTo('GetFindings').length).toBeGreaterThan(0)
    expect(run.summary).toContain('GitHub issues')
    expect(run.summary).toMatch(/dry run: not sent/)
    expect(run.summary).toMatch(/Would publish to arn:aws:sns:/)
    expect(run.summary).toMatch(
      /Dashboard issue \| ⏸️ dry run: not sent \| Would open the dashboard issue/
    )
    expect(run.summary).toMatch(
      /Security Hub \| ⏸️ dry run: not sent \| Would write to arn:aws:securityhub:/
    )
    expect(run.code).toBe(0)
  })

  it('rotate: no key, tag, secret, issue, label or SNS message', async () => {
    const f = await startRotationFakes()
    fakes = f
    const run = await f.rotate({ ...DRY, ...NOTIFY })
    expect(writes(fakes)).toEqual([])
    expect(run.summary).toContain(
      '### Key rotation this run would do (dry run: nothing was changed)'
    )
    expect(run.summary).toMatch(/Would open \d+ issues?/)
  })

  it('incident: no revocation, issue, label or SNS message', async () => {
    fakes = await startFakes()
    const run = await fakes.run(
      {
        'revoke-access-key-ids': 'AKIASAMPLEALICE00001',
        'github-token': fakes.github.token,
        ...DRY,
        ...NOTIFY
      },
      { eventName: 'workflow_dispatch' }
    )
    expect(writes(fakes)).toEqual([])
    expect(run.summary).toMatch(/dry run: not sent/)
  })

  it('secret-scanning: no revocation, alert resolution, issue or SNS message', async () => {
    fakes = await startFakes()
    fakes.github.seedSecretScanningAlert({ secret: 'AKIASAMPLEALICE00001' })
    const run = await fakes.run(
      { mode: 'secret-scanning', 'github-token': fakes.github.token, ...DRY, ...NOTIFY },
      { eventName: 'schedule' }
    )
    expect(writes(fakes)).toEqual([])
    expect(run.summary).toMatch(/dry run: not sent/)
  })

  it('aggregate: no SNS digest', async () => {
    fakes = await startFakes()
    const audit = await fakes.run({ 'create-issues': 'false', 'fail-on': 'never' })
    const dir = await mkdtemp(join(tempRoot(), 'dry-run-reports-'))
    const report = audit.outputs['report-path'] ?? ''
    await mkdir(join(dir, 'iam-key-report'))
    await copyFile(report, join(dir, 'iam-key-report', basename(report)))
    fakes.github.clearRequests()
    const from = fakes.aws.calls.length
    const run = await fakes.run({
      mode: 'aggregate',
      'reports-directory': dir,
      'expected-accounts': SAMPLE_ACCOUNT_ID,
      dashboard: 'true',
      ...DRY,
      ...NOTIFY
    })
    expect(writes(fakes, from)).toEqual([])
    expect(fakes.aws.published).toEqual([])
    expect(run.summary).toMatch(/Would publish to arn:aws:sns:/)
    expect(run.summary).toMatch(/Would open the dashboard issue/)
  })

  it('list-accounts: nothing but the outputs and the summary', async () => {
    fakes = await startFakes(organizationAccounts(), { organization: ORGANIZATION })
    const run = await fakes.run({ mode: 'list-accounts', 'role-to-assume': ORG_READER, ...DRY })
    expect(writes(fakes)).toEqual([])
    expect(run.outputs.matrix).toContain('"include"')
  })
})
