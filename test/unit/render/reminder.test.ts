// The ladder's rungs and the reminder comment: which rung a key is at, the latest only, once
// escalated the teams, the date the workflow will act, and mentions from the owners file only.
import { describe, expect, it } from '@jest/globals'
import { classify } from '../../../src/domain/classify.js'
import { DAY_MS } from '../../../src/domain/dates.js'
import {
  escalates,
  latestRung,
  markedRung,
  type ReminderSettings
} from '../../../src/domain/reminders.js'
import type { Finding, Thresholds } from '../../../src/domain/types.js'
import type { Owner } from '../../../src/render/issue.js'
import { renderReminder, type ReminderInput } from '../../../src/render/reminder.js'

const NOW = new Date('2026-11-21T12:00:00Z')
const T: Thresholds = { maxAgeDays: 90, warnDays: 14, unusedDays: 30 }
const LADDER: ReminderSettings = { daysBefore: [14, 7, 1], everyDays: 7, escalateAfterDays: 14 }

function key(ageDays: number, idleDays = 0, userName = 'carol'): Finding {
  return classify(
    {
      userName,
      accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
      status: 'Active',
      createDate: new Date(NOW.getTime() - ageDays * DAY_MS),
      lastUse: {
        kind: 'used',
        date: new Date(NOW.getTime() - idleDays * DAY_MS),
        serviceName: 's3',
        region: 'eu-west-1'
      }
    },
    NOW,
    T
  )
}

const rungAt = (ageDays: number, settings = LADDER) => latestRung(key(ageDays), settings, 30)?.id

describe('latestRung', () => {
  it('follows the days to the deadline, then every 7 days overdue', () => {
    expect(rungAt(75)).toBeUndefined() // 15 days left
    expect(rungAt(76)).toBe('before-14')
    expect(rungAt(82)).toBe('before-14') // 8 days left
    expect(rungAt(83)).toBe('before-7')
    expect(rungAt(89)).toBe('before-1')
    expect(rungAt(90)).toBe('before-1') // the deadline is today
    expect(rungAt(91)).toBe('overdue-1')
    expect(rungAt(97)).toBe('overdue-1')
    expect(rungAt(98)).toBe('overdue-8')
    expect(rungAt(119)).toBe('overdue-29') // 29 days: overdue-22 was skipped, not owed
  })

  it('reminder-days none and reminder-every-days 0', () => {
    const quiet = { daysBefore: [], everyDays: 0, escalateAfterDays: 14 }
    expect(rungAt(89, quiet)).toBeUndefined()
    expect(rungAt(91, quiet)).toBe('overdue-1')
    expect(rungAt(150, quiet)).toBe('overdue-1')
  })

  it('an unused key counts from the day it became unused', () => {
    expect(latestRung(key(40, 30), LADDER, 30)?.id).toBe('unused-1')
    expect(latestRung(key(50, 45), LADDER, 30)?.id).toBe('unused-15')
  })

  it('escalates from escalate-after-days overdue, never before the deadline', () => {
    const r = (id: string) => {
      const [kind, days] = id.split('-')
      return { kind: kind as 'overdue' | 'before', days: Number(days), id }
    }
    expect(escalates(r('overdue-8'), LADDER)).toBe(false)
    expect(escalates(r('overdue-15'), LADDER)).toBe(true)
    expect(escalates(r('before-1'), { ...LADDER, escalateAfterDays: 0 })).toBe(false)
  })

  it('reads back only a marker of its own key on the first line', () => {
    const body = '<!-- iam-key-sentinel reminder key=AKIAIOSFODNN7EXAMPLE rung=overdue-8 -->\ntext'
    expect(markedRung(body, 'AKIAIOSFODNN7EXAMPLE')).toBe('overdue-8')
    expect(markedRung(body, 'AKIAOTHERKEY00000000')).toBeUndefined()
    expect(markedRung(`quote:\n${body}`, 'AKIAIOSFODNN7EXAMPLE')).toBeUndefined()
  })
})

const OWNER: Owner = {
  kind: 'owners-file',
  assigned: ['alice-gh'],
  refused: ['bob-outsider'],
  githubTeams: ['acme/payments-oncall'],
  emails: [],
  teams: ['payments']
}

function reminder(over: Partial<ReminderInput> & { ageDays: number }): string {
  const finding = key(over.ageDays, 0, over.finding?.userName ?? 'carol')
  const rung = latestRung(finding, LADDER, 30)
  if (!rung) throw new Error('no rung')
  return renderReminder({
    finding,
    rung,
    owner: OWNER,
    escalated: escalates(rung, LADDER),
    escalateAfterDays: 14,
    thresholds: T,
    remediation: { action: 'report', dryRun: false, deleteGraceDays: 7 },
    runUrl: 'https://github.com/acme/security/actions/runs/42',
    runId: '42',
    ...over
  })
}

describe('renderReminder', () => {
  it('opens with the rung marker and mentions the assignable owners only', () => {
    const body = reminder({ ageDays: 83 })
    expect(markedRung(body, 'AKIAIOSFODNN7EXAMPLE')).toBe('before-7')
    expect(body).toContain('Owners: @alice-gh')
    expect(body).toContain('Not mentioned (GitHub cannot assign them here): bob-outsider')
    expect(body).not.toContain('@bob')
    expect(body).not.toContain('@acme/payments-oncall')
  })

  it('says the date a due-soon key will be deactivated, or deleted after its grace', () => {
    const remediation = { action: 'deactivate' as const, dryRun: false, deleteGraceDays: 7 }
    // 83 days old: the deadline is in 7 days (2026-11-28), overdue from 2026-11-29.
    expect(reminder({ ageDays: 83, remediation })).toContain(
      'IAM Key Sentinel will deactivate it on its first run on or after 2026-11-29.'
    )
    expect(reminder({ ageDays: 83, remediation: { ...remediation, action: 'delete' } })).toContain(
      'will deactivate it on its first run on or after 2026-11-29, and delete it once inactive for 7 days (from 2026-12-06).'
    )
    expect(
      reminder({
        ageDays: 83,
        remediation: { ...remediation, action: 'delete', deleteGraceDays: 0 }
      })
    ).toContain('will delete it on its first run on or after 2026-11-29.')
    expect(reminder({ ageDays: 83, remediation: { ...remediation, dryRun: true } })).toContain(
      'dry run'
    )
    const rotating = reminder({ ageDays: 83, remediation: { ...remediation, action: 'rotate' } })
    expect(rotating).toContain('This workflow rotates keys (action: rotate)')
    expect(rotating).not.toContain('will deactivate it')
  })

  it('under action: rotate, gives the rotation’s start and the cutover timeout’s date', () => {
    const remediation = { action: 'rotate' as const, dryRun: false, deleteGraceDays: 7 }
    const rotation = {
      destination:
        'GitHub repository acme/web, secrets AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY',
      rotateOn: 'overdue' as const,
      cutoverIdleHours: 24,
      cutoverTimeoutDays: 7
    }
    // 83 days old: due soon, rotated from the day after its deadline (2026-11-29).
    const due = reminder({ ageDays: 83, remediation, rotation })
    expect(due).toContain(
      'IAM Key Sentinel will rotate it on its first run on or after 2026-11-29 (rotate-on: overdue), delivering a new key to GitHub repository acme/web'
    )
    expect(due).toContain('has been idle for 24 hours')
    expect(due).toContain('still unused on 2026-12-06 (cutover-timeout-days: 7)')
    // Delivered: the timeout counts from the delivery.
    const delivered = reminder({
      ageDays: 95,
      remediation,
      rotation: {
        ...rotation,
        record: { stage: 'delivered', deliveredAt: '2026-11-20T08:00:00.000Z' }
      }
    })
    expect(delivered).toContain('A new key was delivered to GitHub repository acme/web')
    expect(delivered).toContain('on 2026-11-20')
    expect(delivered).toContain('still unused on 2026-11-27 (cutover-timeout-days: 7)')
    // Not in the map: by hand.
    const unmapped = { ...rotation, destination: undefined }
    expect(reminder({ ageDays: 95, remediation, rotation: unmapped })).toContain(
      'its rotation map does not list carol: rotate this key by hand.'
    )
  })

  it('mentions the teams once escalated', () => {
    expect(reminder({ ageDays: 105 })).toContain(
      'Escalated to @acme/payments-oncall: overdue for 15 days (escalate-after-days: 14).'
    )
  })

  it('without an owners-file entry it mentions nobody, and escapes the user', () => {
    const body = reminder({
      ageDays: 91,
      owner: { kind: 'assignable', login: 'alice-gh' },
      finding: key(91, 0, 'eve@corp')
    })
    expect(body).not.toMatch(/@[a-z]/i)
    expect(body).toContain('No entry of the owners file covers')
  })
})
