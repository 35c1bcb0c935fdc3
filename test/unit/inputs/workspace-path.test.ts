import { describe, expect, it } from '@jest/globals'
import { mkdirSync, mkdtempSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { linkedOutProblem, workspaceFile } from '../../../src/inputs/workspace-path.js'

const root = realpathSync(mkdtempSync(join(tmpdir(), 'workspace-path-')))
const workspace = join(root, 'checkout')
const outside = join(root, 'elsewhere')
mkdirSync(join(workspace, 'config'), { recursive: true })
mkdirSync(outside)
writeFileSync(join(workspace, 'config', 'owners.yml'), 'owners: []\n')
writeFileSync(join(outside, 'owners.yml'), 'owners: []\n')
symlinkSync(join(outside, 'owners.yml'), join(workspace, 'linked.yml'))
symlinkSync(outside, join(workspace, 'linked-dir'))
symlinkSync(join(workspace, 'config', 'owners.yml'), join(workspace, 'inner-link.yml'))
const env = { GITHUB_WORKSPACE: workspace }

describe('workspaceFile', () => {
  it('a plain file inside is read where it is', () => {
    expect(workspaceFile('config/owners.yml', env)).toEqual({
      kind: 'inside',
      full: join(workspace, 'config', 'owners.yml')
    })
  })

  it('a link that stays inside is followed to its target', () => {
    expect(workspaceFile('inner-link.yml', env)).toEqual({
      kind: 'inside',
      full: join(workspace, 'config', 'owners.yml')
    })
  })

  it('absolute paths and .. are outside as written', () => {
    expect(workspaceFile(join(workspace, 'config/owners.yml'), env)).toEqual({ kind: 'outside' })
    expect(workspaceFile('../elsewhere/owners.yml', env)).toEqual({ kind: 'outside' })
    expect(workspaceFile('config/../../elsewhere/owners.yml', env)).toEqual({ kind: 'outside' })
  })

  it('a name that merely starts with two dots is inside', () => {
    expect(workspaceFile('..owners.yml', env)).toEqual({
      kind: 'inside',
      full: join(workspace, '..owners.yml')
    })
  })

  it('a link to a file outside, or through a linked folder, is linked out', () => {
    const target = join(outside, 'owners.yml')
    expect(workspaceFile('linked.yml', env)).toEqual({ kind: 'linked-out', target })
    expect(workspaceFile('linked-dir/owners.yml', env)).toEqual({ kind: 'linked-out', target })
  })

  it('a workspace that is itself reached through a link still holds its files', () => {
    const alias = join(root, 'alias')
    symlinkSync(workspace, alias)
    expect(workspaceFile('config/owners.yml', { GITHUB_WORKSPACE: alias })).toEqual({
      kind: 'inside',
      full: join(workspace, 'config', 'owners.yml')
    })
  })

  it('the problem names the input, the link and what to change', () => {
    expect(linkedOutProblem('owners-config', 'linked.yml', '/etc/x')).toBe(
      "'owners-config' (linked.yml) is a symbolic link to /etc/x, outside the workspace: a file outside the checkout was never reviewed. Commit the file itself into the repository instead of a link, or point 'owners-config' at a file inside the checkout."
    )
  })
})
