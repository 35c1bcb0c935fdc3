// AWS asks that its AWSCompromisedKeyQuarantine* policy stay on an exposed key's user until its
// support case is followed: no code of the action may detach a managed policy, and the only
// inline policy it ever deletes is its own session-revocation policy (by the undo a person runs).
import { describe, expect, it } from '@jest/globals'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    return entry.isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : []
  })
}

describe('managed policies', () => {
  it('are never detached, nor deleted, by any source file', () => {
    const offending = sources('src').filter((path) =>
      /Detach(User|Role|Group)Policy|DeletePolicy(Version)?Command|DeleteUserPolicyCommand/.test(
        readFileSync(path, 'utf8')
      )
    )
    expect(offending).toEqual([])
  })
})
