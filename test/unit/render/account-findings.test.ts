// The job summary's account-level findings: the exemption inventory (escaped), users with two
// active keys, the root user's keys with what to do, and the expired exemption in an issue.
import { describe, expect, it } from '@jest/globals'
import { exemptionInventory, usersWithTwoActiveKeys } from '../../../src/domain/account-findings.js'
import { classify, countClasses } from '../../../src/domain/classify.js'
import { DAY_MS } from '../../../src/domain/dates.js'
import { exemptByTag } from '../../../src/domain/exemptions.js'
import type { ScanInfo } from '../../../src/domain/scan-info.js'
import { failureReasons } from '../../../src/domain/verdict.js'
import type { AuditReport } from '../../../src/domain/report.js'
import type { AccessKey, Exemption, Finding } from '../../../src/domain/types.js'
import { renderKeyIssueBody } from '../../../src/render/issue.js'
import { renderSummary, type SummaryInput } from '../../../src/render/summary.js'

const NOW = new Date('2026-12-15T12:00:00Z')
const T = { maxAgeDays: 90, warnDays: 14, unusedDays: 0 }
const TAG = 'iam-key-sentinel-exempt'

function finding(userName: string, ageDays: number, exemption?: Exemption, id?: string): Finding {
  const key: AccessKey = {
    userName,
    accessKeyId:
      id ??
      `AKIA${userName
        .toUpperCase()
        .replace(/[^A-Z]/g, '')
        .padEnd(16, 'X')}`,
    status: 'Active',
    createDate: new Date(NOW.getTime() - ageDays * DAY_MS),
    lastUse: { kind: 'never' }
  }
  return classify(key, NOW, T, exemption ? [exemption] : [])
}
const tag = (value: string): Exemption => exemptByTag(new Map([[TAG, value]]), TAG) as Exemption

function input(findings: Finding[], over: Partial<SummaryInput> = {}): SummaryInput {
  return {
    accountId: '123456789012',
    generatedAt: NOW,
    thresholds: T,
    userCount: findings.length,
    findings,
    counts: countClasses(findings),
    errors: [],
    exemptions: exemptionInventory(findings, 365),
    twoActiveKeys: usersWithTwoActiveKeys(findings),
    ...over
  }
}

describe('the exemption inventory in the summary', () => {
  it('lists source, why, until, approver and status, and says what needs an end', () => {
    const findings = [
      finding(
        'vendor',
        120,
        tag('until=2027-01-31 reason=vendor contract ticket=SEC-123 approved-by=alice')
      ),
      finding('legacy', 120, tag('rotated by hand')),
      finding('gone', 120, tag('until=2026-12-14 reason=migration')),
      finding('ci-deploy', 120, { kind: 'excluded-user', pattern: 'ci-*' })
    ]
    const md = renderSummary(input(findings))
    expect(md).toContain('### Exemptions (4 keys, 1 expired, 1 needing an end)')
    expect(md).toContain(
      '1 key is classed again: its exemption expired. 1 exemption has no end or ends more than 365 days ahead (exemption-max-days): still exempt, but give it an end.'
    )
    expect(md).toContain(
      '| vendor | AKIAVENDORXXXXXXXXXX | 🔴 overdue | tag iam-key-sentinel-exempt | vendor contract (SEC-123) | 2027-01-31 | alice | active |'
    )
    expect(md).toContain(
      '| legacy | AKIALEGACYXXXXXXXXXX | 🔴 overdue | tag iam-key-sentinel-exempt | rotated by hand | no end | — | ⚠️ needs an end |'
    )
    expect(md).toContain('| 🔴 exemption expired on 2026-12-14 |')
    expect(md).toContain(
      '| exclude-users ci-&#42; | standing rule of the workflow | no end | — | standing |'
    )
    // The expired key is back among the keys needing action, saying why.
    expect(md).toMatch(
      /\| gone \| AKIAGONE\S* \| 🔴 overdue \(exemption expired on 2026-12-14: tag iam-key-sentinel-exempt\) \|/
    )
  })

  it('escapes every value read from AWS', () => {
    const md = renderSummary(
      input([finding('svc', 120, tag('reason=see @security-team <b>x</b> approved-by=@mallory'))])
    )
    expect(md).toContain('see @&#8203;security-team &lt;b&gt;x&lt;/b&gt;')
    expect(md).toContain('| @&#8203;mallory |')
    expect(md).not.toMatch(/(^|[^;])@mallory/)
  })

  it('is left out when no key is exempt', () => {
    expect(renderSummary(input([finding('alice', 120)]))).not.toContain('### Exemptions')
  })
})

describe('users with two active keys in the summary', () => {
  it('lists them with both keys and what to do, without failing the step', () => {
    const findings = [
      finding('bob', 200, undefined, 'AKIABOBOLD0000000001'),
      finding('bob', 10, undefined, 'AKIABOBNEW0000000002')
    ]
    const md = renderSummary(input(findings))
    expect(md).toContain('### Users with two active access keys (1)')
    expect(md).toContain(
      '| bob | AKIABOBOLD0000000001 (200 days old, never used)<br>AKIABOBNEW0000000002 (10 days old, never used) |'
    )
    expect(md).toContain('deactivate the older one')
    expect(md).not.toContain('named by its slot')
    const bySlot = renderSummary({
      ...input([]),
      twoActiveKeys: [
        {
          userName: 'erin',
          keys: [
            {
              slot: 1,
              createDate: new Date('2026-01-02T03:04:05Z'),
              ageDays: 30,
              lastUse: { kind: 'never' }
            },
            {
              slot: 2,
              createDate: new Date('2026-01-20T03:04:05Z'),
              ageDays: 12,
              lastUse: { kind: 'never' }
            }
          ]
        }
      ]
    })
    expect(bySlot).toContain(
      '| erin | access key 1, created 2026-01-02 (30 days old, never used)<br>access key 2, created 2026-01-20 (12 days old, never used) |'
    )
    expect(bySlot).toContain('A key named by its slot is as the credential report shows it')
    const report = {
      counts: countClasses(findings),
      keys: findings,
      errors: []
    } as unknown as AuditReport
    expect(failureReasons({ ...report, keys: [] }, 'overdue')).toEqual([])
  })
})

describe("the root user's keys in the summary and the verdict", () => {
  const api = (rootKeyCheck: ScanInfo['rootKeyCheck']): ScanInfo => ({
    requested: 'api',
    method: 'api',
    reason: 'scan-method: api',
    rootKeyCheck
  })
  const verdict = (scan: ScanInfo) =>
    failureReasons(
      { counts: countClasses([]), keys: [], errors: [], scan } as unknown as AuditReport,
      'overdue'
    )

  it('keys present by GetAccountSummary: a finding, what to do, and the step fails', () => {
    const md = renderSummary(input([], { scan: api({ present: true }) }))
    expect(md).toContain('### Root user access keys')
    expect(md).toContain('The root user has access keys (GetAccountSummary)')
    expect(md).toContain('No IAM role can change the root user')
    expect(md).toContain(
      '`aws sts assume-root --target-principal 123456789012 --task-policy-arn arn=arn:aws:iam::aws:policy/root-task/IAMDeleteRootUserCredentials`'
    )
    expect(verdict(api({ present: true }))).toEqual([
      'The root user has access keys (GetAccountSummary): delete them (see "Root user access keys" in the job summary).'
    ])
  })

  it('no keys: one line in the header, nothing to do', () => {
    const md = renderSummary(input([], { scan: api({ present: false }) }))
    expect(md).toContain('Root user access keys: none (GetAccountSummary).')
    expect(md).not.toContain('### Root user access keys')
    expect(verdict(api({ present: false }))).toEqual([])
  })

  it('a denied check is said, with what to grant, and does not fail the step', () => {
    const scan = api({ error: 'iam:GetAccountSummary failed: User is not authorized' })
    const md = renderSummary(input([], { scan }))
    expect(md).toContain(
      '⚠️ iam:GetAccountSummary failed: User is not authorized. Grant iam:GetAccountSummary to the audit role'
    )
    expect(verdict(scan)).toEqual([])
  })
})

describe('an expired exemption in the issue', () => {
  it('says the exemption expired on its date, and what it said', () => {
    const f = finding(
      'vendor',
      120,
      tag('until=2026-12-01 reason=vendor contract approved-by=alice')
    )
    const body = renderKeyIssueBody(
      { finding: f, owner: { kind: 'none' } },
      {
        accountId: '123456789012',
        thresholds: T,
        action: 'report',
        deleteGraceDays: 7,
        runUrl: 'https://github.com/o/r/actions/runs/1',
        runId: '1'
      }
    )
    expect(body).toContain(
      "> This key's exemption expired on 2026-12-01 (tag iam-key-sentinel-exempt: vendor contract; approved by alice), so it is checked again."
    )
  })
})
