// action.yml is the contract users read: every input the code reads is declared with the
// same default, and every output the code sets is declared.
import { describe, expect, it } from '@jest/globals'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'
import { DEFAULTS } from '../../src/inputs/defaults.js'
import { readSettings } from '../../src/inputs/settings.js'

interface ActionYml {
  description: string
  branding: { icon: string; color: string }
  runs: { using: string; main: string }
  inputs: Record<string, { description: string; default?: string; required?: boolean }>
  outputs: Record<string, { description: string }>
}

const action = parse(readFileSync('action.yml', 'utf8')) as ActionYml

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : []
  })
}

// GitHub's metadata syntax reference, "branding": the Feather icons GitHub omits, and the
// colours it allows. The Marketplace release form rejects an action using an omitted icon.
const OMITTED_ICONS = [
  'coffee',
  'columns',
  'divide-circle',
  'divide-square',
  'divide',
  'frown',
  'hexagon',
  'key',
  'meh',
  'mouse-pointer',
  'smile',
  'tool',
  'x-octagon'
]
const COLORS = ['white', 'black', 'yellow', 'blue', 'green', 'orange', 'red', 'purple', 'gray-dark']

describe('action.yml', () => {
  it('is valid Marketplace metadata: a description under 125 characters, an allowed icon and colour', () => {
    // The Marketplace release form refuses a longer description.
    expect(action.description.trim().length).toBeLessThan(125)
    expect(action.description.trim().length).toBeGreaterThan(40)
    expect(OMITTED_ICONS).not.toContain(action.branding.icon)
    expect(action.branding.icon).toMatch(/^[a-z0-9-]+$/)
    expect(COLORS).toContain(action.branding.color)
  })

  it('runs dist/index.js on node24', () => {
    expect(action.runs).toEqual({ using: 'node24', main: 'dist/index.js' })
  })

  it('declares every input the code reads, each with a description and a default', () => {
    const read = new Set<string>()
    readSettings((name) => {
      read.add(name)
      return ''
    }, {})
    expect(Object.keys(action.inputs).sort()).toEqual([...read].sort())
    for (const [name, input] of Object.entries(action.inputs)) {
      expect(`${name}: ${input.description ?? ''}`.length).toBeGreaterThan(name.length + 20)
      expect(input.default).toBeDefined()
    }
  })

  it('has the same defaults as the code', () => {
    for (const [name, value] of Object.entries(DEFAULTS)) {
      expect([name, String(action.inputs[name]?.default)]).toEqual([name, value])
    }
    expect(action.inputs['github-token']?.default).toBe('${{ github.token }}')
  })

  it('declares every output the code sets', () => {
    const set = new Set<string>()
    for (const file of sourceFiles('src')) {
      for (const m of readFileSync(file, 'utf8').matchAll(/setOutput\('([a-z-]+)'/g))
        set.add(m[1] as string)
    }
    expect(set.size).toBeGreaterThan(10)
    expect(Object.keys(action.outputs).sort()).toEqual([...set].sort())
  })
})
