// Every relative link and anchor of the pages users read resolves: a moved section or a renamed
// heading fails here, not in a reader's browser.
import { describe, expect, it } from '@jest/globals'
import GithubSlugger from 'github-slugger'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, normalize } from 'node:path'
import { toString } from 'mdast-util-to-string'
import remarkGfm from 'remark-gfm'
import remarkParse from 'remark-parse'
import { unified } from 'unified'
import { visit } from 'unist-util-visit'

interface Reference {
  url: string
  line: number
}

const parser = unified().use(remarkParse).use(remarkGfm)

/** The anchors GitHub gives a page's headings (and explicit `<a name>` / `id` targets). */
function anchorsOf(markdown: string): Set<string> {
  const slugger = new GithubSlugger()
  const anchors = new Set<string>()
  visit(parser.parse(markdown), 'heading', (node) => {
    anchors.add(slugger.slug(toString(node)))
  })
  for (const m of markdown.matchAll(/<a\s+(?:name|id)="([^"]+)"/g)) anchors.add(m[1] as string)
  return anchors
}

/** The relative links and images of a page: Markdown links and `src`/`href` of inline HTML. */
function referencesOf(markdown: string): Reference[] {
  const refs: Reference[] = []
  visit(parser.parse(markdown), (node) => {
    const line = node.position?.start.line ?? 0
    if (
      (node.type === 'link' || node.type === 'image' || node.type === 'definition') &&
      'url' in node
    ) {
      refs.push({ url: String(node.url), line })
    }
    if (node.type === 'html' && 'value' in node) {
      for (const m of String(node.value).matchAll(/(?:src|href)="([^"]+)"/g)) {
        refs.push({ url: m[1] as string, line })
      }
    }
  })
  return refs.filter((r) => !/^[a-z][a-z0-9+.-]*:/i.test(r.url))
}

/** What is wrong with each relative link of a page, given the files of the repository. */
function deadLinks(
  page: string,
  markdown: string,
  read: (path: string) => string | undefined
): string[] {
  const problems: string[] = []
  for (const { url, line } of referencesOf(markdown)) {
    const [pathPart = '', anchor] = url.split('#')
    const target =
      pathPart === '' ? page : normalize(join(dirname(page), decodeURIComponent(pathPart)))
    const text = read(target)
    if (text === undefined) {
      problems.push(`${page}:${line}: ${url}: no file ${target}`)
      continue
    }
    if (anchor && target.endsWith('.md') && !anchorsOf(text).has(anchor)) {
      problems.push(`${page}:${line}: ${url}: ${target} has no heading #${anchor}`)
    }
  }
  return problems
}

function markdownPages(): string[] {
  const inDocs = readdirSync('docs')
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`)
  return ['README.md', 'SECURITY.md', 'CHANGELOG.md', 'examples/README.md', ...inDocs]
}

function readRepoFile(path: string): string | undefined {
  if (!existsSync(path)) return undefined
  return statSync(path).isDirectory() ? '' : readFileSync(path, 'utf8')
}

describe('links of README.md, docs/, SECURITY.md, CHANGELOG.md and examples/README.md', () => {
  it.each(markdownPages())('%s links only to files and headings that exist', (page) => {
    expect(deadLinks(page, readFileSync(page, 'utf8'), readRepoFile)).toEqual([])
  })

  it('finds a dead file, a dead anchor and a dead anchor in the page itself', () => {
    const files: Record<string, string> = {
      'docs/a.md': '# A page\n\n## Two words\n',
      'README.md': ''
    }
    const page =
      '[ok](docs/a.md#two-words) [file](docs/b.md) [anchor](docs/a.md#three) [self](#nowhere)'
    expect(deadLinks('README.md', page, (p) => files[p])).toEqual([
      'README.md:1: docs/b.md: no file docs/b.md',
      'README.md:1: docs/a.md#three: docs/a.md has no heading #three',
      'README.md:1: #nowhere: README.md has no heading #nowhere'
    ])
  })

  it('resolves links from a page in docs/ against docs/', () => {
    const files: Record<string, string> = { 'examples/x.yml': 'x', 'docs/a.md': '' }
    expect(
      deadLinks('docs/a.md', '[x](../examples/x.yml) [y](examples/x.yml)', (p) => files[p])
    ).toEqual(['docs/a.md:1: examples/x.yml: no file docs/examples/x.yml'])
  })
})
