// Who needs a due-soon key's ID (src/domain/key-naming.ts), the class of a key named by slot
// (classifySlot) and the one wording every channel names it with (src/render/wording.ts).
import { describe, expect, it } from '@jest/globals'
import { dueSoonIdNeed, type SlotKey } from '../../../src/domain/key-naming.js'
import { classifySlot } from '../../../src/domain/classify.js'
import type { AuditSettings } from '../../../src/domain/settings.js'
import { slotKeyIdWhere, slotKeyName, slotKeyRecord } from '../../../src/render/wording.js'
import { escapeMarkdown } from '../../../src/kit/text/markdown.js'

type Naming = Parameters<typeof dueSoonIdNeed>[0]

/** The runner's defaults: issues on, issue-for overdue, no owners file, activity-for changed. */
function defaults(): Naming {
  return {
    issues: {
      enabled: true,
      token: 't',
      labels: [],
      issueFor: 'overdue',
      maxNewIssues: 20
    },
    activity: { activityFor: 'changed', lookbackHours: 24, regions: [], maxEvents: 50 }
  }
}

const ladder = { daysBefore: [14, 7, 1], everyDays: 7, escalateAfterDays: 14 }
const rotation = (rotateOn: 'due-soon' | 'overdue'): NonNullable<AuditSettings['rotation']> => ({
  map: {
    path: 'rotation.yml',
    users: new Map([['deploy-bot', { kind: 'secrets-manager' as const, secretId: 'bot/key' }]])
  },
  rotateOn,
  deliveryToken: '',
  cutoverIdleHours: 24,
  cutoverTimeoutDays: 7
})

describe('dueSoonIdNeed: who needs the ID of a due-soon key', () => {
  it('nobody with the defaults: every due-soon key may be named by slot', () => {
    const need = dueSoonIdNeed(defaults())
    expect(need.reasons).toEqual([])
    expect(need.forUser('bob')).toBe(false)
  })

  it('issue-for: due-soon with issues on: every user, and the ladder too when it has rungs before the deadline', () => {
    const s = defaults()
    s.issues.issueFor = 'due-soon'
    expect(dueSoonIdNeed(s)).toMatchObject({ reasons: ['issue-for: due-soon'] })
    expect(dueSoonIdNeed(s).forUser('bob')).toBe(true)
    const withLadder = dueSoonIdNeed({ ...s, reminders: ladder })
    expect(withLadder.reasons).toEqual([
      'issue-for: due-soon',
      'reminder-days (a rung before the deadline)'
    ])
    expect(dueSoonIdNeed({ ...s, reminders: { ...ladder, daysBefore: [] } }).reasons).toEqual([
      'issue-for: due-soon'
    ])
  })

  it('issue-for: due-soon with issues off (create-issues false or no token) needs no ID', () => {
    const s = defaults()
    s.issues = { ...s.issues, issueFor: 'due-soon', enabled: false }
    expect(dueSoonIdNeed({ ...s, reminders: ladder }).forUser('bob')).toBe(false)
  })

  it('a ladder with issue-for: overdue posts no rung before the deadline: no ID', () => {
    expect(dueSoonIdNeed({ ...defaults(), reminders: ladder }).reasons).toEqual([])
  })

  it('rotate-on: due-soon: only the users of the rotation map, case-insensitively', () => {
    const need = dueSoonIdNeed({ ...defaults(), rotation: rotation('due-soon') })
    expect(need.reasons).toEqual(['rotate-on: due-soon'])
    expect(need.forUser('Deploy-Bot')).toBe(true)
    expect(need.forUser('bob')).toBe(false)
    expect(dueSoonIdNeed({ ...defaults(), rotation: rotation('overdue') }).reasons).toEqual([])
  })

  it('activity-for: flagged: CloudTrail is looked up by key ID, so every user', () => {
    const s = defaults()
    s.activity.activityFor = 'flagged'
    const need = dueSoonIdNeed(s)
    expect(need.reasons).toEqual(['activity-for: flagged'])
    expect(need.forUser('bob')).toBe(true)
  })

  it('security-hub or ocsf-report: a finding names its key by ID, so every user', () => {
    const hub = dueSoonIdNeed({ ...defaults(), findingsExport: { securityHub: true, ocsf: false } })
    expect(hub.reasons).toEqual(['security-hub: true'])
    expect(hub.forUser('bob')).toBe(true)
    const ocsf = dueSoonIdNeed({
      ...defaults(),
      findingsExport: { securityHub: false, ocsf: true }
    })
    expect(ocsf.reasons).toEqual(['ocsf-report: true'])
    const neither = dueSoonIdNeed({
      ...defaults(),
      findingsExport: { securityHub: false, ocsf: false }
    })
    expect([neither.reasons, neither.forUser('bob')]).toEqual([[], false])
  })
})

describe('a key named by slot', () => {
  const at = new Date('2026-11-30T12:00:00Z')
  const t = { maxAgeDays: 90, warnDays: 14, unusedDays: 45 }
  const slotKey = (ageDays: number): SlotKey => ({
    userName: 'bob',
    slot: 2,
    status: 'Active',
    createDate: new Date(at.getTime() - ageDays * 86_400_000),
    lastUse: {
      kind: 'used',
      date: new Date('2026-11-29T08:00:00Z'),
      serviceName: 's3',
      region: 'us-east-1'
    }
  })

  it('is classed due soon from 77 to 90 days, else not listed (ok)', () => {
    expect(classifySlot(slotKey(76), at, t)).toBeUndefined()
    expect(classifySlot(slotKey(77), at, t)).toMatchObject({
      class: 'due-soon',
      rawClass: 'due-soon',
      ageDays: 77,
      daysToDeadline: 13,
      idleDays: 1
    })
    expect(classifySlot(slotKey(90), at, t)).toMatchObject({ class: 'due-soon', daysToDeadline: 0 })
  })

  it('is exempt when an exemption holds it, and carries an expired one otherwise', () => {
    const held = classifySlot(slotKey(80), at, t, [{ kind: 'excluded-user', pattern: 'bob' }])
    expect(held).toMatchObject({
      class: 'exempt',
      rawClass: 'due-soon',
      exemption: { status: 'standing' }
    })
    const expired = classifySlot(slotKey(80), at, t, [
      { kind: 'tag', tag: 'exempt', value: 'until=2026-01-01', until: '2026-01-01' }
    ])
    expect(expired).toMatchObject({ class: 'due-soon', expiredExemption: { status: 'expired' } })
  })

  it('is named by user, slot and creation day, escaped for the channel', () => {
    const k = {
      userName: 'bob_*ops*',
      slot: 2 as const,
      createDate: new Date('2026-09-01T10:00:00Z')
    }
    expect(slotKeyName(k, (v) => v)).toBe('access key 2 of bob_*ops*, created 2026-09-01')
    expect(slotKeyName(k, (v) => v, false)).toBe('access key 2, created 2026-09-01')
    expect(slotKeyName(k, escapeMarkdown)).toBe(
      `access key 2 of ${escapeMarkdown('bob_*ops*', 64)}, created 2026-09-01`
    )
    expect(slotKeyIdWhere('bob', (v) => v)).toContain('aws iam list-access-keys --user-name bob')
  })

  it('carries its name and where its ID is in the JSON channels', () => {
    const record = slotKeyRecord(slotKey(80))
    expect(record).toMatchObject({
      userName: 'bob',
      slot: 2,
      name: expect.stringMatching(/^access key 2 of bob, created \d{4}-\d{2}-\d{2}$/)
    })
    expect(record.idWhere).toBe(slotKeyIdWhere('bob', (v) => v))
    expect(record).not.toHaveProperty('accessKeyId')
  })
})
