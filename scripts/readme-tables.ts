// Regenerates the documentation's generated blocks (the input and output reference, the permission
// policies, the benchmark table) from action.yml, examples/aws/permissions.json and
// bench-results.json, so the pages cannot drift from what the action declares.
// `npm run readme` rewrites the pages (README.md and docs/*.md); a test checks they are current.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { format, resolveConfig } from 'prettier'
import { parse } from 'yaml'
import { formatTable, type BenchRun } from './bench/table.js'

interface ActionYml {
  inputs: Record<string, { description: string; default?: string }>
  outputs: Record<string, { description: string }>
}

const cell = (text: string): string => text.replace(/\s+/g, ' ').replace(/\|/g, '\\|').trim()

export function inputRows(action: ActionYml): string {
  return Object.entries(action.inputs)
    .map(
      ([name, i]) =>
        `| \`${name}\` | ${i.default ? `\`${cell(i.default)}\`` : '_(empty)_'} | ${cell(i.description)} |`
    )
    .join('\n')
}

export function outputRows(action: ActionYml): string {
  return Object.entries(action.outputs)
    .map(([name, o]) => `| \`${name}\` | ${cell(o.description)} |`)
    .join('\n')
}

export function policy(actions: readonly string[]): string {
  const statement = { Effect: 'Allow', Action: [...actions].sort(), Resource: '*' }
  return JSON.stringify({ Version: '2012-10-17', Statement: [statement] }, null, 2)
}

const BEGIN = (name: string) => `<!-- generated:${name} -->`
const END = (name: string) => `<!-- /generated:${name} -->`

/** The pages the generated blocks may stand in: the README and every page of docs/. */
export function docPages(): string[] {
  const pages = readdirSync('docs')
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => `docs/${name}`)
  return ['README.md', ...pages]
}

/**
 * Replaces the text between the generated markers of each block, in whichever page holds it.
 * Each block stands in exactly one page: a block in none, or in two, is an error.
 */
export function renderPages(
  pages: Record<string, string>,
  blocks: Record<string, string>
): Record<string, string> {
  const out = { ...pages }
  for (const [name, content] of Object.entries(blocks)) {
    const holders = Object.keys(out).filter((page) => out[page]?.includes(BEGIN(name)))
    if (holders.length !== 1) {
      throw new Error(
        `generated block ${name} stands in ${holders.length} pages (${holders.join(', ')}); it must stand in one`
      )
    }
    const page = holders[0] as string
    const text = out[page] as string
    const start = text.indexOf(BEGIN(name))
    const end = text.indexOf(END(name))
    if (end < start) throw new Error(`${page} has no end marker for the generated block ${name}`)
    out[page] = `${text.slice(0, start + BEGIN(name).length)}\n${content}\n${text.slice(end)}`
  }
  return out
}

export function readmeBlocks(): Record<string, string> {
  const action = parse(readFileSync('action.yml', 'utf8')) as ActionYml
  const permissions = JSON.parse(readFileSync('examples/aws/permissions.json', 'utf8')) as {
    audit: string[]
    remediation: string[]
  }
  const extra = permissions.remediation.filter((a) => !permissions.audit.includes(a))
  return {
    inputs: `| input | default | description |\n| --- | --- | --- |\n${inputRows(action)}`,
    outputs: `| output | description |\n| --- | --- |\n${outputRows(action)}`,
    'audit-policy': '```json\n' + policy(permissions.audit) + '\n```',
    'remediation-policy': '```json\n' + policy(extra) + '\n```',
    // `npm run bench` writes bench-results.json; the README's table is that file's.
    bench: formatTable(
      (JSON.parse(readFileSync('bench-results.json', 'utf8')) as { runs: BenchRun[] }).runs
    )
  }
}

/** Every page as it should be: blocks regenerated, formatted as `npm run format` would. */
export async function currentPages(): Promise<Record<string, string>> {
  const pages = Object.fromEntries(docPages().map((page) => [page, readFileSync(page, 'utf8')]))
  const rendered = renderPages(pages, readmeBlocks())
  const out: Record<string, string> = {}
  for (const [page, text] of Object.entries(rendered)) {
    const options = (await resolveConfig(page)) ?? {}
    out[page] = await format(text, { ...options, parser: 'markdown' })
  }
  return out
}

if (process.argv[1]?.endsWith('readme-tables.ts')) {
  for (const [page, text] of Object.entries(await currentPages())) {
    if (readFileSync(page, 'utf8') !== text) writeFileSync(page, text)
  }
}
