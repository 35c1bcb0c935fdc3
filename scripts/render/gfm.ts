// Markdown → HTML the way github.com shows a job summary, an issue or a comment: GitHub Flavored
// Markdown, raw HTML allowed, then sanitized with GitHub's own allow-list (rehype-sanitize's
// default schema follows github.com's). What GitHub would strip is stripped here too.
import type { Root as MdastRoot, Table } from 'mdast'
import rehypeGithubAlert from 'rehype-github-alert'
import rehypeRaw from 'rehype-raw'
import rehypeSanitize from 'rehype-sanitize'
import rehypeStringify from 'rehype-stringify'
import remarkGfm from 'remark-gfm'
import remarkParse from 'remark-parse'
import remarkRehype from 'remark-rehype'
import { unified } from 'unified'

export function gfmToHtml(markdown: string): string {
  return String(
    unified()
      .use(remarkParse)
      .use(remarkGfm)
      .use(remarkRehype, { allowDangerousHtml: true })
      .use(rehypeRaw)
      .use(rehypeSanitize)
      // GitHub turns > [!NOTE] blockquotes into alerts after sanitizing (its classes survive).
      .use(rehypeGithubAlert)
      .use(rehypeStringify)
      .processSync(markdown)
  )
}

/** A table row whose cell count differs from its header's: an unescaped `|` split a cell. */
export interface BrokenRow {
  line: number
  cells: number
  headerCells: number
}

/**
 * Rows that GFM would silently pad or cut to the header's width, and lines that look like a table
 * row but fell out of a table (a newline inside a cell ends the table early).
 */
export function brokenTableRows(markdown: string): BrokenRow[] {
  const tree = unified().use(remarkParse).use(remarkGfm).parse(markdown) as MdastRoot
  const broken: BrokenRow[] = []
  const visit = (node: { type: string; children?: unknown[] }): void => {
    if (node.type === 'table') {
      const [header, ...rows] = (node as Table).children
      const headerCells = header?.children.length ?? 0
      for (const row of rows) {
        // remark-gfm keeps the cells as written; GitHub renders only the header's count.
        if (row.children.length !== headerCells) {
          broken.push({
            line: row.position?.start.line ?? 0,
            cells: row.children.length,
            headerCells
          })
        }
      }
      return
    }
    for (const child of node.children ?? []) visit(child as { type: string; children?: unknown[] })
  }
  visit(tree)
  const lines = markdown.split('\n')
  const inTable = new Set<number>()
  const mark = (node: {
    type: string
    position?: { start: { line: number }; end: { line: number } }
    children?: unknown[]
  }): void => {
    if (node.type === 'table' || node.type === 'code') {
      for (let l = node.position?.start.line ?? 0; l <= (node.position?.end.line ?? -1); l++)
        inTable.add(l)
      return
    }
    for (const child of node.children ?? []) mark(child as typeof node)
  }
  mark(tree)
  lines.forEach((text, i) => {
    if (/^\s*\|.*\|\s*$/.test(text) && !inTable.has(i + 1)) {
      broken.push({ line: i + 1, cells: text.split('|').length - 2, headerCells: 0 })
    }
  })
  return broken
}
