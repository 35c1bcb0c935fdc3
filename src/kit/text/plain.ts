// Plain text for every medium: one line, cut to a length, ASCII when a header demands it.
// Values from AWS or a user pass through here (or through escapeMarkdown, which starts here).

// Line breaks would forge lines in an e-mail or end a table row; other control characters
// could hide text. All of them become one space.
const CONTROL = /[\u0000-\u001f\u007f\u2028\u2029]+/g // eslint-disable-line no-control-regex

/** The value on one line: each run of control characters becomes a space. */
export function oneLine(value: string): string {
  return value.replace(CONTROL, ' ')
}

/** The first `max` characters (code points, so no emoji is split), with no mark of the cut. */
export function firstChars(text: string, max: number): string {
  return Array.from(text).slice(0, max).join('')
}

/** At most `max` characters (code points): a longer text keeps max - 1 and ends with "…". */
export function clip(text: string, max: number): string {
  const chars = Array.from(text)
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : text
}

/** One value as plain text: one line of at most `max` characters. */
export function plainText(value: string, max: number): string {
  return clip(oneLine(value), max)
}

/**
 * ASCII only (accents folded, anything else dropped), one line with single spaces, at most `max`
 * characters: a longer text keeps max - 3 and ends with "...".
 */
export function asciiText(text: string, max: number): string {
  const ascii = text
    .normalize('NFKD')
    .replace(/[\s\p{Cc}]+/gu, ' ') // line breaks first, so they become spaces, not nothing
    .replace(/[^\x20-\x7e]/g, '')
    .replace(/ +/g, ' ')
    .trim()
  return ascii.length > max ? `${ascii.slice(0, max - 3)}...` : ascii
}

/** "1. first\n2. second": a numbered list, the same in Markdown and in plain text. */
export function numbered(items: readonly string[]): string {
  return items.map((item, i) => `${i + 1}. ${item}`).join('\n')
}
