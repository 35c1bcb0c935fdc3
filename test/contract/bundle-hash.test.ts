// dist/source.sha256: the hash of src/ that `npm run package` records and the e2e tests' global
// setup (test/support/fresh-bundle.js) compares, so they never test a stale bundle. It must follow
// content only: a fresh clone gives every file the checkout's mtime.
import { afterEach, describe, expect, it } from '@jest/globals'
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  utimesSync,
  writeFileSync
} from 'node:fs'
import { join } from 'node:path'
import { sourceHash } from '../../scripts/source-hash.mjs'
import { staleBundleProblem } from '../support/fresh-bundle.js'
import { tempRoot } from '../support/temp-root.js'

let root = ''

/** A repository with src/a.ts and src/kit/b.ts. */
function repo(): string {
  root = mkdtempSync(join(tempRoot(), 'iam-key-sentinel-hash-'))
  mkdirSync(join(root, 'src', 'kit'), { recursive: true })
  writeFileSync(join(root, 'src', 'a.ts'), 'export const a = 1\n')
  writeFileSync(join(root, 'src', 'kit', 'b.ts'), 'export const b = 2\n')
  return root
}

afterEach(() => {
  if (root) rmSync(root, { recursive: true, force: true })
  root = ''
})

describe('the hash of src/', () => {
  it('ignores modification times', () => {
    const dir = repo()
    const before = sourceHash(dir)
    utimesSync(join(dir, 'src', 'a.ts'), new Date('2001-01-01'), new Date('2001-01-01'))
    expect(sourceHash(dir)).toBe(before)
  })

  it("changes with a file's content, name or place, and with a new file", () => {
    const dir = repo()
    const seen = new Set([sourceHash(dir)])
    writeFileSync(join(dir, 'src', 'a.ts'), 'export const a = 2\n')
    seen.add(sourceHash(dir))
    renameSync(join(dir, 'src', 'a.ts'), join(dir, 'src', 'c.ts'))
    seen.add(sourceHash(dir))
    renameSync(join(dir, 'src', 'c.ts'), join(dir, 'src', 'kit', 'c.ts'))
    seen.add(sourceHash(dir))
    writeFileSync(join(dir, 'src', 'kit', 'd.ts'), '')
    seen.add(sourceHash(dir))
    expect(seen.size).toBe(5)
  })
})

describe("the e2e tests' global setup", () => {
  it('refuses a dist/ without the hash, or with the hash of another src/, and takes a fresh one', () => {
    const dir = repo()
    expect(staleBundleProblem(dir)).toMatch(/^dist\/source\.sha256 is missing.*npm run package/)
    mkdirSync(join(dir, 'dist'))
    writeFileSync(join(dir, 'dist', 'source.sha256'), `${sourceHash(dir)}\n`)
    expect(staleBundleProblem(dir)).toBeUndefined()
    writeFileSync(join(dir, 'src', 'kit', 'b.ts'), 'export const b = 3\n')
    expect(staleBundleProblem(dir)).toMatch(/^dist\/ is stale.*npm run package/)
  })
})

describe('npm run package and check-dist', () => {
  const scripts = (
    JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> }
  ).scripts

  it('records the hash after bundling', () => {
    expect(scripts.package).toMatch(
      /^rm -rf dist && ncc build .* && node scripts\/source-hash\.mjs --write$/
    )
  })

  it('check-dist requires it, and compares it with the committed one like every file of dist/', () => {
    const script = readFileSync('scripts/check-dist.sh', 'utf8')
    expect(script).toContain('[ ! -s dist/source.sha256 ]')
    expect(script).toContain('git status --porcelain -- dist')
  })
})
