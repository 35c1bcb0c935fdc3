// The layer rules of .dependency-cruiser.cjs, which `npm run lint` runs over src/: a fixture tree
// shaped like src/ holds one wrong import per rule beside imports the layers allow, and the real
// config, through the CLI as lint runs it, must name exactly the wrong ones.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync
} from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { tempRoot } from '../support/temp-root.js'

const REPO = resolve('.')

/** Each file's imports (`type:` marks a type-only one); all but those in EXPECTED are allowed. */
const FIXTURE: Record<string, string[]> = {
  'src/domain/types.ts': [],
  'src/domain/rule.ts': ['./types.js', '../aws/client.js', 'node:crypto'],
  'src/kit/log.ts': ['node:path', '@actions/core'],
  'src/aws/client.ts': [
    '@aws-sdk/client-iam',
    '../kit/log.js',
    '../domain/types.js',
    '../inputs/settings.js',
    '@actions/http-client'
  ],
  'src/github/issues.ts': ['@actions/github', '../domain/types.js', '../scan/walk.js'],
  'src/render/text.ts': [
    '../domain/types.js',
    '../kit/log.js',
    '@actions/core',
    '../deliver/out.js',
    'type:../github/issues.js'
  ],
  'src/scan/walk.ts': ['../aws/client.js', '@aws-sdk/client-iam', '../jobs/audit.js'],
  'src/inputs/settings.ts': ['@actions/github', '../main.js'],
  'src/deliver/out.ts': ['@actions/core', '@actions/github', '../domain/types.js'],
  'src/plan/a.ts': ['./b.js', './nowhere.js'],
  'src/plan/b.ts': ['./a.js'],
  'src/rotate/step.ts': ['../aws/client.js', '../jobs/audit.js', '@actions/core'],
  'src/jobs/audit.ts': ['../deliver/out.js', '@actions/core', '@actions/github', '@aws-sdk/types'],
  'src/main.ts': ['./jobs/audit.js', '@actions/core']
}

/** rule: from → to, one line per violation the rules must report. */
const EXPECTED = [
  'domain-is-pure: src/domain/rule.ts → src/aws/client.ts',
  'domain-is-pure: src/domain/rule.ts → crypto',
  'kit-is-self-contained: src/kit/log.ts → @actions/core',
  'only-delivery-and-jobs-touch-the-runner: src/kit/log.ts → @actions/core',
  'adapters-use-domain-and-kit-only: src/aws/client.ts → src/inputs/settings.ts',
  'no-unlisted-package: src/aws/client.ts → @actions/http-client',
  'adapters-use-domain-and-kit-only: src/github/issues.ts → src/scan/walk.ts',
  'render-is-pure: src/render/text.ts → @actions/core',
  'render-is-pure: src/render/text.ts → src/deliver/out.ts',
  'render-is-pure: src/render/text.ts → src/github/issues.ts',
  'only-delivery-and-jobs-touch-the-runner: src/render/text.ts → @actions/core',
  'only-aws-imports-the-sdk: src/scan/walk.ts → @aws-sdk/client-iam',
  'stages-do-not-import-jobs: src/scan/walk.ts → src/jobs/audit.ts',
  'only-delivery-jobs-and-the-github-adapter-import-actions-github: src/inputs/settings.ts → @actions/github',
  'stages-do-not-import-jobs: src/inputs/settings.ts → src/main.ts',
  'stages-do-not-import-jobs: src/rotate/step.ts → src/jobs/audit.ts',
  'only-delivery-and-jobs-touch-the-runner: src/rotate/step.ts → @actions/core',
  // A cycle is reported once, at its first edge.
  'no-circular: src/plan/a.ts → src/plan/b.ts',
  'not-to-unresolvable: src/plan/a.ts → ./nowhere.js',
  'only-aws-imports-the-sdk: src/jobs/audit.ts → @aws-sdk/types',
  'no-dev-package-at-run-time: src/jobs/audit.ts → @aws-sdk/types'
]

interface Violation {
  from: string
  to: string
  rule: { name: string }
}

/** node_modules/@scope/name/… (wherever the symlinks lead) → @scope/name. */
const moduleName = (path: string): string =>
  /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(path)?.[1] ?? path

/** The arguments of package.json's depcruise script, which `npm run lint` runs. */
const DEPCRUISE_ARGS = (() => {
  const scripts = (JSON.parse(readFileSync('package.json', 'utf8')) as PackageJson).scripts
  const [command, ...args] = scripts.depcruise.split(' ')
  if (command !== 'depcruise' || !scripts.lint?.includes('npm run depcruise')) {
    throw new Error(`lint does not run depcruise as expected: ${JSON.stringify(scripts)}`)
  }
  return args
})()

interface PackageJson {
  scripts: { depcruise: string; lint?: string }
}

function depcruise(cwd: string, args: string[]) {
  const bin = join(REPO, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs')
  return spawnSync(process.execPath, [bin, ...args], {
    cwd,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024
  })
}

let dir = ''
let violations: string[] = []
let status: number | null = null

beforeAll(() => {
  dir = mkdtempSync(join(tempRoot(), 'iam-key-sentinel-layers-'))
  for (const [file, imports] of Object.entries(FIXTURE)) {
    mkdirSync(dirname(join(dir, file)), { recursive: true })
    const lines = imports.map((spec, i) =>
      spec.startsWith('type:')
        ? `import type * as m${i} from '${spec.slice('type:'.length)}'\nexport type T${i} = typeof m${i}`
        : `import * as m${i} from '${spec}'\nvoid m${i}`
    )
    writeFileSync(join(dir, file), `${lines.join('\n')}\nexport const x = 1\n`)
  }
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({
      type: 'module',
      dependencies: { '@actions/core': '*', '@actions/github': '*', '@aws-sdk/client-iam': '*' },
      devDependencies: { '@aws-sdk/types': '*' }
    })
  )
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext' } })
  )
  symlinkSync(join(REPO, 'node_modules'), join(dir, 'node_modules'))
  copyFileSync(join(REPO, '.dependency-cruiser.cjs'), join(dir, '.dependency-cruiser.cjs'))
  // `npm run depcruise` as lint runs it, and once more for the violations as JSON.
  const lint = depcruise(dir, DEPCRUISE_ARGS)
  status = lint.status
  const json = depcruise(dir, [...DEPCRUISE_ARGS, '--output-type', 'json'])
  if (!json.stdout) throw new Error(`depcruise wrote nothing: ${json.stderr}`)
  const result = JSON.parse(json.stdout) as { summary: { violations: Violation[] } }
  violations = result.summary.violations.map(
    (v) => `${v.rule.name}: ${v.from} → ${moduleName(v.to)}`
  )
}, 120_000)

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true })
})

describe('the layer rules', () => {
  it('fail each wrong import, and only those', () => {
    expect([...violations].sort()).toEqual([...EXPECTED].sort())
  })

  it('fail npm run depcruise, and so npm run lint: its exit code counts the errors', () => {
    expect(status).toBe(EXPECTED.length)
  })
})
