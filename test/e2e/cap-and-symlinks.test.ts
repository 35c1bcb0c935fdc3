// Two guards before anything is touched. max-actions counts every IAM key write of the plan (a
// leftover deleted first to make room for the new key is one), and the summary shows the count.
// A reviewed file (owners-config, rotation-config) must really be inside the workspace: a
// symbolic link in the checkout that points out of it is refused, naming the input.
import { afterEach, describe, expect, it } from '@jest/globals'
import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { FakeAccount } from '../support/fake-aws/index.js'
import { startFakes, type Fakes } from '../support/harness.js'
import { startRotationFakes } from '../support/rotation-account.js'
import { tempRoot } from '../support/temp-root.js'

let fakes: Fakes
afterEach(() => fakes.stop())

describe('max-actions', () => {
  it('counts a leftover deletion: one creation plus one with a leftover to delete first is three writes', async () => {
    const f = await startRotationFakes()
    fakes = f
    const account: FakeAccount = f.aws.account()
    // deploy-bot (one creation) and leftover (a deletion, then a creation) stay mapped and due.
    account.users = account.users.filter((u) => ['deploy-bot', 'leftover'].includes(u.userName))
    const run = await f.rotate({ 'max-actions': '2' })
    expect(f.aws.mutatingCalls().map((c) => c.action)).toEqual([])
    expect(run.code).toBe(1)
    expect(run.stdout).toContain('The rotation plan holds more writing steps than max-actions (2)')
    expect(run.summary).toContain('3 IAM key writes planned (max-actions 2)')
  })
})

describe('a symbolic link out of the workspace', () => {
  const outside = mkdtempSync(join(tempRoot(), 'outside-'))
  writeFileSync(
    join(outside, 'rotation.yml'),
    'version: 1\nusers:\n  deploy-bot:\n    github-secrets:\n      repository: acme/web\n'
  )
  writeFileSync(join(outside, 'owners.yml'), 'owners:\n  - users: ["*"]\n    github: [mallory]\n')

  function workspaceWithLink(name: string, target: string): string {
    const workspace = mkdtempSync(join(tempRoot(), 'workspace-'))
    symlinkSync(target, join(workspace, name))
    return workspace
  }

  it.each([
    ['rotation-config', { action: 'rotate', 'delivery-token': 'ghs_x' }, 'rotation.yml'],
    ['owners-config', {}, 'owners.yml']
  ])('%s: refused before any AWS call, naming the input', async (input, extra, file) => {
    fakes = await startFakes()
    const workspace = workspaceWithLink(`linked-${file}`, join(outside, file))
    const run = await fakes.run(
      { ...extra, [input]: `linked-${file}` },
      { env: { GITHUB_WORKSPACE: workspace } }
    )
    expect(run.code).toBe(1)
    expect(run.stdout).toContain(`'${input}' (linked-${file}) is a symbolic link to`)
    expect(run.stdout).toContain('outside the workspace')
    expect(fakes.aws.calls).toEqual([])
  })

  it('a linked folder on the way out is refused too', async () => {
    fakes = await startFakes()
    const workspace = workspaceWithLink('config', outside)
    const run = await fakes.run(
      { 'owners-config': 'config/owners.yml' },
      { env: { GITHUB_WORKSPACE: workspace } }
    )
    expect(run.code).toBe(1)
    expect(run.stdout).toContain("'owners-config' (config/owners.yml) is a symbolic link to")
    expect(fakes.aws.calls).toEqual([])
  })
})
