// Markdown for GitHub (job summary, issue bodies): escaping for every value that comes from AWS
// or a user (inert text, one table cell, no mention, no HTML, no link), and the few blocks the
// reports are built of.
import { plainText } from './plain.js'

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '|': '&#124;',
  '`': '&#96;',
  // A zero-width space after @ and # stops GitHub from turning text into a mention or a
  // cross-reference; the entity alone would not, because GitHub links after decoding.
  '@': '@&#8203;',
  '#': '#&#8203;',
  '\\': '&#92;',
  '[': '&#91;',
  ']': '&#93;',
  '*': '&#42;',
  _: '&#95;',
  '~': '&#126;',
  '!': '&#33;'
}

const SPECIAL = /[&<>"'|`@#\\[\]*_~!]/g
// GitHub autolinks bare URLs after decoding entities, so only a zero-width space breaks them.
const AUTOLINK = /(:)(\/\/)|\b(www)(\.)/gi

/** Escapes one value for inline Markdown, collapsing it to a single line of at most maxLength characters. */
export function escapeMarkdown(value: string, maxLength = 200): string {
  return plainText(value, maxLength)
    .replace(SPECIAL, (c) => ENTITIES[c] ?? c)
    .replace(AUTOLINK, (_, a: string, b: string, c: string, d: string) =>
      a ? `${a}&#8203;${b}` : `${c}&#8203;${d}`
    )
}

/** One table row from already-escaped cells. */
export function tableRow(cells: readonly string[]): string {
  return `| ${cells.join(' | ')} |`
}

/** A Markdown table from already-escaped cells. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return [tableRow(header), tableRow(header.map(() => '---')), ...rows.map(tableRow)].join('\n')
}

/** A collapsed section: the title stays visible, the body unfolds on a click. */
export function details(title: string, body: string): string {
  return `<details><summary>${title}</summary>\n\n${body}\n\n</details>`
}

/** A GitHub alert (WARNING, CAUTION, IMPORTANT…), each given line quoted. */
export function alert(kind: 'WARNING' | 'CAUTION' | 'IMPORTANT', ...lines: string[]): string {
  return [`> [!${kind}]`, ...lines.map((line) => `> ${line}`)].join('\n')
}

/** A fenced code block, one command per line. */
export function codeBlock(language: string, lines: readonly string[]): string {
  return ['```' + language, ...lines, '```'].join('\n')
}
