// One finding through every channel (job summary, issue body, SNS message, organization digest and
// summary): the same deadline (date and days), the same class name, the same plurals.
import { describe, expect, it } from '@jest/globals'
import { classify, countClasses } from '../../../src/domain/classify.js'
import { DAY_MS } from '../../../src/domain/dates.js'
import { aggregate } from '../../../src/classify/organization.js'
import { readReportFile } from '../../../src/scan/report-file.js'
import { renderAggregateSummary } from '../../../src/render/organization.js'
import { renderDigest } from '../../../src/render/organization-digest.js'
import { renderKeyIssueBody } from '../../../src/render/issue.js'
import { renderMessage } from '../../../src/render/sns-message.js'
import type { AuditReport } from '../../../src/domain/report.js'
import { renderSummary } from '../../../src/render/summary.js'
import type { Finding, Thresholds } from '../../../src/domain/types.js'
import { keyFacts } from '../../../src/render/wording.js'

const NOW = new Date('2026-12-01T12:00:00Z')
const T: Thresholds = { maxAgeDays: 90, warnDays: 14, unusedDays: 30 }
const RUN = 'https://github.com/acme/security/actions/runs/9'
const ACCOUNT = '123456789012'

function finding(userName: string, ageDays: number, lastUsedDaysAgo = 0): Finding {
  const date = (days: number) => new Date(NOW.getTime() - days * DAY_MS - 3_600_000)
  return classify(
    {
      userName,
      accessKeyId: `AKIA${userName.toUpperCase().padEnd(16, 'X')}`,
      status: 'Active',
      createDate: date(ageDays),
      lastUse: { kind: 'used', date: date(lastUsedDaysAgo), serviceName: 's3', region: 'eu-west-1' }
    },
    NOW,
    T
  )
}

function report(keys: Finding[]): AuditReport {
  return {
    tool: 'iam-key-sentinel',
    schemaVersion: 1,
    accountId: ACCOUNT,
    generatedAt: NOW.toISOString(),
    thresholds: T,
    userCount: keys.length,
    counts: countClasses(keys),
    keys,
    errors: []
  }
}

/** Every channel's text for the report, each with the finding in it. */
function channels(r: AuditReport, f: Finding): Record<string, string> {
  const org = aggregate(
    [{ accountId: ACCOUNT, name: 'prod' }],
    [readReportFile(`r/iam-key-sentinel-${ACCOUNT}.json`, JSON.stringify(r))]
  )
  return {
    summary: renderSummary({ ...r, generatedAt: NOW, findings: r.keys }),
    issue: renderKeyIssueBody(
      { finding: f, owner: { kind: 'none' } },
      {
        accountId: ACCOUNT,
        thresholds: T,
        action: 'report',
        deleteGraceDays: 0,
        runUrl: RUN,
        runId: '9'
      }
    ),
    sns: renderMessage({ report: r, event: 'audit', runUrl: RUN }),
    digest: renderDigest({ result: org, runUrl: RUN, generatedAt: NOW }),
    organization: renderAggregateSummary({
      result: org,
      generatedAt: NOW,
      reportsDirectory: 'r'
    })
  }
}

describe('one finding, every channel', () => {
  it.each([
    ['due soon', 80, '2026-12-11 (in 10 days)'],
    ['overdue by one day', 91, '2026-11-30 (1 day past)'],
    ['overdue', 120, '2026-11-01 (30 days past)'],
    ['due today', 90, '2026-12-01 (today)']
  ])('%s: the same deadline, class name and age everywhere', (_, age, deadline) => {
    const f = finding('carol', age)
    const facts = keyFacts(f, T.maxAgeDays)
    expect(facts.deadline).toBe(deadline)
    for (const [channel, text] of Object.entries(channels(report([f]), f))) {
      expect({ channel, has: text.includes(facts.deadline) }).toEqual({ channel, has: true })
      expect({ channel, has: text.includes(facts.className) }).toEqual({ channel, has: true })
      // No channel counts the days another way ("overdue in 11 days", "within 11 days").
      expect({ channel, text }).not.toEqual(
        expect.objectContaining({ text: expect.stringMatching(/within \d+ days|overdue in \d+/) })
      )
      // Singular where it is one.
      expect({ channel, text }).not.toEqual(
        expect.objectContaining({
          text: expect.stringMatching(/\b1 (days|keys|users|accounts|access keys)\b/)
        })
      )
    }
  })

  it('an unused key: the same class name and idle days in every channel', () => {
    const f = finding('dave', 50, 40)
    expect(f.class).toBe('unused')
    for (const [channel, text] of Object.entries(channels(report([f]), f))) {
      expect({ channel, has: text.includes('unused') }).toEqual({ channel, has: true })
      expect({ channel, has: text.includes(keyFacts(f, T.maxAgeDays).deadline) }).toEqual({
        channel,
        has: true
      })
    }
  })
})
