// Golden e2e: dist/index.js over the scenarios whose outputs people and workflows rely on, with
// everything each run hands out (outputs, exit code, job summary, annotations, report files, SNS
// messages, IAM writes, issues, comments and labels) compared with test/golden/<scenario>/.
// A change in any of them is a change in behaviour; `UPDATE_GOLDEN=1` rewrites the files
// after a deliberate one. Every scenario starts on the same clock (test/support/virtual-clock.js).
import { describe, it, jest } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { copyFile, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { lookupDeniedIn, makeEvents } from '../support/cloudtrail-events.js'
import type { FakeAccount, FakeAwsOptions } from '../support/fake-aws/index.js'
import { CLOCK_START, Scrubber, captureRun, checkGolden } from '../support/golden.js'
import { advanceClock, startFakes, type Fakes } from '../support/harness.js'
import {
  HUB,
  MGMT,
  ORG_AUDIT_INPUTS,
  ORG_READER,
  ORG_TOPIC,
  ORGANIZATION,
  STAGING,
  WORKLOADS,
  organizationAccounts
} from '../support/organization.js'
import type { RunOptions, RunResult } from '../support/run-action.js'
import {
  SAMPLE_COLLABORATORS,
  SAMPLE_FIFO_TOPIC_ARN,
  SAMPLE_TOPIC_ARN,
  sampleAccount
} from '../support/sample-account.js'
import { tempRoot } from '../support/temp-root.js'
import { VARIED_INPUTS, variedAccount } from '../support/varied-account.js'
import { startClockAt } from '../support/virtual-clock.js'

const HOUR = 3_600_000
// Each scenario runs the action up to seven times, one run after another.
jest.setTimeout(300_000)
const START = new Date(CLOCK_START)

interface Session {
  fakes: Fakes
  scrubber: Scrubber
  /** Runs the action (as Fakes.run does) and captures what it left under `label/`. */
  run(
    label: string,
    inputs?: Record<string, string>,
    options?: Partial<RunOptions>
  ): Promise<RunResult>
}

interface Setup {
  accounts?: FakeAccount | FakeAccount[]
  aws?: FakeAwsOptions
}

/** One scenario on fresh fakes and a clock started at CLOCK_START, checked against its goldens. */
async function scenario(name: string, setup: Setup, body: (s: Session) => Promise<void>) {
  const clock = startClockAt(CLOCK_START)
  const fakes = await startFakes(setup.accounts ?? sampleAccount(START), setup.aws, {
    collaborators: SAMPLE_COLLABORATORS
  })
  try {
    const scrubber = new Scrubber()
    scrubber.literal(fakes.awsEndpoint, 'fake-aws')
    scrubber.literal(fakes.github.url, 'fake-github')
    const files = new Map<string, string>()
    const session: Session = {
      fakes,
      scrubber,
      async run(label, inputs = {}, options = {}) {
        const from = { published: fakes.aws.published.length, calls: fakes.aws.calls.length }
        const result = await fakes.run(inputs, {
          ...options,
          env: { ...clock.env, ...options.env }
        })
        for (const [path, content] of await captureRun(label, result, fakes, from, scrubber)) {
          files.set(path, content)
        }
        return result
      }
    }
    await body(session)
    await checkGolden(name, files)
  } finally {
    await fakes.stop()
    clock.restore()
  }
}

const keyOf = (account: FakeAccount, userName: string) =>
  account.users.find((u) => u.userName === userName)

/** The sample account with a day of CloudTrail activity of alice's key and a session of hers. */
function accountWithActivity(): FakeAccount {
  const account = sampleAccount(START)
  const start = new Date(CLOCK_START - 20 * HOUR)
  const alice = { accessKeyId: 'AKIASAMPLEALICE00001', userName: 'alice', start }
  account.cloudTrail = [
    ...makeEvents({ ...alice, region: 'us-east-1', count: 30 }),
    ...makeEvents({
      ...alice,
      accessKeyId: 'ASIASESSIONALICE0001',
      region: 'us-east-1',
      count: 5,
      idPrefix: 's'
    })
  ]
  return account
}

/** alice (overdue, owner alice-gh), judy (overdue, no owner) and grace (ok). */
function smallAccount(): FakeAccount {
  const account = sampleAccount(START)
  account.users = account.users.filter((u) => ['alice', 'judy', 'grace'].includes(u.userName))
  return account
}

const NEVER_FAIL = { 'fail-on': 'never' }
const SNS = { 'sns-topic-arn': SAMPLE_TOPIC_ARN }
const INCIDENT = SNS
const dispatch = (event?: unknown): Partial<RunOptions> =>
  event === undefined
    ? { eventName: 'workflow_dispatch' }
    : { eventName: 'repository_dispatch', event }
const fixtureEvent = (name: string): unknown =>
  JSON.parse(readFileSync(`test/fixtures/events/${name}.json`, 'utf8'))

describe('audit and remediation channels', () => {
  it('audit of the sample account, report only', () =>
    scenario('audit-report', {}, async (s) => {
      await s.run('run-1')
    }))

  it('dry run of deactivate and of delete', () =>
    scenario('dry-run', {}, async (s) => {
      const inputs = { ...SNS, 'dry-run': 'true', ...NEVER_FAIL }
      await s.run('deactivate', { ...inputs, action: 'deactivate' })
      await s.run('delete', { ...inputs, action: 'delete' })
    }))

  it('applied deactivate', () =>
    scenario('deactivate', {}, async (s) => {
      await s.run('run-1', { ...SNS, action: 'deactivate' })
    }))

  it('staged delete: deactivate, wait out the grace period, delete, never a re-activated key', () =>
    scenario('staged-delete', {}, async (s) => {
      const account = s.fakes.aws.account()
      const inputs = { ...SNS, action: 'delete', 'delete-grace-days': '7' }
      await s.run('run-1', inputs)
      advanceClock(account, 3)
      await s.run('run-2-after-3-days', inputs)
      const alice = keyOf(account, 'alice')?.keys[0]
      if (alice) alice.status = 'Active'
      advanceClock(account, 5)
      await s.run('run-3-after-8-days', inputs)
    }))

  it('CloudTrail activity of every flagged key, one region denied', () =>
    scenario('activity-flagged', { accounts: accountWithActivity() }, async (s) => {
      s.fakes.aws.addFault(lookupDeniedIn('ap-south-1'))
      await s.run('run-1', {
        'activity-for': 'flagged',
        'cloudtrail-regions': 'us-east-1, ap-south-1',
        'create-issues': 'false',
        ...NEVER_FAIL
      })
    }))

  it('the credential-report scan of the varied account', () => {
    const account = variedAccount(40, START)
    return scenario('audit-credential-report', { accounts: account }, async (s) => {
      await s.run('run-1', {
        ...VARIED_INPUTS,
        'role-to-assume': account.roles?.[0] ?? '',
        'scan-method': 'credential-report',
        'create-issues': 'false'
      })
    })
  })
})

describe('failures, as each channel reports them', () => {
  it('one key change refused: the others done, the step failed', () =>
    scenario('deactivate-one-fails', {}, async (s) => {
      s.fakes.aws.addFault({
        action: 'UpdateAccessKey',
        match: (c) => c.params.AccessKeyId === 'AKIASAMPLEBOBOLD0001',
        fault: { status: 403, code: 'AccessDenied', message: 'explicit deny on bob' }
      })
      await s.run('run-1', { ...SNS, action: 'deactivate' })
    }))

  it('more changes than max-actions: nothing changed, the step failed', () =>
    scenario('over-max-actions', {}, async (s) => {
      await s.run('run-1', { action: 'deactivate', 'max-actions': '4', 'create-issues': 'false' })
    }))

  it('SNS refuses the publish', () =>
    scenario('sns-denied', {}, async (s) => {
      s.fakes.aws.addFault({
        action: 'Publish',
        fault: {
          status: 403,
          code: 'AuthorizationError',
          message: 'User is not authorized to perform: SNS:Publish'
        }
      })
      await s.run('run-1', { ...SNS, 'create-issues': 'false', ...NEVER_FAIL })
    }))

  it('GitHub refuses the issue writes', () =>
    scenario('issues-denied', { accounts: smallAccount() }, async (s) => {
      s.fakes.github.addFault({
        method: 'POST',
        status: 403,
        body: { message: 'Resource not accessible by integration' }
      })
      s.fakes.github.addFault({
        method: 'GET',
        path: /\/labels\//,
        status: 404,
        body: { message: 'Not Found' }
      })
      await s.run('run-1', NEVER_FAIL)
    }))
})

describe('incident channels', () => {
  it('revoke by input, with activity', () =>
    scenario('incident-by-input', { accounts: accountWithActivity() }, async (s) => {
      await s.run(
        'run-1',
        { ...INCIDENT, 'revoke-access-key-ids': 'AKIASAMPLEALICE00001' },
        dispatch()
      )
    }))

  it('revoke by an AWS Health event, with activity', () =>
    scenario('incident-by-event', { accounts: accountWithActivity() }, async (s) => {
      await s.run('run-1', INCIDENT, dispatch(fixtureEvent('aws-health')))
    }))

  it('delete from a Trusted Advisor event', () =>
    scenario('incident-trusted-advisor-delete', {}, async (s) => {
      await s.run(
        'run-1',
        { ...INCIDENT, action: 'delete' },
        dispatch(fixtureEvent('trusted-advisor'))
      )
    }))

  it('a key that does not exist: manual intervention', () =>
    scenario('incident-manual', {}, async (s) => {
      await s.run(
        'run-1',
        { ...INCIDENT, 'revoke-access-key-ids': 'AKIANOSUCHKEY0000001' },
        dispatch()
      )
    }))
})

describe('issue channels', () => {
  it('opens, updates a day later, closes a deleted key, then closes a deactivated one', () =>
    scenario('issues-lifecycle', { accounts: smallAccount() }, async (s) => {
      const account = s.fakes.aws.account()
      await s.run('run-1-open', NEVER_FAIL)
      advanceClock(account, 1)
      const judy = keyOf(account, 'judy')
      if (judy) judy.keys = []
      await s.run('run-2-update-and-close', NEVER_FAIL)
      await s.run('run-3-deactivate', { ...NEVER_FAIL, action: 'deactivate' })
    }))

  it('closes an exempted key as not planned and reopens it', () =>
    scenario('issues-reopen', { accounts: smallAccount() }, async (s) => {
      const judy = keyOf(s.fakes.aws.account(), 'judy')
      await s.run('run-1-open', NEVER_FAIL)
      if (judy) judy.tags = { 'iam-key-sentinel-exempt': 'migration until December' }
      await s.run('run-2-exempt', NEVER_FAIL)
      if (judy) judy.tags = {}
      await s.run('run-3-reopen', NEVER_FAIL)
    }))

  it('max-new-issues: the roll-up issue, then the rest opened and the roll-up closed', () =>
    scenario('issues-rollup', { accounts: smallAccount() }, async (s) => {
      const inputs = { ...NEVER_FAIL, 'max-new-issues': '1' }
      await s.run('run-1', inputs)
      await s.run('run-2', inputs)
    }))
})

describe('SNS channels', () => {
  it('the audit message to a standard topic', () =>
    scenario('sns', {}, async (s) => {
      await s.run('run-1', { 'sns-topic-arn': SAMPLE_TOPIC_ARN, ...NEVER_FAIL })
    }))

  it('a FIFO topic, published twice by the same run', () =>
    scenario('sns-fifo', {}, async (s) => {
      const inputs = {
        'sns-topic-arn': SAMPLE_FIFO_TOPIC_ARN,
        'create-issues': 'false',
        ...NEVER_FAIL
      }
      await s.run('attempt-1', inputs)
      await s.run('attempt-2', inputs, { env: { GITHUB_RUN_ATTEMPT: '2' } })
    }))

  it('a healthy account with notify-on: always', () => {
    const healthy = sampleAccount(START)
    healthy.users = healthy.users.filter((u) => ['grace', 'ivan', 'heidi'].includes(u.userName))
    return scenario('sns-healthy', { accounts: healthy }, async (s) => {
      await s.run('findings', { 'sns-topic-arn': SAMPLE_TOPIC_ARN })
      await s.run('always', { 'sns-topic-arn': SAMPLE_TOPIC_ARN, 'notify-on': 'always' })
    })
  })
})

const orgSetup = (): Setup => ({
  accounts: organizationAccounts(START),
  aws: { organization: ORGANIZATION, pageSize: 2 }
})

describe('organization channels', () => {
  it('list-accounts, the member audits one after another, then aggregate', () =>
    scenario('organization', orgSetup(), async (s) => {
      const listed = await s.run('list-accounts', {
        mode: 'list-accounts',
        'role-to-assume': ORG_READER,
        'exclude-accounts': MGMT
      })
      const matrix = JSON.parse(listed.outputs.matrix ?? '{"include":[]}') as {
        include: { 'account-id': string; 'role-arn': string }[]
      }
      // As actions/download-artifact lays them out: one folder per artifact.
      const reports = await mkdtemp(join(tempRoot(), 'iam-key-sentinel-golden-reports-'))
      s.scrubber.literal(reports, 'reports-directory')
      // One after another (a matrix runs them at once), so issue numbers do not race.
      for (const entry of matrix.include) {
        const id = entry['account-id']
        const audit = await s.run(`audit-${id}`, {
          ...ORG_AUDIT_INPUTS,
          'role-to-assume': HUB,
          'member-role-arn': entry['role-arn']
        })
        const path = audit.outputs['report-path']
        if (!path) continue
        await mkdir(join(reports, `iam-key-report-${id}`))
        const target = join(reports, `iam-key-report-${id}`, basename(path))
        if (id === STAGING) await writeFile(target, (await readFile(path, 'utf8')).slice(0, 300))
        else await copyFile(path, target)
      }
      // Another artifact in the same download, which aggregate must pass over.
      await mkdir(join(reports, 'coverage'))
      await writeFile(join(reports, 'coverage', 'summary.json'), JSON.stringify({ tool: 'jest' }))
      await s.run('aggregate', {
        mode: 'aggregate',
        'role-to-assume': HUB,
        'reports-directory': reports,
        'expected-accounts': listed.outputs.matrix ?? '',
        'sns-topic-arn': ORG_TOPIC,
        'notify-on': 'always'
      })
    }))

  it('list-accounts of one OU with a member role name', () =>
    scenario('list-accounts-ou', orgSetup(), async (s) => {
      await s.run('run-1', {
        mode: 'list-accounts',
        'role-to-assume': ORG_READER,
        'organizational-units': WORKLOADS,
        'member-role-name': 'security-audit'
      })
    }))
})
