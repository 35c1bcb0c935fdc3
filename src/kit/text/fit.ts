// Fitting content into a medium's size limit. GitHub's job summary (1 MiB) and SNS (256 KiB)
// count UTF-8 bytes; GitHub's issue bodies count characters.

export function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8')
}

export interface FitOptions {
  /** What everything together may take, in UTF-8 bytes. */
  budget: number
  /** Bytes already taken by what surrounds the items. */
  used?: number
  /** Goes before each item, and counts with it. */
  separator?: string
  /**
   * Bytes kept free while another item would still follow the one being added: room for the
   * note that says how many were left out. The last item needs no such room.
   */
  reserve?: number
}

export interface Fitted {
  /** The texts that fit, in order (each the first of its item's forms that fit). */
  shown: string[]
  /** How many items did not fit. */
  left: number
  /** Bytes taken once the shown texts and their separators are added to `used`. */
  used: number
}

/**
 * Takes items in order while they fit in the budget and stops at the first that does not, so
 * what is shown is always the head of the list and a smaller item never jumps the queue.
 * `render` gives an item's text, or its forms from fullest to shortest: the first form that
 * fits is taken. Items after the first that does not fit are never rendered.
 */
export function fitItems<T>(
  items: readonly T[],
  render: (item: T) => string | readonly string[],
  options: FitOptions
): Fitted {
  const separator = utf8Bytes(options.separator ?? '')
  const shown: string[] = []
  let used = options.used ?? 0
  for (const [i, item] of items.entries()) {
    const reserve = i + 1 < items.length ? (options.reserve ?? 0) : 0
    const forms = render(item)
    const text = (typeof forms === 'string' ? [forms] : forms).find(
      (form) => used + separator + utf8Bytes(form) + reserve <= options.budget
    )
    if (text === undefined) break
    shown.push(text)
    used += separator + utf8Bytes(text)
  }
  return { shown, left: items.length - shown.length, used }
}

/**
 * The text whole when it has at most `maxChars` characters (UTF-16 code units, as GitHub counts
 * an issue body); otherwise cut at the last line break within them, so no table row, entity or
 * tag is left half-written ('' when there is none).
 */
export function cutAtLine(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text
  const at = text.lastIndexOf('\n', Math.max(0, maxChars))
  return at > 0 ? text.slice(0, at) : ''
}
