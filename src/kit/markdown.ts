// Escaping for every value that comes from AWS or a user before it enters Markdown
// (job summary, issue bodies): inert text, one table cell, no mention, no HTML, no link.

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
// Line breaks would end a table row; other control characters have no business in a report.
const CONTROL = /[\u0000-\u001f\u007f\u2028\u2029]+/g // eslint-disable-line no-control-regex

/** Escapes one value for inline Markdown, collapsing it to a single line of at most maxLength characters. */
export function escapeMarkdown(value: string, maxLength = 200): string {
  let text = value.replace(CONTROL, ' ')
  const chars = Array.from(text)
  if (chars.length > maxLength) text = `${chars.slice(0, maxLength - 1).join('')}…`
  return text
    .replace(SPECIAL, (c) => ENTITIES[c] ?? c)
    .replace(AUTOLINK, (_, a: string, b: string, c: string, d: string) =>
      a ? `${a}&#8203;${b}` : `${c}&#8203;${d}`
    )
}

/** A Markdown table from already-escaped cells. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n')
}

export function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8')
}
