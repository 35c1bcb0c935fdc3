// action.yml is the contract users read: every input the code reads is declared with the
// same default, and every output the code sets is declared.
import { describe, expect, it } from '@jest/globals'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'
import { DEFAULTS, readSettings } from '../../src/inputs.js'

interface ActionYml {
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

describe('action.yml', () => {
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
