// The documentation's generated blocks (inputs and outputs, policies, the benchmark table) come
// from action.yml, permissions.json and bench-results.json; this fails when one changed and
// `npm run readme` was not run. It also keeps the README a front page and its quick start true.
import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { currentPages, docPages, renderPages } from '../../scripts/readme-tables.js'

const readme = readFileSync('README.md', 'utf8')

describe('README and docs/', () => {
  it('hold the generated blocks as action.yml, permissions.json and bench-results.json say', async () => {
    const current = await currentPages()
    for (const page of docPages())
      expect([page, current[page]]).toEqual([page, readFileSync(page, 'utf8')])
  })

  it('refuse a generated block that stands in no page, or in two', () => {
    const block = '<!-- generated:inputs -->\nold\n<!-- /generated:inputs -->'
    expect(renderPages({ 'a.md': block, 'b.md': '' }, { inputs: 'new' })['a.md']).toContain(
      '\nnew\n'
    )
    expect(() => renderPages({ 'a.md': '' }, { inputs: 'new' })).toThrow('stands in 0 pages')
    expect(() => renderPages({ 'a.md': block, 'b.md': block }, { inputs: 'new' })).toThrow(
      'stands in 2 pages (a.md, b.md)'
    )
  })

  it('gives the two quick-start commands, and .ci/run runs the same test command', () => {
    expect(readme).toContain('npm ci && npm run demo')
    expect(readme).toMatch(/^npm test\s/m)
    const ci = readFileSync('.ci/run', 'utf8')
    expect(ci).toMatch(/^npm test$/m)
  })

  it('is a front page: the `uses:` step comes first, within about 250 lines', () => {
    const lines = readme.split('\n')
    expect(lines.length).toBeLessThanOrEqual(260)
    const firstUses = lines.findIndex((line) => /^\s*(- )?uses: \S+\/iam-key-sentinel@/.test(line))
    const firstCommand = lines.findIndex((line) => line.includes('npm ci'))
    expect(firstUses).toBeGreaterThan(0)
    expect(firstUses).toBeLessThan(45)
    expect(firstUses).toBeLessThan(firstCommand)
  })

  it('leaves no placeholder behind', () => {
    for (const page of docPages()) {
      expect([page, readFileSync(page, 'utf8')]).not.toEqual([
        page,
        expect.stringMatching(/[A-Z]+_SECTION|INPUT_ROWS|OUTPUT_ROWS|_POLICY\n/)
      ])
    }
  })
})
