// Rotation steps fitted to the user's keys: IAM allows two access keys per user, so advice to
// "create a second key" fails with LimitExceeded for a user who already has two.
import { describe, expect, it } from '@jest/globals'
import { classify } from '../../../src/domain/classify.js'
import { DAY_MS } from '../../../src/domain/dates.js'
import { escapeMarkdown } from '../../../src/kit/text/markdown.js'
import { rotationAdvice } from '../../../src/render/rotation-steps.js'
import type { Finding, KeyStatus } from '../../../src/domain/types.js'

const NOW = new Date('2026-12-01T12:00:00Z')
const T = { maxAgeDays: 90, warnDays: 14, unusedDays: 30 }

function key(id: string, ageDays: number, status: KeyStatus = 'Active'): Finding {
  return classify(
    {
      userName: 'bob',
      accessKeyId: id,
      status,
      createDate: new Date(NOW.getTime() - ageDays * DAY_MS),
      lastUse: { kind: 'used', date: NOW, serviceName: 's3', region: 'eu-west-1' }
    },
    NOW,
    T
  )
}

const OLD = key('AKIAOLDOLDOLDOLDOLD1', 200)
const texts = (advice: ReturnType<typeof rotationAdvice>) => advice.steps.map((s) => s.text)

describe('rotationAdvice', () => {
  it('one key: create a second first, then retire the old one', () => {
    const advice = rotationAdvice(OLD, [OLD], escapeMarkdown)
    expect(advice.note).toBeUndefined()
    expect(texts(advice)[0]).toBe('Create a second access key in addition to the one in use.')
    expect(advice.steps[0]?.command).toBe('aws iam create-access-key --user-name bob')
    expect(advice.steps.at(-1)?.command).toBe(
      'aws iam delete-access-key --user-name bob --access-key-id AKIAOLDOLDOLDOLDOLD1'
    )
  })

  it('a second, active key: no third key; deactivate and delete the old one first', () => {
    const fresh = key('AKIANEWNEWNEWNEWNEW2', 10)
    const advice = rotationAdvice(OLD, [OLD, fresh], escapeMarkdown)
    expect(advice.note).toContain('already has two active access keys')
    expect(advice.note).toContain('deactivate and delete AKIAOLDOLDOLDOLDOLD1 first')
    expect(advice.steps.some((s) => s.command?.includes('create-access-key'))).toBe(false)
    expect(texts(advice)[0]).toBe(
      'Update all your applications to use AKIANEWNEWNEWNEWNEW2 and validate that they work.'
    )
    expect(advice.steps[1]?.command).toContain(
      '--access-key-id AKIAOLDOLDOLDOLDOLD1 --status Inactive'
    )
  })

  it('both keys flagged: the older one goes first, then the other is rotated', () => {
    const older = key('AKIAOLDESTOLDESTOLD3', 300)
    const advice = rotationAdvice(OLD, [OLD, older], escapeMarkdown)
    expect(advice.note).toContain('deactivate and delete AKIAOLDESTOLDESTOLD3 first')
    expect(texts(advice).at(-1)).toContain('Then rotate AKIAOLDOLDOLDOLDOLD1 the same way')
  })

  it('an inactive second key: say so, and delete it before creating a new one', () => {
    const inactive = key('AKIAINACTIVEINACTIV4', 150, 'Inactive')
    const advice = rotationAdvice(OLD, [OLD, inactive], escapeMarkdown)
    expect(advice.note).toContain('AKIAINACTIVEINACTIV4, and it is inactive')
    expect(advice.steps[0]?.command).toBe(
      'aws iam delete-access-key --user-name bob --access-key-id AKIAINACTIVEINACTIV4'
    )
    expect(advice.steps[1]?.command).toBe('aws iam create-access-key --user-name bob')
  })

  it('escapes names in the text; commands use placeholders for names IAM would not allow', () => {
    const hostile = { ...OLD, userName: '@team`x' }
    const advice = rotationAdvice(
      hostile,
      [hostile, { ...key('AKIAOTHER', 10), userName: '@team`x' }],
      escapeMarkdown
    )
    expect(advice.note).toContain('@&#8203;team&#96;x')
    expect(advice.steps[1]?.command).toContain('--user-name USER_NAME')
  })
})
