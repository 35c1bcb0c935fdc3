// Regenerates the README's input and output tables and permission policies from action.yml and
// examples/aws/permissions.json, so the README cannot drift from what the action declares.
// `node --import tsx scripts/readme-tables.ts` rewrites README.md; a test checks it is current.
import { readFileSync, writeFileSync } from 'node:fs'
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

/** Replaces the text between the generated markers of each block. */
export function renderReadme(readme: string, blocks: Record<string, string>): string {
  let out = readme
  for (const [name, content] of Object.entries(blocks)) {
    const start = out.indexOf(BEGIN(name))
    const end = out.indexOf(END(name))
    if (start < 0 || end < 0) throw new Error(`README.md has no generated block ${name}`)
    out = `${out.slice(0, start + BEGIN(name).length)}\n${content}\n${out.slice(end)}`
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

/** The README as it should be: blocks regenerated, formatted as `npm run format` would. */
export async function currentReadme(): Promise<string> {
  const options = (await resolveConfig('README.md')) ?? {}
  return format(renderReadme(readFileSync('README.md', 'utf8'), readmeBlocks()), {
    ...options,
    parser: 'markdown'
  })
}

if (process.argv[1]?.endsWith('readme-tables.ts')) {
  writeFileSync('README.md', await currentReadme())
}
