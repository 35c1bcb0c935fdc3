// Security Hub and OCSF end to end: the built action imports the findings as ASFF, updates them
// in place as keys change and resolves those whose key was rotated, deleted or exempted, across
// three runs against the same fake Security Hub (test/support/fake-aws/security-hub.ts, which
// follows AWS's API reference where moto differs). The OCSF lines are checked against the
// Detection Finding schema in test/fixtures/ocsf.
import { afterEach, describe, expect, it } from '@jest/globals'
import { Ajv } from 'ajv'
import addFormats from 'ajv-formats'
import { readFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import type { FakeAccount } from '../support/fake-aws/index.js'
import { securityHubPaging } from '../support/fake-aws/security-hub.js'
import { startFakes, type Fakes } from '../support/harness.js'
import { SAMPLE_ACCOUNT_ID, SAMPLE_TOPIC_ARN, sampleAccount } from '../support/sample-account.js'

const DAY = 86_400_000
const REGION = 'us-east-1'
const PRODUCT = `arn:aws:securityhub:${REGION}:${SAMPLE_ACCOUNT_ID}:product/${SAMPLE_ACCOUNT_ID}/default`
const id = (subject: string) => `iam-key-sentinel/${SAMPLE_ACCOUNT_ID}/${subject}`
const HUB = { 'security-hub': 'true', 'fail-on': 'never', 'scan-method': 'api' }

type Stored = {
  Id: string
  Severity: { Label: string }
  CreatedAt: string
  FirstObservedAt: string
  UpdatedAt: string
  LastObservedAt: string
  Workflow: { Status: string }
  SourceUrl?: string
  ProductArn: string
  Resources: { Type: string; Id: string }[]
  Remediation: { Recommendation: { Text: string } }
  ProductFields: Record<string, string>
}

let fakes: Fakes
afterEach(async () => {
  securityHubPaging.pageSize = 100
  await fakes.stop()
})

function findings(): Map<string, Stored> {
  const all = fakes.aws.securityHubFindings(REGION) as unknown as Stored[]
  return new Map(all.map((f) => [f.Id, f]))
}

const statuses = () => Object.fromEntries([...findings()].map(([k, f]) => [k, f.Workflow.Status]))

function withRootKey(account: FakeAccount): FakeAccount {
  account.rootKeys = [
    {
      accessKeyId: 'AKIAROOTROOTROOT0001',
      status: 'Active',
      createDate: new Date(Date.now() - 400 * DAY)
    }
  ]
  return account
}

const userOf = (account: FakeAccount, name: string) => {
  const user = account.users.find((u) => u.userName === name)
  if (!user) throw new Error(`no user ${name}`)
  return user
}

describe('Security Hub', () => {
  it('imports, updates in place and resolves across three runs', async () => {
    fakes = await startFakes(withRootKey(sampleAccount()))
    // Three findings a page: the action must read every page of its own findings.
    securityHubPaging.pageSize = 3
    const account = fakes.aws.account()

    // Run 1: every finding is new.
    const first = await fakes.run(HUB)
    expect(first.code).toBe(0)
    expect(first.summary).toMatch(
      /\| Security Hub \| ✅ delivered \| .*8 new findings, 0 updated, 0 resolved/
    )
    const run1 = findings()
    expect([...run1.keys()].sort()).toEqual(
      [
        id('AKIASAMPLEALICE00001'),
        id('AKIASAMPLEBOBOLD0001'),
        id('AKIASAMPLECAROL00001'),
        id('AKIASAMPLEDAVE000001'),
        id('AKIASAMPLEERIN000001'),
        id('AKIASAMPLEJUDY000001'),
        id('user/bob/two-active-keys'),
        id('root/access-keys')
      ].sort()
    )
    const carol1 = run1.get(id('AKIASAMPLECAROL00001'))
    expect(carol1?.Severity.Label).toBe('LOW')
    expect(carol1?.ProductArn).toBe(PRODUCT)
    expect(carol1?.Resources.map((r) => [r.Type, r.Id])).toEqual([
      ['AwsIamAccessKey', 'AKIASAMPLECAROL00001'],
      ['AwsIamUser', `arn:aws:iam::${SAMPLE_ACCOUNT_ID}:user/carol`]
    ])
    expect(carol1?.Remediation.Recommendation.Text).toContain('AKIASAMPLECAROL00001')
    expect(run1.get(id('root/access-keys'))?.Severity.Label).toBe('CRITICAL')
    // The key's GitHub issue, which the same run opened.
    const aliceIssue = fakes.github.issues.find((i) =>
      (i.body ?? '').includes('AKIASAMPLEALICE00001')
    )
    expect(run1.get(id('AKIASAMPLEALICE00001'))?.SourceUrl).toBe(
      `https://github.com/acme/security/issues/${aliceIssue?.number}`
    )
    expect(new Set(Object.values(statuses()))).toEqual(new Set(['NEW']))

    // Between runs: carol's key ages into overdue, dave's is deleted, erin is exempted.
    userOf(account, 'carol').keys[0]!.createDate = new Date(Date.now() - 100 * DAY)
    userOf(account, 'dave').keys = []
    userOf(account, 'erin').tags = { 'iam-key-sentinel-exempt': 'batch job, retired soon' }

    const second = await fakes.run(HUB)
    expect(second.code).toBe(0)
    const run2 = findings()
    // No duplicate: carol's class change updated her one finding.
    expect(run2.size).toBe(8)
    const carol2 = run2.get(id('AKIASAMPLECAROL00001'))
    expect(carol2?.Severity.Label).toBe('HIGH')
    expect(carol2?.CreatedAt).toBe(carol1?.CreatedAt)
    expect(carol2?.FirstObservedAt).toBe(carol1?.FirstObservedAt)
    expect(Date.parse(carol2?.UpdatedAt ?? '')).toBeGreaterThan(Date.parse(carol1?.UpdatedAt ?? ''))
    expect(Date.parse(carol2?.LastObservedAt ?? '')).toBeGreaterThan(
      Date.parse(carol1?.LastObservedAt ?? '')
    )
    expect(statuses()).toMatchObject({
      [id('AKIASAMPLEDAVE000001')]: 'RESOLVED',
      [id('AKIASAMPLEERIN000001')]: 'RESOLVED',
      [id('AKIASAMPLECAROL00001')]: 'NEW',
      [id('AKIASAMPLEALICE00001')]: 'NEW'
    })
    expect(second.summary).toContain('0 new findings, 6 updated, 2 resolved')

    // Between runs: bob finishes his rotation (old key deleted), erin's exemption is lifted.
    const bob = userOf(account, 'bob')
    bob.keys = bob.keys.filter((k) => k.accessKeyId !== 'AKIASAMPLEBOBOLD0001')
    userOf(account, 'erin').tags = {}

    const third = await fakes.run(HUB)
    expect(third.code).toBe(0)
    expect(statuses()).toEqual({
      [id('AKIASAMPLEALICE00001')]: 'NEW',
      [id('AKIASAMPLEBOBOLD0001')]: 'RESOLVED',
      [id('user/bob/two-active-keys')]: 'RESOLVED',
      [id('AKIASAMPLECAROL00001')]: 'NEW',
      [id('AKIASAMPLEDAVE000001')]: 'RESOLVED',
      // Flagged again: reopened, still one finding.
      [id('AKIASAMPLEERIN000001')]: 'NEW',
      [id('AKIASAMPLEJUDY000001')]: 'NEW',
      [id('root/access-keys')]: 'NEW'
    })
    expect(third.summary).toContain('0 new findings, 5 updated, 2 resolved, 1 reopened')
    // dave's finding, resolved already, was not resolved again.
    const resolvedIds = fakes.aws
      .callsTo('BatchUpdateFindings')
      .flatMap(
        (c) => (JSON.parse(c.body) as { FindingIdentifiers: { Id: string }[] }).FindingIdentifiers
      )
      .map((f) => f.Id)
    expect(resolvedIds.filter((i) => i === id('AKIASAMPLEDAVE000001'))).toHaveLength(1)
    // Every read was paged: more than one GetFindings per run.
    expect(fakes.aws.callsTo('GetFindings').length).toBeGreaterThan(3)
  })

  it('incident mode imports the exposure; the next audit resolves it once the key is gone', async () => {
    fakes = await startFakes()
    const incident = await fakes.run({
      ...HUB,
      'revoke-access-key-ids': 'AKIASAMPLEALICE00001',
      action: 'delete'
    })
    expect(incident.code).toBe(0)
    const exposure = id('AKIASAMPLEALICE00001/exposure')
    // Only the exposure: an incident neither imports nor resolves the audit's findings.
    expect([...findings().keys()]).toEqual([exposure])
    const stored = findings().get(exposure)
    expect(stored?.Severity.Label).toBe('CRITICAL')
    expect(stored?.Resources.map((r) => r.Type)).toEqual(['AwsIamAccessKey', 'AwsIamUser'])
    expect(stored?.ProductFields['iam-key-sentinel/kind']).toBe('exposure-revoked')

    await fakes.run(HUB)
    expect(statuses()[exposure]).toBe('RESOLVED')
    // The deleted key has no audit finding.
    expect(findings().has(id('AKIASAMPLEALICE00001'))).toBe(false)
  })

  it("leaves a user's findings alone when the run could not read the user's keys", async () => {
    fakes = await startFakes()
    await fakes.run(HUB)
    // Next run: dave's keys cannot be listed, and alice's key is gone.
    fakes.aws.addFault({
      action: 'ListAccessKeys',
      match: (c) => c.params.UserName === 'dave',
      fault: { status: 400, code: 'ServiceFailure', message: 'Internal failure' }
    })
    userOf(fakes.aws.account(), 'alice').keys = []
    await fakes.run(HUB)
    expect(statuses()).toMatchObject({
      [id('AKIASAMPLEDAVE000001')]: 'NEW',
      [id('AKIASAMPLEALICE00001')]: 'RESOLVED'
    })
  })

  it('dry run: reads, says what it would write, writes nothing', async () => {
    fakes = await startFakes()
    const result = await fakes.run({ ...HUB, action: 'deactivate', 'dry-run': 'true' })
    expect(result.code).toBe(0)
    expect(fakes.aws.callsTo('GetFindings').length).toBeGreaterThan(0)
    expect(fakes.aws.callsTo('BatchImportFindings')).toHaveLength(0)
    expect(fakes.aws.callsTo('BatchUpdateFindings')).toHaveLength(0)
    expect(findings().size).toBe(0)
    expect(result.summary).toMatch(
      /Security Hub \| ⏸️ dry run: not sent \| Would write to arn:aws:securityhub:/
    )
    expect(result.summary).toContain('7 new findings')
    expect(result.stdout).toContain(`would import ${id('AKIASAMPLEALICE00001')}`)
  })

  it('without securityhub:BatchImportFindings: a clear error naming it, other channels delivered', async () => {
    fakes = await startFakes()
    const policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: '*', Resource: '*' },
        { Effect: 'Deny', Action: 'securityhub:BatchImportFindings', Resource: '*' }
      ]
    })
    const result = await fakes.run({
      ...HUB,
      'inline-session-policy': policy,
      'sns-topic-arn': SAMPLE_TOPIC_ARN
    })
    expect(result.code).not.toBe(0)
    expect(result.summary).toMatch(
      /\| Security Hub \| ❌ failed \| securityhub:BatchImportFindings failed: .*AccessDenied/
    )
    expect(result.summary).toContain('Allow securityhub:BatchImportFindings for the role')
    expect(result.stdout + result.stderr).toContain('Security Hub delivery failed')
    // The other channels and the report are still delivered.
    expect(fakes.aws.published).toHaveLength(1)
    expect(result.summary).toContain('| SNS | ✅ delivered |')
    expect(fakes.github.issues.length).toBeGreaterThan(0)
    expect(result.outputs['report-path']).toBeTruthy()
  })

  it('off by default: no Security Hub call at all', async () => {
    fakes = await startFakes()
    await fakes.run({ 'fail-on': 'never' })
    expect(fakes.aws.calls.filter((c) => c.service === 'securityhub')).toHaveLength(0)
  })
})

/** The attributes the test reads; the schema checks the rest. */
interface OcsfLine {
  class_uid: number
  activity_id: number
  type_uid: number
  severity: string
  severity_id: number
  cloud: { account: { uid: string } }
  resources: { uid: string }[]
  finding_info: { uid: string; src_url?: string }
}

describe('OCSF report', () => {
  const schema = JSON.parse(
    readFileSync('test/fixtures/ocsf/detection-finding-1.7.0.schema.json', 'utf8')
  ) as object
  const ajv = new Ajv({ allErrors: true, strict: false })
  addFormats.default(ajv)
  const validate = ajv.compile(schema)

  it('writes one valid Detection Finding a line, beside the JSON report', async () => {
    fakes = await startFakes(withRootKey(sampleAccount()))
    const result = await fakes.run({ 'ocsf-report': 'true', 'fail-on': 'never' })
    expect(result.code).toBe(0)
    const path = result.outputs['ocsf-report-path'] ?? ''
    expect(path).toBe((result.outputs['report-path'] ?? '').replace(/\.json$/, '.ocsf.jsonl'))
    const text = await readFile(path, 'utf8')
    expect(text.endsWith('\n')).toBe(true)
    const lines = text
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as OcsfLine)
    expect(lines).toHaveLength(8)
    for (const line of lines) {
      expect([validate(line), validate.errors]).toEqual([true, null])
      expect(line.class_uid * 100 + line.activity_id).toBe(line.type_uid)
    }
    const alice = lines.find((l) => l.finding_info.uid === id('AKIASAMPLEALICE00001'))
    expect(alice?.severity).toBe('High')
    expect(alice?.severity_id).toBe(4)
    expect(alice?.cloud.account.uid).toBe(SAMPLE_ACCOUNT_ID)
    expect(alice?.resources[0]?.uid).toBe('AKIASAMPLEALICE00001')
    expect(alice?.finding_info.src_url).toMatch(/\/issues\/\d+$/)
    // A line the schema must refuse: the check is not vacuous.
    expect(validate({ ...alice, class_uid: 2001 })).toBe(false)
  })

  it('writes nothing without ocsf-report', async () => {
    fakes = await startFakes()
    const result = await fakes.run({ 'fail-on': 'never' })
    expect(result.outputs['ocsf-report-path']).toBeUndefined()
  })
})
