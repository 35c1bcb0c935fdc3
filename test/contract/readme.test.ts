// The README's tables and policies are generated from action.yml and permissions.json; this
// fails when either changed and `npm run readme` was not run. It also keeps the quick start true.
import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { currentReadme } from '../../scripts/readme-tables.js'

const readme = readFileSync('README.md', 'utf8')

describe('README', () => {
  it('has the input and output tables and the policies of action.yml and permissions.json', async () => {
    expect(await currentReadme()).toBe(readme)
  })

  it('gives the two quick-start commands, and .ci/run runs the same test command', () => {
    expect(readme).toContain('npm ci && npm run demo')
    expect(readme).toMatch(/^npm test\s/m)
    const ci = readFileSync('.ci/run', 'utf8')
    expect(ci).toMatch(/^npm test$/m)
  })

  it('leaves no placeholder behind', () => {
    expect(readme).not.toMatch(/[A-Z]+_SECTION|INPUT_ROWS|OUTPUT_ROWS|_POLICY\n/)
  })
})
