// The one wording module: plurals, class names and counts, thresholds, the deadline at its
// boundaries (past, today, tomorrow), idle days, last use and a key's state after the run.
import { describe, expect, it } from '@jest/globals'
import { classify } from '../../../src/domain/classify.js'
import { DAY_MS } from '../../../src/domain/dates.js'
import { escapeMarkdown } from '../../../src/kit/text/markdown.js'
import { plainText } from '../../../src/kit/text/plain.js'
import type { ChangeRecord } from '../../../src/domain/changes.js'
import type { AccessKey, Finding, KeyClass } from '../../../src/domain/types.js'
import {
  agree,
  aliasSuffix,
  CLASS_HEADING,
  CLASS_LABEL,
  CLASS_NAME,
  CLASS_ORDER,
  changeCountsText,
  classCounts,
  deadlineAndAge,
  deadlineCell,
  deadlineDays,
  deadlineText,
  everyClassCount,
  idleText,
  lastUsePhrase,
  lastUseText,
  plural,
  stateAfterRun,
  thresholdsMarkdown,
  thresholdsPlain,
  unusedText
} from '../../../src/render/wording.js'

const NOW = new Date('2026-12-01T12:00:00Z')
const T = { maxAgeDays: 90, warnDays: 14, unusedDays: 30 }

function key(ageDays: number, over: Partial<AccessKey> = {}): Finding {
  return classify(
    {
      userName: 'bob',
      accessKeyId: 'AKIABOBBOBBOBBOBBOB1',
      status: 'Active',
      createDate: new Date(NOW.getTime() - ageDays * DAY_MS - 3_600_000),
      lastUse: { kind: 'used', date: NOW, serviceName: 's3', region: 'eu-west-1' },
      ...over
    },
    NOW,
    T
  )
}

describe('plurals', () => {
  it('agrees with 0, 1 and 2', () => {
    expect([0, 1, 2].map((n) => plural(n, 'day'))).toEqual(['0 days', '1 day', '2 days'])
    expect(plural(1, 'access key')).toBe('1 access key')
    expect(plural(3, 'entry', 'entries')).toBe('3 entries')
    expect([0, 1, 2].map((n) => agree(n, 'needs', 'need'))).toEqual(['need', 'needs', 'need'])
  })
})

describe('the deadline', () => {
  it('says past, today and in, with day or days', () => {
    expect([-2, -1, 0, 1, 2].map(deadlineDays)).toEqual([
      '2 days past',
      '1 day past',
      'today',
      'in 1 day',
      'in 2 days'
    ])
  })

  it('falls on the day the key reaches max-age-days: overdue from the day after', () => {
    // Created 2026-09-02 (90 days before 2026-12-01, plus an hour): the deadline is today.
    expect(deadlineText(key(90), 90)).toBe('2026-12-01 (today)')
    expect(key(90).class).toBe('due-soon')
    expect(deadlineText(key(91), 90)).toBe('2026-11-30 (1 day past)')
    expect(key(91).class).toBe('overdue')
    expect(deadlineText(key(89), 90)).toBe('2026-12-02 (in 1 day)')
  })

  it('is a dash in a table cell for a key that is not active', () => {
    const inactive = key(200, { status: 'Inactive' })
    expect(deadlineCell(inactive, 90)).toBe('—')
    expect(deadlineAndAge(inactive, 90)).toBe('—, 200 days old')
    expect(deadlineAndAge(key(1), 90)).toBe('2027-02-28 (in 89 days), 1 day old')
  })
})

describe('use and idleness', () => {
  it('says how long a key has been idle, "?" when that is unknown', () => {
    const idle = key(100, {
      lastUse: {
        kind: 'used',
        date: new Date(NOW.getTime() - 45 * DAY_MS),
        serviceName: 's3',
        region: 'x'
      }
    })
    expect(idleText(idle)).toBe('45 days')
    expect(unusedText(idle)).toBe('not used for 45 days')
    expect(idleText(key(5, { lastUse: { kind: 'unknown' } }))).toBe('?')
    expect(unusedText(key(1, { lastUse: { kind: 'never' } }))).toBe('not used for 1 day')
  })

  it('says last use in a cell and in a sentence, each value made safe for the channel', () => {
    const hostile = key(3, {
      lastUse: { kind: 'used', date: NOW, serviceName: 's3|@x\nnext', region: 'eu-west-1' }
    })
    expect(lastUseText(hostile, escapeMarkdown)).toBe(
      '2026-12-01 (s3&#124;@&#8203;x next, eu-west-1)'
    )
    expect(lastUsePhrase(hostile, plainText)).toBe('last used 2026-12-01 (s3|@x next, eu-west-1)')
    expect(lastUsePhrase(key(3, { lastUse: { kind: 'never' } }), plainText)).toBe('never used')
    expect(lastUseText(key(3, { lastUse: { kind: 'unknown' } }), plainText)).toBe(
      'unknown (could not be read)'
    )
    expect(lastUseText(key(3, { lastUse: { kind: 'unknown', notRead: true } }), plainText)).toBe(
      'not read (ok key)'
    )
  })
})

describe('classes and counts', () => {
  const counts: Record<KeyClass, number> = {
    overdue: 3,
    unused: 0,
    'due-soon': 1,
    inactive: 0,
    exempt: 2,
    ok: 1
  }

  it('names every class, most urgent first, alike in text, labels and headings', () => {
    expect(CLASS_ORDER.map((c) => CLASS_NAME[c])).toEqual([
      'overdue',
      'unused',
      'due soon',
      'inactive',
      'exempt',
      'ok'
    ])
    for (const c of CLASS_ORDER) {
      expect(CLASS_LABEL[c].endsWith(` ${CLASS_NAME[c]}`)).toBe(true)
      expect(CLASS_HEADING[c].toLowerCase()).toBe(CLASS_LABEL[c])
    }
  })

  it('counts the classes with keys, or every class with zeros', () => {
    expect(classCounts(counts)).toBe('3 overdue, 1 due soon, 2 exempt, 1 ok')
    expect(classCounts(counts, ['overdue', 'unused'])).toBe('3 overdue')
    expect(classCounts({ overdue: 0 })).toBe('')
    expect(everyClassCount(counts)).toBe(
      '3 overdue, 0 unused, 1 due soon, 0 inactive, 2 exempt, 1 ok'
    )
    expect(everyClassCount(counts, ['overdue', 'unused'])).toBe('3 overdue, 0 unused')
    expect(changeCountsText({ deactivated: 2, deleted: 0, failed: 1 })).toBe(
      '2 deactivated, 0 deleted, 1 failed'
    )
  })
})

describe('thresholds and the account', () => {
  it('says the thresholds in Markdown and in plain text, with the unused rule on or off', () => {
    expect(thresholdsMarkdown(T)).toBe(
      'rotate after **90** days · due soon **14** days before · unused after **30** days'
    )
    expect(thresholdsMarkdown({ ...T, unusedDays: 0 })).toBe(
      'rotate after **90** days · due soon **14** days before · unused rule off'
    )
    expect(thresholdsPlain(T)).toBe(
      'rotate after 90 days, due soon 14 days before, unused after 30 days'
    )
    expect(thresholdsPlain({ ...T, unusedDays: 0 })).toBe(
      'rotate after 90 days, due soon 14 days before'
    )
  })

  it('puts the alias after the account, escaped and cut to 64 characters', () => {
    expect(aliasSuffix(undefined, escapeMarkdown)).toBe('')
    expect(aliasSuffix('', escapeMarkdown)).toBe('')
    expect(aliasSuffix('prod|x', escapeMarkdown)).toBe(' (prod&#124;x)')
    expect(aliasSuffix('a'.repeat(64), plainText)).toBe(` (${'a'.repeat(64)})`)
    expect(aliasSuffix('a'.repeat(65), plainText)).toBe(` (${'a'.repeat(63)}…)`)
  })
})

describe('stateAfterRun', () => {
  const f = key(200)
  const change = (over: Partial<ChangeRecord>): ChangeRecord => ({
    kind: 'deactivate',
    userName: 'bob',
    accessKeyId: f.accessKeyId,
    reason: 'overdue',
    result: 'applied',
    before: { status: 'Active', createDate: f.createDate.toISOString() },
    at: NOW.toISOString(),
    ...over
  })

  it('says what the run made of the key, for every result of both kinds', () => {
    expect(stateAfterRun(f, undefined)).toBe('Active')
    const results = [
      'applied',
      'planned',
      'failed',
      'skipped',
      'already-done',
      'claimed',
      'cancelled'
    ] as const
    expect(results.map((result) => stateAfterRun(f, change({ result })))).toEqual([
      'Inactive: deactivated by this run',
      'Active: would be deactivated (dry run)',
      'Active: could not be deactivated',
      'Active: not deactivated',
      'Inactive: already deactivated',
      'Active: another run is changing it',
      'Active: not deactivated (the job was cancelled)'
    ])
    expect(results.map((result) => stateAfterRun(f, change({ kind: 'delete', result })))).toEqual([
      'deleted by this run',
      'Active: would be deleted (dry run)',
      'Active: could not be deleted',
      'Active: not deleted',
      'already deleted',
      'Active: another run is changing it',
      'Active: not deleted (the job was cancelled)'
    ])
  })
})
