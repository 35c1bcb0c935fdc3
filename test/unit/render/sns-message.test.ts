import { describe, expect, it } from '@jest/globals'
import { classify, countClasses } from '../../../src/domain/classify.js'
import { DAY_MS } from '../../../src/domain/dates.js'
import {
  asciiSubject,
  renderMessage,
  renderSnsNotification,
  renderSubject,
  shouldPublish,
  SNS_MESSAGE_LIMIT_BYTES,
  SNS_SUBJECT_MAX
} from '../../../src/render/sns-message.js'
import { deduplicationId, publishHint, topicRegion } from '../../../src/deliver/sns.js'
import type { AuditReport } from '../../../src/domain/report.js'
import type { Finding, Thresholds } from '../../../src/domain/types.js'

const NOW = new Date('2026-11-21T12:00:00Z')
const T: Thresholds = { maxAgeDays: 90, warnDays: 14, unusedDays: 30 }
const RUN = 'https://github.com/acme/security/actions/runs/42'
const bytes = (s: string) => Buffer.byteLength(s, 'utf8')

function key(
  userName: string,
  ageDays: number,
  id = `AKIA${String(ageDays).padStart(16, '0')}`
): Finding {
  return classify(
    {
      userName,
      accessKeyId: id,
      status: 'Active',
      createDate: new Date(NOW.getTime() - ageDays * DAY_MS),
      lastUse: { kind: 'used', date: NOW, serviceName: 's3', region: 'eu-west-1' }
    },
    NOW,
    T
  )
}

function report(keys: Finding[], over: Partial<AuditReport> = {}): AuditReport {
  return {
    tool: 'iam-key-sentinel',
    schemaVersion: 1,
    accountId: '123456789012',
    generatedAt: NOW.toISOString(),
    thresholds: T,
    userCount: keys.length,
    counts: countClasses(keys),
    keys,
    errors: [],
    ...over
  }
}

describe('subject', () => {
  it('says what was found and where, in plain ASCII', () => {
    expect(renderSubject(report([key('a', 100), key('b', 120), key('c', 80)]), 'audit')).toBe(
      'IAM Key Sentinel: 2 overdue, 1 due soon in 123456789012'
    )
  })

  it('stays one ASCII line under 100 characters whatever the alias and names', () => {
    const hostile = report([key('ü'.repeat(500), 100)], {
      accountAlias: 'prod-ëñ-账户\n\r\tSubject: forged ' + 'x'.repeat(300)
    })
    const subject = renderSubject(hostile, 'incident')
    expect(subject.length).toBeLessThanOrEqual(SNS_SUBJECT_MAX)
    expect(subject).toMatch(/^[\x20-\x7e]+$/)
    expect(
      subject.startsWith(
        'IAM Key Sentinel incident: 1 overdue in 123456789012 (prod-en- Subject: forged'
      )
    ).toBe(true)
  })

  it('folds accents and drops what ASCII cannot say', () => {
    expect(asciiSubject('Café  ✓ naïve\nline')).toBe('Cafe naive line')
  })
})

describe('message', () => {
  it('is plain text with the account, run, thresholds, counts, one block per flagged key and the rotation steps', () => {
    const text = renderMessage({
      report: report([key('alice', 120), key('bob', 5)]),
      event: 'audit',
      runUrl: RUN
    })
    expect(text).toContain('IAM Key Sentinel audit of AWS account 123456789012')
    expect(text).toContain(`Run:        ${RUN}`)
    expect(text).toContain(
      'Thresholds: rotate after 90 days, due soon 14 days before, unused after 30 days'
    )
    expect(text).toContain(
      'Keys: 1 overdue, 0 unused, 0 due soon, 0 inactive, 0 exempt, 1 ok (2 keys of 2 users)'
    )
    expect(text).toContain('User:        alice')
    expect(text).toContain('Class:       overdue\nDeadline:    2026-10-22 (30 days past)')
    expect(text).not.toContain('User:        bob')
    expect(text).toContain('1. Create a second access key in addition to the one in use.')
    expect(text).toContain('5. Delete the inactive access key.')
  })

  it('keeps values from AWS on one line so they cannot forge lines', () => {
    const text = renderMessage({
      report: report([key('eve\nClass:       ok', 120)]),
      event: 'audit',
      runUrl: RUN
    })
    expect(text).toContain('User:        eve Class:       ok')
  })

  it('cuts the per-key detail at exactly the byte limit with multi-byte names, and says so', () => {
    const keys = Array.from({ length: 400 }, (_, i) =>
      key(`用户-ü-${i}-${'é'.repeat(40)}`, 100 + i, `AKIA${String(i).padStart(16, '0')}`)
    )
    const input = { report: report(keys), event: 'audit' as const, runUrl: RUN }
    const full = renderMessage(input, Number.MAX_SAFE_INTEGER)
    const limit = Math.floor(bytes(full) / 3)
    const cut = renderMessage(input, limit)
    expect(bytes(cut)).toBeLessThanOrEqual(limit)
    const shown = (cut.match(/^User: /gm) ?? []).length
    expect(shown).toBeGreaterThan(10)
    expect(cut).toContain(
      `... ${400 - shown} more keys are not listed here to stay within SNS's size limit; see the run: ${RUN}`
    )
    expect(cut.endsWith('5. Delete the inactive access key.')).toBe(true)
    // One more block would not have fit: the cut is tight, not wasteful.
    const oneMore = renderMessage(input, limit + 400)
    expect((oneMore.match(/^User: /gm) ?? []).length).toBeGreaterThanOrEqual(shown)
  })

  it('fits a message of exactly the limit and cuts one byte below it', () => {
    const input = {
      report: report([key('a', 100), key('b', 101, 'AKIABBBBBBBBBBBBBBBB')]),
      event: 'audit' as const,
      runUrl: RUN
    }
    const full = renderMessage(input, Number.MAX_SAFE_INTEGER)
    expect(renderMessage(input, bytes(full))).toBe(full)
    expect(renderMessage(input, bytes(full) - 1)).toContain('more keys are not listed')
  })

  it('keeps the whole notification within SNS limits on a huge account', () => {
    const keys = Array.from({ length: 5000 }, (_, i) =>
      key(`u${i}`, 100, `AKIA${String(i).padStart(16, '0')}`)
    )
    const n = renderSnsNotification({ report: report(keys), event: 'audit', runUrl: RUN })
    expect(bytes(n.message) + bytes(n.subject)).toBeLessThanOrEqual(SNS_MESSAGE_LIMIT_BYTES)
  })
})

describe('attributes and publishing', () => {
  it('types the filterable attributes: strings and numbers', () => {
    const n = renderSnsNotification({
      report: report([key('a', 100), key('b', 100, 'AKIAB0000000000000001')]),
      event: 'incident',
      runUrl: RUN
    })
    expect(n.attributes).toEqual({
      account: { DataType: 'String', StringValue: '123456789012' },
      event: { DataType: 'String', StringValue: 'incident' },
      overdue: { DataType: 'Number', StringValue: '2' },
      changed: { DataType: 'Number', StringValue: '0' }
    })
  })

  it('adds team, a String.Array of the listed keys’ teams, only when the owners file names one', () => {
    const owners = (teams: string[]) => ({ githubUsers: [], githubTeams: [], emails: [], teams })
    const n = renderSnsNotification({
      report: report([
        key('a', 100),
        key('b', 100, 'AKIAB0000000000000001'),
        key('c', 10, 'AKIAC0000000000000001')
      ]),
      event: 'audit',
      runUrl: RUN,
      // c's key is ok, so not listed: its team is not named.
      owners: new Map([
        ['a', owners(['payments'])],
        ['b', owners(['data', 'payments'])],
        ['c', owners(['web'])]
      ])
    })
    expect(n.attributes.team).toEqual({
      DataType: 'String.Array',
      StringValue: '["data","payments"]'
    })
    expect(JSON.parse(n.attributes.team?.StringValue ?? '')).toEqual(['data', 'payments'])
    const none = renderSnsNotification({
      report: report([key('a', 100)]),
      event: 'audit',
      runUrl: RUN
    })
    expect(none.attributes.team).toBeUndefined()
  })

  it('publishes on findings only when a key is overdue or unused or was changed', () => {
    expect(shouldPublish(report([key('a', 5)]), 'findings', 'audit')).toBe(false)
    expect(shouldPublish(report([key('a', 80)]), 'findings', 'audit')).toBe(false)
    expect(shouldPublish(report([key('a', 100)]), 'findings', 'audit')).toBe(true)
    expect(shouldPublish(report([key('a', 5)]), 'always', 'audit')).toBe(true)
    expect(shouldPublish(report([key('a', 100)]), 'never', 'audit')).toBe(false)
    expect(shouldPublish(report([key('a', 5)]), 'findings', 'incident')).toBe(true)
  })

  it('uses the region of the topic and a deduplication ID from what the message says', () => {
    expect(topicRegion('arn:aws:sns:ap-southeast-2:123456789012:t.fifo')).toBe('ap-southeast-2')
    const id = { runId: '1', accountId: '123456789012', event: 'audit', content: 'x' }
    expect(deduplicationId(id)).toBe(deduplicationId({ ...id }))
    expect(deduplicationId(id)).not.toBe(deduplicationId({ ...id, content: 'y' }))
    expect(deduplicationId(id)).not.toBe(deduplicationId({ ...id, runId: '2' }))
    expect(deduplicationId(id)).toMatch(/^[0-9a-f]{64}$/)
  })

  it('leaves the time and the run link (with its attempt) out of the content', () => {
    const at = (generatedAt: string, runUrl: string) =>
      renderSnsNotification({
        report: { ...report([key('a', 100)]), generatedAt },
        event: 'audit',
        runUrl
      })
    const first = at('2026-01-01T00:00:00.000Z', RUN)
    const retry = at('2026-01-01T00:03:00.000Z', `${RUN}/attempts/2`)
    expect(retry.message).not.toBe(first.message)
    expect(retry.content).toBe(first.content)
    expect(at('2026-01-01T00:00:00.000Z', RUN).content).not.toBe(
      renderSnsNotification({
        report: report([key('a', 100), key('b', 200)]),
        event: 'audit',
        runUrl: RUN
      }).content
    )
  })

  it('says what to fix for each kind of publish failure', () => {
    const err = (name: string) => Object.assign(new Error('x'), { name, $metadata: {} })
    const arn = 'arn:aws:sns:eu-west-1:123456789012:alerts'
    expect(publishHint(err('AuthorizationErrorException'), arn)).toContain('Allow sns:Publish on')
    expect(publishHint(err('NotFoundException'), arn)).toContain('no topic')
    expect(publishHint(err('KMSAccessDeniedException'), arn)).toContain('KMS key')
  })
})
