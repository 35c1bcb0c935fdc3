// End to end, an organization audit as the example workflow runs it (examples/workflows/
// organization-audit.yml): list-accounts → one audit per account through role chaining (OIDC into
// the hub role, sts:AssumeRole into the member role) → aggregate over the downloaded reports.
// The built dist/index.js runs against a fake AWS holding an organization of several accounts.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { copyFile, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tempRoot } from '../support/temp-root.js'
import { basename, join } from 'node:path'
import { startFakes, type Fakes } from '../support/harness.js'
import {
  DEV,
  DEV_OU,
  HUB,
  MGMT,
  ORG_AUDIT_INPUTS,
  ORG_READER,
  ORG_TOPIC,
  ORGANIZATION,
  PROD_A,
  PROD_B,
  PROD_OU,
  SECURITY,
  STAGING,
  WORKLOADS,
  member,
  organizationAccounts
} from '../support/organization.js'
import type { RunResult } from '../support/run-action.js'

const ACCOUNTS = organizationAccounts()

interface Entry {
  'account-id': string
  'account-name': string
  'role-arn': string
}

interface Report {
  accountId: string
  counts: Record<string, number>
}

const matrixOf = (result: RunResult): Entry[] =>
  (JSON.parse(result.outputs.matrix ?? '{}') as { include: Entry[] }).include

const log = (result: RunResult): string => `${result.stdout}\n${result.stderr}`

describe('organization audit: list-accounts, matrix audits through role chaining, aggregate', () => {
  let fakes: Fakes
  let listed: RunResult
  const audits = new Map<string, RunResult>()
  let auditCallsFrom = 0

  beforeAll(async () => {
    fakes = await startFakes(ACCOUNTS, { organization: ORGANIZATION, pageSize: 2 })
    listed = await fakes.run({
      mode: 'list-accounts',
      'role-to-assume': ORG_READER,
      'exclude-accounts': MGMT
    })
    auditCallsFrom = fakes.aws.calls.length
    // The matrix: every job at once (max-parallel is the workflow's business).
    const results = await Promise.all(
      matrixOf(listed).map((entry) =>
        fakes.run({
          ...ORG_AUDIT_INPUTS,
          'role-to-assume': HUB,
          'member-role-arn': entry['role-arn']
        })
      )
    )
    matrixOf(listed).forEach((entry, i) => audits.set(entry['account-id'], results[i] as RunResult))
  })
  afterAll(() => fakes.stop())

  it('lists the active accounts of the organization, page by page, as a ready matrix', () => {
    expect([listed.code, log(listed)]).toEqual([0, expect.any(String)])
    expect(matrixOf(listed)).toEqual([
      { 'account-id': SECURITY, 'account-name': 'Security', 'role-arn': member(SECURITY) },
      { 'account-id': PROD_A, 'account-name': 'Prod A', 'role-arn': member(PROD_A) },
      { 'account-id': PROD_B, 'account-name': 'Prod B', 'role-arn': member(PROD_B) },
      { 'account-id': DEV, 'account-name': 'Dev', 'role-arn': member(DEV) },
      { 'account-id': STAGING, 'account-name': 'Staging', 'role-arn': member(STAGING) }
    ])
    expect(listed.outputs['account-count']).toBe('5')
    expect(listed.outputs['account-ids']).toBe([SECURITY, PROD_A, PROD_B, DEV, STAGING].join(','))
    expect(listed.outputs['chunk-count']).toBe('1')
    expect(JSON.parse(listed.outputs.chunks ?? '')).toEqual({
      include: [{ chunk: 1, matrix: { include: matrixOf(listed) } }]
    })
    // Seven accounts in pages of two; every call made as the management account's role.
    const orgCalls = fakes.aws.calls
      .slice(0, auditCallsFrom)
      .filter((c) => c.service === 'organizations')
    expect(orgCalls.map((c) => c.action)).toEqual([
      'DescribeOrganization',
      'ListAccounts',
      'ListAccounts',
      'ListAccounts',
      'ListAccounts'
    ])
    for (const c of orgCalls) expect(fakes.aws.sessionOf(c.accessKeyId)?.roleArn).toBe(ORG_READER)
    expect(listed.summary).toContain('## IAM Key Sentinel: organization accounts')
    expect(listed.summary).toMatch(/\| 300000000009 \| Old sandbox \| not active \(SUSPENDED\) \|/)
    expect(listed.summary).toMatch(/\| 100000000001 \| Management \| exclude-accounts \|/)
  })

  it('audits each member account through the hub role, and only that account', async () => {
    const calls = fakes.aws.calls.slice(auditCallsFrom)
    const web = calls.filter((c) => c.action === 'AssumeRoleWithWebIdentity')
    expect(web.map((c) => c.params.RoleArn)).toEqual(Array(5).fill(HUB))
    const chained = calls.filter((c) => c.action === 'AssumeRole')
    expect(chained.map((c) => c.params.RoleArn).sort()).toEqual(
      [SECURITY, PROD_A, PROD_B, DEV, STAGING].map(member).sort()
    )
    // Each AssumeRole is signed by a hub session: role chaining, not the job's own keys.
    for (const c of chained) expect(fakes.aws.sessionOf(c.accessKeyId)?.roleArn).toBe(HUB)
    for (const c of chained) expect(Number(c.params.DurationSeconds)).toBeLessThanOrEqual(3600)

    // Every IAM call is made by a member role session, in the account of that role.
    const iam = calls.filter((c) => c.service === 'iam')
    const hit = new Set<string>()
    for (const c of iam) {
      const session = fakes.aws.sessionOf(c.accessKeyId)
      expect(session?.roleArn).toBe(member(session?.accountId ?? ''))
      hit.add(session?.accountId ?? '')
    }
    expect([...hit].sort()).toEqual([SECURITY, PROD_A, PROD_B, STAGING])
    // The member sessions are masked in the log of the run that assumed them.
    const masked = new Set(
      [...audits.values()].flatMap((r) =>
        [...r.stdout.matchAll(/^::add-mask::(.+)$/gm)].map((m) => m[1])
      )
    )
    for (const c of iam) expect(masked.has(c.accessKeyId)).toBe(true)

    for (const id of [SECURITY, PROD_A, PROD_B, STAGING]) {
      const result = audits.get(id) as RunResult
      expect([id, result.code]).toEqual([id, 0])
      expect(result.outputs['account-id']).toBe(id)
      const report = JSON.parse(
        await readFile(result.outputs['report-path'] ?? '', 'utf8')
      ) as Report
      expect(report.accountId).toBe(id)
      expect(basename(result.outputs['report-path'] ?? '')).toContain(id)
    }
    expect(
      JSON.parse(await readFile(audits.get(PROD_A)?.outputs['report-path'] ?? '', 'utf8')).counts
    ).toMatchObject({
      overdue: 2,
      'due-soon': 1,
      ok: 1,
      total: 4
    })
  })

  it('each role calls only what its documented policy grants', () => {
    const policies = JSON.parse(readFileSync('examples/aws/permissions.json', 'utf8')) as {
      member: string[]
      hub: string[]
      'organization-reader': string[]
    }
    const granted: Record<string, string[]> = {
      [ORG_READER]: policies['organization-reader'],
      [HUB]: policies.hub
    }
    // GetCallerIdentity needs no permission; the OIDC exchange is the trust policy's business.
    const free = new Set(['sts:GetCallerIdentity', 'sts:AssumeRoleWithWebIdentity'])
    const byRole = new Map<string, Set<string>>()
    for (const c of fakes.aws.calls) {
      const role = fakes.aws.sessionOf(c.accessKeyId)?.roleArn
      const action = `${c.service}:${c.action}`
      if (!role || free.has(action)) continue
      byRole.set(role, (byRole.get(role) ?? new Set()).add(action))
    }
    expect(byRole.size).toBeGreaterThanOrEqual(3)
    for (const [role, actions] of byRole) {
      const allowed =
        granted[role] ?? (role.endsWith('/iam-key-sentinel-member') ? policies.member : [])
      expect([role, [...actions].filter((a) => !allowed.includes(a))]).toEqual([role, []])
    }
  })

  it('fails the job of an account without the member role, naming the role and the trust policy', () => {
    const dev = audits.get(DEV) as RunResult
    expect(dev.code).toBe(1)
    expect(dev.outputs['report-path']).toBeUndefined()
    expect(dev.stdout).toContain(
      `Assuming ${member(DEV)} with sts:AssumeRole from ${HUB} failed: AccessDenied`
    )
    expect(dev.stdout).toContain(`Check the trust policy of ${member(DEV)}`)
  })

  describe('aggregate over the downloaded reports, one missing and one malformed', () => {
    let aggregated: RunResult
    let reports: Report[]

    beforeAll(async () => {
      // As actions/download-artifact lays them out: one folder per artifact.
      const dir = await mkdtemp(join(tempRoot(), 'iam-key-sentinel-reports-'))
      reports = []
      for (const [id, result] of audits) {
        const path = result.outputs['report-path']
        if (!path) continue
        const folder = join(dir, `iam-key-report-${id}`)
        await mkdir(folder)
        const target = join(folder, basename(path))
        if (id === STAGING) await writeFile(target, (await readFile(path, 'utf8')).slice(0, 300))
        else {
          await copyFile(path, target)
          reports.push(JSON.parse(await readFile(path, 'utf8')) as Report)
        }
      }
      await mkdir(join(dir, 'coverage'))
      await writeFile(join(dir, 'coverage', 'summary.json'), JSON.stringify({ tool: 'jest' }))
      fakes.aws.published.length = 0
      aggregated = await fakes.run({
        mode: 'aggregate',
        'role-to-assume': HUB,
        'reports-directory': dir,
        'expected-accounts': listed.outputs.matrix ?? '',
        'sns-topic-arn': ORG_TOPIC,
        'notify-on': 'always'
      })
    })

    it('fails the step naming the account without a report and the unreadable one', () => {
      expect(aggregated.code).toBe(1)
      expect(aggregated.stdout).toMatch(
        /::error::No report for 1 of 5 expected accounts: 300000000005 \(Dev\)\. Their audit jobs failed/
      )
      expect(aggregated.stdout).toContain(
        'The report of 1 account could not be read: 300000000006 (Staging): it is not valid JSON'
      )
      expect(JSON.parse(aggregated.outputs['failed-accounts'] ?? '')).toEqual([DEV, STAGING])
    })

    it('sums the per-account reports into the outputs and the summary', () => {
      expect(reports.map((r) => r.accountId).sort()).toEqual([SECURITY, PROD_A, PROD_B].sort())
      const sum = (k: string): number => reports.reduce((n, r) => n + (r.counts[k] ?? 0), 0)
      expect(aggregated.outputs['key-count']).toBe(String(sum('total')))
      expect(aggregated.outputs['overdue-count']).toBe(String(sum('overdue')))
      expect(aggregated.outputs['due-soon-count']).toBe(String(sum('due-soon')))
      expect(aggregated.outputs['unused-count']).toBe(String(sum('unused')))
      expect(sum('overdue')).toBe(3)

      const s = aggregated.summary
      expect(s).toContain('## IAM Key Sentinel: organization audit')
      expect(s).toContain('5 accounts expected · 3 reported · ❌ **2** without a usable report')
      expect(s).toContain(`| 🔴 overdue | ${sum('overdue')} |`)
      expect(s).toContain(`| 🟠 unused | ${sum('unused')} |`)
      expect(s).toContain(`| 🟡 due soon | ${sum('due-soon')} |`)
      expect(s).toContain(`| **total** | **${sum('total')}** |`)
      for (const r of reports) {
        const c = r.counts
        expect(s).toContain(
          `| ✅ reported | ${c.overdue} | ${c.unused} | ${c['due-soon']} | ${c.inactive} | ${c.exempt} | ${c.ok} | ${c.total} |`
        )
      }
      expect(s).toMatch(/\| 300000000005 \| Dev \| ❌ no report \| — \|/)
      expect(s).toMatch(/\| 300000000006 \| Staging \| ❌ unreadable report \| — \|/)
      expect(s).toContain('### ❌ Accounts without a usable report (2)')
      expect(s).toContain('xychart-beta horizontal')
      // Each account's name beside its ID.
      expect(s).toContain(`x-axis ["${PROD_A} Prod A", "${PROD_B} Prod B"]`)
      expect(s).toContain('bar [2, 1]')
      expect(s).toContain('### Worst keys')
      expect(s).toContain('summary.json')
    })

    it('lists every account in the accounts output and the organization report', async () => {
      const accounts = JSON.parse(aggregated.outputs.accounts ?? '') as {
        accountId: string
        status: string
      }[]
      expect(Object.fromEntries(accounts.map((a) => [a.accountId, a.status]))).toEqual({
        [SECURITY]: 'reported',
        [PROD_A]: 'reported',
        [PROD_B]: 'reported',
        [DEV]: 'missing',
        [STAGING]: 'unreadable'
      })
      const org = JSON.parse(await readFile(aggregated.outputs['report-path'] ?? '', 'utf8'))
      expect(org).toMatchObject({
        tool: 'iam-key-sentinel-organization',
        failedAccounts: [DEV, STAGING]
      })
    })

    it('publishes one SNS digest naming the failed accounts', () => {
      expect(fakes.aws.published).toHaveLength(1)
      const [digest] = fakes.aws.published
      expect(digest?.topicArn).toBe(ORG_TOPIC)
      expect(digest?.subject).toBe(
        'IAM Key Sentinel organization: 3 overdue, 1 unused, 1 due soon in 5 accounts, 2 without a report'
      )
      expect(digest?.message).toContain('Accounts without a usable report (2):')
      expect(digest?.message).toContain(`- ${DEV} (Dev): no report.`)
      expect(digest?.message).toContain(
        `- ${PROD_A} (Prod A): 2 overdue, 0 unused, 1 due soon of 4 keys`
      )
      expect(digest?.attributes.account?.StringValue).toBe('organization')
      expect(aggregated.outputs['sns-message-id']).toBe(digest?.messageId)
    })
  })
})

describe('list-accounts: OUs, permissions and inputs', () => {
  let fakes: Fakes
  beforeAll(async () => {
    fakes = await startFakes(ACCOUNTS, { organization: ORGANIZATION, pageSize: 2 })
  })
  afterAll(() => fakes.stop())

  it('walks an OU and the OUs nested in it, skipping the suspended account', async () => {
    fakes.aws.calls.length = 0
    const result = await fakes.run({
      mode: 'list-accounts',
      'role-to-assume': ORG_READER,
      'organizational-units': WORKLOADS,
      'member-role-name': 'security-audit'
    })
    expect([result.code, log(result)]).toEqual([0, expect.any(String)])
    expect(matrixOf(result).map((e) => e['account-id'])).toEqual([PROD_A, PROD_B, DEV, STAGING])
    expect(matrixOf(result)[0]?.['role-arn']).toBe(`arn:aws:iam::${PROD_A}:role/security-audit`)
    const parents = (action: string): string[] =>
      fakes.aws.callsTo(action).map((c) => c.params.ParentId ?? '')
    expect([...new Set(parents('ListOrganizationalUnitsForParent'))]).toEqual([
      WORKLOADS,
      PROD_OU,
      DEV_OU
    ])
    expect([...new Set(parents('ListAccountsForParent'))]).toEqual([WORKLOADS, PROD_OU, DEV_OU])
    expect(fakes.aws.callsTo('ListAccounts')).toHaveLength(0)
    expect(result.summary).toMatch(/\| 300000000009 \| Old sandbox \| not active \(SUSPENDED\) \|/)
  })

  it('names the OU input when an OU is not in the organization', async () => {
    const result = await fakes.run({
      mode: 'list-accounts',
      'role-to-assume': ORG_READER,
      'organizational-units': 'ou-ab12-nothere1'
    })
    expect(result.code).toBe(1)
    expect(result.stdout).toContain('ParentNotFoundException')
    expect(result.stdout).toContain("Check 'organizational-units'")
  })

  it('says which account may list the organization when a member account tries', async () => {
    const result = await fakes.run({ mode: 'list-accounts', 'role-to-assume': HUB })
    expect(result.code).toBe(1)
    expect(result.stdout).toContain('AccessDeniedException')
    expect(result.stdout).toContain('management account (or a delegated administrator account)')
  })

  it('chains from the credentials already in the job with role-chaining: true', async () => {
    fakes.aws.calls.length = 0
    const result = await fakes.run(
      {
        ...ORG_AUDIT_INPUTS,
        'role-to-assume': '',
        'role-chaining': 'true',
        'member-role-arn': member(PROD_B)
      },
      { env: { AWS_ACCESS_KEY_ID: 'AKIAJOBCREDENTIALS01', AWS_SECRET_ACCESS_KEY: 'job-secret' } }
    )
    expect([result.code, log(result)]).toEqual([0, expect.any(String)])
    expect(fakes.aws.callsTo('AssumeRoleWithWebIdentity')).toHaveLength(0)
    const [assume] = fakes.aws.callsTo('AssumeRole')
    expect(assume?.accessKeyId).toBe('AKIAJOBCREDENTIALS01')
    expect(assume?.params.RoleArn).toBe(member(PROD_B))
    expect(result.outputs['account-id']).toBe(PROD_B)
  })

  it('rejects a malformed OU, account ID or role name before any call', async () => {
    fakes.aws.calls.length = 0
    const result = await fakes.run({
      mode: 'list-accounts',
      'role-to-assume': ORG_READER,
      'organizational-units': 'ou-Prod',
      'exclude-accounts': '12345',
      'member-role-name': 'bad role'
    })
    expect(result.code).toBe(1)
    expect(result.stdout).toContain(
      "'organizational-units' entries must be organizational unit IDs"
    )
    expect(result.stdout).toContain("'exclude-accounts' entries must be 12-digit AWS account IDs")
    expect(result.stdout).toContain("'member-role-name' must be an IAM role name")
    expect(fakes.aws.calls).toEqual([])
  })
})
