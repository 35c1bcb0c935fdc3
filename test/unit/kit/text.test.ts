// The text kit every renderer shares: fitting into a byte budget, cutting at a line, plain text
// and the Markdown blocks.
import { describe, expect, it, jest } from '@jest/globals'
import { cutAtLine, fitItems, utf8Bytes } from '../../../src/kit/text/fit.js'
import { alert, codeBlock, details, table, tableRow } from '../../../src/kit/text/markdown.js'
import { horizontalBarChart } from '../../../src/kit/text/mermaid.js'
import {
  asciiText,
  clip,
  firstChars,
  numbered,
  oneLine,
  plainText
} from '../../../src/kit/text/plain.js'

const same = (text: string): string => text

describe('fitItems', () => {
  it('takes an item that fills the budget to the byte, and not one byte more', () => {
    // used 10 + separator 1 + "abc" 3 = 14
    expect(fitItems(['abc'], same, { budget: 14, used: 10, separator: '\n' })).toEqual({
      shown: ['abc'],
      left: 0,
      used: 14
    })
    expect(fitItems(['abc'], same, { budget: 13, used: 10, separator: '\n' })).toEqual({
      shown: [],
      left: 1,
      used: 10
    })
  })

  it('counts UTF-8 bytes, not characters', () => {
    // "é" is 2 bytes, "🔑" 4: 6 bytes in 2 characters.
    expect(utf8Bytes('é🔑')).toBe(6)
    expect(fitItems(['é🔑'], same, { budget: 6 }).shown).toEqual(['é🔑'])
    expect(fitItems(['é🔑'], same, { budget: 5 }).shown).toEqual([])
  })

  it('counts the separator before every item, the first one included', () => {
    const fit = fitItems(['a', 'b', 'c'], same, { budget: 6, separator: '\n\n' })
    expect(fit).toEqual({ shown: ['a', 'b'], left: 1, used: 6 })
  })

  it('keeps the reserve free while another item follows, and lets the last item use it', () => {
    const items = ['aaa', 'bbb', 'ccc']
    // Each of the first two needs its 3 bytes plus the reserve of 4; the last only its 3.
    expect(fitItems(items, same, { budget: 6, reserve: 4 }).shown).toEqual([])
    expect(fitItems(items, same, { budget: 7, reserve: 4 }).shown).toEqual(['aaa'])
    expect(fitItems(items, same, { budget: 9, reserve: 4 }).shown).toEqual(['aaa'])
    expect(fitItems(items, same, { budget: 9 }).shown).toEqual(items)
    expect(fitItems(items, same, { budget: 10, reserve: 4 }).shown).toEqual(items)
    expect(fitItems(['aaa'], same, { budget: 3, reserve: 100 }).shown).toEqual(['aaa'])
  })

  it('stops at the first item that does not fit, even when a later one would', () => {
    const fit = fitItems(['a', 'a very long item', 'b'], same, { budget: 5 })
    expect(fit).toEqual({ shown: ['a'], left: 2, used: 1 })
  })

  it('takes the first form of an item that fits, fullest first', () => {
    const forms = (id: string): string[] => [`${id} with all of its details`, `${id} short`]
    expect(fitItems(['k1'], forms, { budget: 100 }).shown).toEqual(['k1 with all of its details'])
    expect(fitItems(['k1'], forms, { budget: 8 }).shown).toEqual(['k1 short'])
    expect(fitItems(['k1'], forms, { budget: 7 })).toEqual({ shown: [], left: 1, used: 0 })
    // The second key gets what the first left: its short form only.
    expect(fitItems(['k1', 'k2'], forms, { budget: 26 + 8 }).shown).toEqual([
      'k1 with all of its details',
      'k2 short'
    ])
  })

  it('renders no item after the first that does not fit', () => {
    const render = jest.fn(same)
    fitItems(['aaaa', 'bbbb', 'cccc', 'dddd'], render, { budget: 6 })
    expect(render.mock.calls.map(([item]) => item)).toEqual(['aaaa', 'bbbb'])
  })

  it('shows nothing when what surrounds the items already takes the budget', () => {
    expect(fitItems(['a'], same, { budget: 10, used: 10 })).toEqual({
      shown: [],
      left: 1,
      used: 10
    })
    expect(fitItems([], same, { budget: 0, used: 3 })).toEqual({ shown: [], left: 0, used: 3 })
  })
})

describe('cutAtLine', () => {
  const text = 'line one\nline two\nline three' // breaks at 8 and 17

  it('keeps a text of exactly the limit whole', () => {
    expect(cutAtLine(text, text.length)).toBe(text)
  })

  it('cuts one character below the limit at the last line break within it', () => {
    expect(cutAtLine(text, text.length - 1)).toBe('line one\nline two')
  })

  it('keeps a line that ends exactly at the limit', () => {
    expect(cutAtLine(text, 17)).toBe('line one\nline two')
    expect(cutAtLine(text, 16)).toBe('line one')
  })

  it('gives nothing rather than half a line', () => {
    expect(cutAtLine(text, 7)).toBe('')
    expect(cutAtLine('\nrest of it', 5)).toBe('')
    expect(cutAtLine('no break at all', 5)).toBe('')
  })

  it('counts UTF-16 code units, as GitHub counts an issue body', () => {
    // "🔑" is 2 code units: "🔑🔑\nx" is 6 long, its break at 4.
    expect(cutAtLine('🔑🔑\nx', 6)).toBe('🔑🔑\nx')
    expect(cutAtLine('🔑🔑\nx', 5)).toBe('🔑🔑')
  })
})

describe('plain text', () => {
  it('puts a value on one line, a run of control characters becoming one space', () => {
    expect(oneLine('a\r\nb\u0000\u0007c\u2028d\u007fe')).toBe('a b c d e')
  })

  it('clips by characters: exactly max stays whole, one more keeps max - 1 and "…"', () => {
    expect(clip('abcde', 5)).toBe('abcde')
    expect(clip('abcdef', 5)).toBe('abcd…')
    expect(clip('🔑🔑🔑', 2)).toBe('🔑…')
    expect(Array.from(clip('é'.repeat(50), 10))).toHaveLength(10)
  })

  it('flattens, then clips', () => {
    expect(plainText('a\nb', 3)).toBe('a b')
    expect(plainText('a\nbc', 3)).toBe('a …')
  })

  it('keeps the first characters without splitting an emoji', () => {
    expect(firstChars('🔑🔑🔑', 2)).toBe('🔑🔑')
    expect(firstChars('ab', 5)).toBe('ab')
  })

  it('folds to ASCII within max, ending a cut with "..."', () => {
    expect(asciiText('Café  ✓ naïve\nline', 99)).toBe('Cafe naive line')
    expect(asciiText('x'.repeat(10), 10)).toBe('x'.repeat(10))
    expect(asciiText('x'.repeat(11), 10)).toBe('xxxxxxx...')
  })

  it('numbers a list from 1', () => {
    expect(numbered(['first', 'second'])).toBe('1. first\n2. second')
    expect(numbered([])).toBe('')
  })
})

describe('Markdown blocks', () => {
  it('builds rows and tables from escaped cells', () => {
    expect(tableRow(['a', 'b'])).toBe('| a | b |')
    expect(table(['A'], [['1'], ['2']])).toBe('| A |\n| --- |\n| 1 |\n| 2 |')
  })

  it('folds a section into <details>', () => {
    expect(details('Title (3)', 'body')).toBe(
      '<details><summary>Title (3)</summary>\n\nbody\n\n</details>'
    )
  })

  it('quotes each line of an alert', () => {
    expect(alert('WARNING', 'one')).toBe('> [!WARNING]\n> one')
    expect(alert('CAUTION', 'one', '- two')).toBe('> [!CAUTION]\n> one\n> - two')
  })

  it('fences commands', () => {
    expect(codeBlock('sh', ['a', 'b'])).toBe('```sh\na\nb\n```')
  })

  it('draws horizontal bars with quoted labels', () => {
    const chart = horizontalBarChart({
      height: 200,
      color: '#0969da',
      labels: ['one', 'two'],
      values: [1, 2],
      axis: 'Keys',
      max: 10
    })
    expect(chart.split('\n')).toEqual([
      '```mermaid',
      '---',
      'config:',
      '  xyChart:',
      '    width: 600',
      '    height: 200',
      '  themeVariables:',
      '    xyChart:',
      '      plotColorPalette: "#0969da"',
      '---',
      'xychart-beta horizontal',
      '  x-axis ["one", "two"]',
      '  y-axis "Keys" 0 --> 10',
      '  bar [1, 2]',
      '```'
    ])
  })
})
