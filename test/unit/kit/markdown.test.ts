import { describe, expect, it } from '@jest/globals'
import { escapeMarkdown, table } from '../../../src/kit/text/markdown.js'
import { excludedBy } from '../../../src/domain/exemptions.js'
import { globToRegExp } from '../../../src/domain/user-glob.js'

/** What a reader sees once GitHub has decoded the entities. */
function rendered(markdown: string): string {
  return markdown.replace(/&#(\d+);/g, (_, code: string) => String.fromCodePoint(Number(code)))
}

describe('escapeMarkdown', () => {
  it.each([
    ['pipe|breaks', '|'],
    ['`code`', '`'],
    ['<script>alert(1)</script>', '<'],
    ['--><!-- hidden', '<!--'],
    ['[x](javascript:alert(1))', ']('],
    ['**bold** _em_ ~~del~~', '*']
  ])('leaves no active %s', (value, forbidden) => {
    expect(escapeMarkdown(value)).not.toContain(forbidden)
  })

  it('breaks @mentions and #references with a zero-width space', () => {
    const out = rendered(escapeMarkdown('ping @octocat and @org/team about #12'))
    expect(out).not.toMatch(/@[a-z0-9]/i)
    expect(out).not.toMatch(/#\d/)
    expect(out).toContain('@\u200Boctocat')
  })

  it('breaks bare URLs so GitHub does not turn them into links', () => {
    const out = rendered(escapeMarkdown('see https://evil.example/x and www.evil.example'))
    expect(out).not.toMatch(/https:\/\//)
    expect(out).not.toMatch(/www\./)
    expect(out).toContain('https:\u200B//evil.example/x')
  })

  it('keeps a value on one line', () => {
    expect(escapeMarkdown('a\nb\r\nc\u2028d\te')).toBe('a b c d e')
  })

  it('truncates long values by characters, not bytes', () => {
    const out = escapeMarkdown('é'.repeat(500), 10)
    expect(Array.from(out)).toHaveLength(10)
    expect(out.endsWith('…')).toBe(true)
  })

  it('leaves ordinary IAM user names readable', () => {
    expect(escapeMarkdown('alice.smith-2')).toBe('alice.smith-2')
  })

  it('builds a table whose row count does not change whatever the cells hold', () => {
    const md = table(['A', 'B'], [[escapeMarkdown('x|y\nz'), escapeMarkdown('|')]])
    expect(md.split('\n')).toHaveLength(3)
    expect(md.split('\n')[2]?.split('|')).toHaveLength(4)
  })
})

describe('exclude-users globs', () => {
  it('matches whole names with * and ?, ignoring case', () => {
    expect(globToRegExp('ci-*').test('CI-deploy')).toBe(true)
    expect(globToRegExp('ci-*').test('my-ci-deploy')).toBe(false)
    expect(globToRegExp('svc?').test('svc1')).toBe(true)
    expect(globToRegExp('svc?').test('svc12')).toBe(false)
  })

  it('treats the other characters IAM allows in names literally', () => {
    expect(globToRegExp('a.b+c=d,e@f').test('a.b+c=d,e@f')).toBe(true)
    expect(globToRegExp('a.b').test('axb')).toBe(false)
  })

  it('names the pattern that matched', () => {
    expect(excludedBy('break-glass', ['ci-*', 'break-*'])).toEqual({
      kind: 'excluded-user',
      pattern: 'break-*'
    })
    expect(excludedBy('alice', ['ci-*'])).toBeUndefined()
  })
})
