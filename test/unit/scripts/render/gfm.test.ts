// The render check's own eyes: what it calls a broken table row, and what GitHub's sanitizer strips.
import { describe, expect, it } from '@jest/globals'
import { brokenTableRows, gfmToHtml } from '../../../../scripts/render/gfm.js'

describe('brokenTableRows', () => {
  it('passes a whole table, escaped pipes and all', () => {
    const md = '| User | Note |\n| --- | --- |\n| bob | a \\| b |\n| `x` | y |\n'
    expect(brokenTableRows(md)).toEqual([])
  })

  it('names the row an unescaped pipe split, which GitHub would silently cut', () => {
    const md = '| User | Note |\n| --- | --- |\n| bob | ok |\n| eve | a | b |\n'
    expect(brokenTableRows(md)).toEqual([{ line: 4, cells: 3, headerCells: 2 }])
  })

  it('names a row that a newline pushed out of its table', () => {
    const md = '| User | Note |\n| --- | --- |\n| bob | line one\n\n| line two | x |\n'
    expect(brokenTableRows(md)).toEqual([{ line: 5, cells: 2, headerCells: 0 }])
  })

  it('ignores table-like lines inside a code block', () => {
    expect(brokenTableRows('```\n| not | a table |\n```\n')).toEqual([])
  })
})

describe('gfmToHtml', () => {
  it('keeps what GitHub keeps and strips what it strips', () => {
    const html = gfmToHtml(
      '<details><summary>More</summary>\n\n<script>alert(1)</script><img src=x onerror="alert(1)">\n</details>\n\n```mermaid\nxychart-beta\n```\n'
    )
    expect(html).toContain('<details><summary>More</summary>')
    expect(html).not.toContain('<script')
    expect(html).not.toContain('onerror')
    expect(html).toContain('<code class="language-mermaid">')
  })
})
