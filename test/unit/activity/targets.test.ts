import { describe, expect, it } from '@jest/globals'
import { selectActivityTargets } from '../../../src/activity/targets.js'

const key = (n: number, userName = `user-${n}`) => ({ accessKeyId: `AKIA${n}`, userName })

describe('selectActivityTargets', () => {
  const keys = {
    flagged: [key(1), key(2), key(3)],
    changed: [key(2)],
    revoked: [key(3)]
  }

  it('looks nothing up for none', () => {
    expect(selectActivityTargets('none', keys)).toEqual([])
  })

  it('looks up the changed and revoked keys for changed, revoked ones by user name too', () => {
    expect(selectActivityTargets('changed', keys)).toEqual([
      { ...key(3), byUsername: true },
      { ...key(2), byUsername: false }
    ])
  })

  it('adds every flagged key for flagged, each once', () => {
    expect(selectActivityTargets('flagged', keys)).toEqual([
      { ...key(3), byUsername: true },
      { ...key(2), byUsername: false },
      { ...key(1), byUsername: false }
    ])
  })

  it('needs no revoked list outside incident mode', () => {
    expect(selectActivityTargets('changed', { flagged: [key(1)], changed: [] })).toEqual([])
  })
})
