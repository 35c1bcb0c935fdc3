// RFC 4180 CSV, read row by row from text chunks: a row may span chunks, and no more than one
// row is held at a time. AWS never quotes (IAM names cannot hold commas or quotes), but quoting,
// doubled quotes, CRLF and line breaks inside quotes are all handled.

const COMMA = 44
const QUOTE = 34
const LF = 10
const CR = 13

const enum State {
  /** At the start of a field. */
  Start,
  /** Inside an unquoted field. */
  Plain,
  /** Inside a quoted field. */
  Quoted,
  /** Just after a quote inside a quoted field: a second quote, or the field's end. */
  QuoteSeen
}

/** Rows of a CSV document given as consecutive chunks of text; blank lines are skipped. */
export function* csvRows(chunks: Iterable<string>): Generator<string[], void, undefined> {
  let row: string[] = []
  let field = ''
  let state = State.Start
  let skipLf = false
  for (const chunk of chunks) {
    // Text of the current field from `from` up to the cursor is not yet in `field`.
    let from = 0
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i)
      if (skipLf) {
        skipLf = false
        if (c === LF) {
          from = i + 1
          continue
        }
      }
      if (state === State.Quoted) {
        if (c === QUOTE) {
          field += chunk.slice(from, i)
          state = State.QuoteSeen
        }
        continue
      }
      if (state === State.QuoteSeen) {
        if (c === QUOTE) {
          field += '"'
          state = State.Quoted
          from = i + 1
          continue
        }
        // The closing quote; anything before the next separator is kept as is (lenient).
        state = State.Plain
        from = i
      } else if (state === State.Start) {
        if (c === QUOTE) {
          state = State.Quoted
          from = i + 1
          continue
        }
        state = State.Plain
        from = i
      }
      if (c !== COMMA && c !== LF && c !== CR) continue
      row.push(field + chunk.slice(from, i))
      field = ''
      state = State.Start
      from = i + 1
      if (c !== COMMA) {
        if (!(row.length === 1 && row[0] === '')) yield row
        row = []
        skipLf = c === CR
      }
    }
    if (state === State.Plain || state === State.Quoted) field += chunk.slice(from)
  }
  if (state !== State.Start || row.length > 0) {
    row.push(field)
    if (!(row.length === 1 && row[0] === '')) yield row
  }
}

/** Decodes UTF-8 bytes in slices, so the text is never held twice in full. */
export function* utf8Chunks(bytes: Uint8Array, size = 64 * 1024): Generator<string> {
  const decoder = new TextDecoder('utf-8')
  for (let start = 0; start < bytes.length; start += size) {
    yield decoder.decode(bytes.subarray(start, start + size), { stream: true })
  }
  const rest = decoder.decode()
  if (rest !== '') yield rest
}
