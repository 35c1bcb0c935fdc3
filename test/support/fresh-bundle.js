// Global setup of the tests that run dist/index.js (e2e, moto): fails the run at once when
// dist/ was built from another src/ than the one checked out, instead of testing a stale
// bundle. It does not rebuild: that would rewrite a committed file in the middle of a test
// run, and CI's check-dist rebuilds from nothing anyway. `npm run package` records the hash.
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { sourceHash } from '../../scripts/source-hash.mjs'

const FIX = "Run 'npm run package' first: the e2e tests run dist/index.js."

/** Why `root`/dist/ may not be the bundle of `root`/src/, or undefined when it is. */
export function staleBundleProblem(root = process.cwd()) {
  const recorded = join(root, 'dist', 'source.sha256')
  if (!existsSync(recorded)) {
    return `dist/source.sha256 is missing, so dist/ may not be built from src/. ${FIX}`
  }
  if (readFileSync(recorded, 'utf8').trim() !== sourceHash(root)) {
    return `dist/ is stale: it was built from another src/ than this one. ${FIX}`
  }
  return undefined
}

export default function freshBundle(globalConfig) {
  const problem = staleBundleProblem(globalConfig?.rootDir)
  if (problem) throw new Error(problem)
}
