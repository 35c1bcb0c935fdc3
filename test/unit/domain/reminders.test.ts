// Which comments count as a rung already posted: those with the rung's marker for this key, and
// only when the token's own identity wrote them.
import { describe, expect, it } from '@jest/globals'
import { ownRungComments } from '../../../src/domain/reminders.js'

const KEY = 'AKIASAMPLECAROL00001'
const marker = (rung: string, key = KEY) =>
  `<!-- iam-key-sentinel reminder key=${key} rung=${rung} -->\nReminder`

describe('ownRungComments', () => {
  const comments = [
    { id: 30, body: marker('before-7'), user: { login: 'github-actions[bot]' } },
    { id: 10, body: marker('before-7'), user: { login: 'mallory' } },
    { id: 20, body: marker('before-7'), user: { login: 'GitHub-Actions[bot]' } },
    { id: 40, body: marker('before-14'), user: { login: 'github-actions[bot]' } },
    {
      id: 50,
      body: marker('before-7', 'AKIAOTHERKEY00000001'),
      user: { login: 'github-actions[bot]' }
    },
    { id: 60, body: `quoted:\n${marker('before-7')}`, user: { login: 'github-actions[bot]' } },
    { id: 70, body: marker('before-7'), user: null },
    { id: 80, body: null, user: { login: 'github-actions[bot]' } }
  ]

  it("counts only the token's own comments with this key's rung, oldest first", () => {
    expect(ownRungComments(comments, KEY, 'before-7', 'github-actions[bot]')).toEqual([20, 30])
  })

  it("a collaborator's pasted marker counts for nobody but that collaborator", () => {
    expect(ownRungComments(comments, KEY, 'before-7', 'mallory')).toEqual([10])
    expect(ownRungComments(comments, KEY, 'before-7', 'secops-automation')).toEqual([])
  })
})
