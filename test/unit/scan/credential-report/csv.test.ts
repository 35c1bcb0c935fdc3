import { describe, expect, it } from '@jest/globals'
import { csvRows, utf8Chunks } from '../../../../src/scan/credential-report/csv.js'

const rows = (text: string): string[][] => [...csvRows([text])]

/** Every way of cutting `text` in two, plus one chunk per character. */
function chunkings(text: string): string[][] {
  const cuts = Array.from({ length: text.length + 1 }, (_, i) => [text.slice(0, i), text.slice(i)])
  return [...cuts, text.split('')]
}

describe('csvRows', () => {
  it('splits plain rows on commas and line feeds, keeping empty fields', () => {
    expect(rows('a,b,c\n1,,3\n,x,\n')).toEqual([
      ['a', 'b', 'c'],
      ['1', '', '3'],
      ['', 'x', '']
    ])
  })

  it('reads quoted fields with commas, doubled quotes and line breaks, and CRLF rows', () => {
    expect(rows('"a,b","say ""hi""","two\nlines"\r\nlast,"",x\r\n')).toEqual([
      ['a,b', 'say "hi"', 'two\nlines'],
      ['last', '', 'x']
    ])
  })

  it('skips blank lines and reads a last row without a line break', () => {
    expect(rows('\na,b\n\n\nc,d')).toEqual([
      ['a', 'b'],
      ['c', 'd']
    ])
    expect(rows('a,\n')).toEqual([['a', '']])
    expect(rows('')).toEqual([])
  })

  it('gives the same rows however the text is cut into chunks', () => {
    const text = 'user,"q""uote",x\r\n"multi\nline",b,\n<root_account>,N/A,"end"'
    const whole = rows(text)
    expect(whole).toHaveLength(3)
    for (const chunks of chunkings(text)) expect([...csvRows(chunks)]).toEqual(whole)
  })
})

describe('utf8Chunks', () => {
  it('decodes characters split across slices', () => {
    const bytes = new TextEncoder().encode('zoë,🔑\nå')
    for (const size of [1, 2, 3, 5, 64])
      expect([...utf8Chunks(bytes, size)].join('')).toBe('zoë,🔑\nå')
  })
})
