// The release path (scripts/release-notes.ts, scripts/check-release.ts, .github/workflows/
// release.yml) and what it promises users: the version in package.json, CHANGELOG.md and the
// pin comments agree, so the `# vX.Y.Z` after a pinned SHA names a release this process makes.
import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { parse } from 'yaml'
import { planRelease, releaseCommands } from '../../scripts/check-release.js'
import { changelogSections, releaseNotes } from '../../scripts/release-notes.js'

const CHANGELOG = `# Changelog

Intro.

## [Unreleased]

- Not yet.

## [1.2.0] - 2026-11-02

### Added

- A thing.

## [1.1.0] - 2026-10-01

- An older thing.

[Unreleased]: https://example.com/compare/v1.2.0...HEAD
[1.2.0]: https://example.com/v1.2.0
`

describe('release notes', () => {
  it('extracts one version section, without the next heading or the link references', () => {
    expect(releaseNotes(CHANGELOG, '1.2.0')).toBe('### Added\n\n- A thing.')
    expect(releaseNotes(CHANGELOG, '1.1.0')).toBe('- An older thing.')
  })

  it('lists the sections in order, Unreleased without a date', () => {
    expect(changelogSections(CHANGELOG).map((s) => [s.name, s.date])).toEqual([
      ['Unreleased', undefined],
      ['1.2.0', '2026-11-02'],
      ['1.1.0', '2026-10-01']
    ])
  })

  it('refuses a version without a dated, non-empty section', () => {
    expect(() => releaseNotes(CHANGELOG, '1.3.0')).toThrow("no section '## [1.3.0]")
    expect(() => releaseNotes(CHANGELOG, 'Unreleased')).toThrow('no release date')
    expect(() =>
      releaseNotes('## [2.0.0] - 2026-12-01\n\n## [1.0.0] - 2026-01-01\n', '2.0.0')
    ).toThrow('is empty')
  })
})

describe('release plan', () => {
  it('releases a vX.Y.Z tag equal to package.json, moving the major tag', () => {
    const plan = planRelease('v1.2.0', '1.2.0', CHANGELOG)
    expect(plan).toEqual({
      tag: 'v1.2.0',
      version: '1.2.0',
      majorTag: 'v1',
      notes: '### Added\n\n- A thing.',
      prerelease: false
    })
    expect(releaseCommands(plan, '/tmp/notes.md')).toEqual([
      [
        'gh',
        'release',
        'create',
        'v1.2.0',
        '--verify-tag',
        '--title',
        'v1.2.0',
        '--notes-file',
        '/tmp/notes.md'
      ],
      ['git', 'tag', '--force', 'v1', 'v1.2.0^{commit}'],
      ['git', 'push', '--force', 'origin', 'refs/tags/v1']
    ])
  })

  it('marks major version 0 a pre-release', () => {
    const plan = planRelease('v0.3.1', '0.3.1', '## [0.3.1] - 2026-01-01\n\n- x\n')
    expect(plan.prerelease).toBe(true)
    expect(releaseCommands(plan, 'n.md')[0]).toContain('--prerelease')
  })

  it.each([
    ['1.2.0', 'not a release tag'],
    ['v1.2', 'not a release tag'],
    ['v01.2.0', 'not a release tag'],
    ['v1.2.0-rc.1', 'not a release tag'],
    ['v1', 'not a release tag']
  ])('refuses the tag %s', (tag, message) => {
    expect(() => planRelease(tag, '1.2.0', CHANGELOG)).toThrow(message)
  })

  it('refuses a tag that is not package.json’s version, saying what to set', () => {
    expect(() => planRelease('v1.2.0', '1.1.0', CHANGELOG)).toThrow(
      `package.json's version is 1.1.0 but the tag is v1.2.0: set "version": "1.2.0"`
    )
  })
})

describe('this repository', () => {
  const version = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version
  const changelog = readFileSync('CHANGELOG.md', 'utf8')

  it('has a releasable version: package.json, package-lock.json and CHANGELOG.md agree', () => {
    const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as {
      version: string
      packages: Record<string, { version?: string }>
    }
    expect([lock.version, lock.packages['']?.version]).toEqual([version, version])
    expect(planRelease(`v${version}`, version, changelog).notes).not.toBe('')
    expect(changelogSections(changelog)[0]?.name).toBe('Unreleased')
  })

  it("pins the action with the comment of this version's release tag everywhere", () => {
    const files = [
      'README.md',
      'examples/README.md',
      ...['audit', 'exposed-key-event', 'organization-audit', 'revoke-key'].map(
        (n) => `examples/workflows/${n}.yml`
      )
    ]
    const pins = files.flatMap((f) => [
      ...readFileSync(f, 'utf8').matchAll(/iam-key-sentinel@[0-9a-f]{40} # (v[^\s,`]+)/g)
    ])
    expect(pins.length).toBeGreaterThanOrEqual(files.length)
    expect(new Set(pins.map((m) => m[1]))).toEqual(new Set([`v${version}`]))
  })

  interface Step {
    uses?: string
    run?: string
    with?: Record<string, unknown>
    env?: Record<string, string>
  }
  const releaseText = readFileSync('.github/workflows/release.yml', 'utf8')
  const releaseWorkflow = parse(releaseText) as {
    on: { push: { tags: string[] } }
    permissions: Record<string, string>
    jobs: Record<string, { needs?: string; permissions: Record<string, string>; steps: Step[] }>
  }
  const job = (name: string) => {
    const j = releaseWorkflow.jobs[name]
    if (!j) throw new Error(`release.yml has no job ${name}`)
    return j
  }

  it('runs the full checks read-only on the tag, then publishes only if they pass', () => {
    expect(releaseWorkflow.on.push.tags).toEqual(['v[0-9]+.[0-9]+.[0-9]+'])
    expect(releaseWorkflow.permissions).toEqual({ contents: 'read' })
    expect(Object.keys(releaseWorkflow.jobs)).toEqual(['check', 'release'])
    expect(job('check').permissions).toEqual({ contents: 'read' })
    expect(job('check').steps.map((s) => s.run)).toContain('.ci/run')
    expect(job('check').steps.find((s) => s.run === '.ci/run')?.env).toEqual({
      CFN_LINT_REQUIRED: '1'
    })
    expect(job('release').needs).toBe('check')
  })

  it('checks dist/, attests it, then publishes, with only the permissions that takes', () => {
    expect(job('release').permissions).toEqual({
      contents: 'write',
      'id-token': 'write',
      attestations: 'write'
    })
    const steps = job('release').steps
    const dist = steps.findIndex((s) => s.run === 'scripts/check-dist.sh')
    const attest = steps.findIndex((s) => s.uses?.startsWith('actions/attest-build-provenance@'))
    const release = steps.findIndex((s) => s.run?.includes('scripts/check-release.ts "$TAG"'))
    expect(dist).toBeGreaterThan(-1)
    expect(attest).toBeGreaterThan(dist)
    expect(release).toBeGreaterThan(attest)
    expect(steps[attest]?.with).toEqual({ 'subject-path': 'dist/*' })
  })

  it('restores no cache on a tag push, and keeps checkout credentials only where it pushes', () => {
    for (const [name, j] of Object.entries(releaseWorkflow.jobs))
      for (const s of j.steps) {
        expect([name, s.uses, s.with?.cache]).toEqual([name, s.uses, undefined])
        expect(s.uses ?? '').not.toMatch(/^actions\/cache/)
      }
    const checkout = (name: string) =>
      job(name).steps.find((s) => s.uses?.startsWith('actions/checkout@'))
    expect(checkout('check')?.with).toEqual({ 'persist-credentials': false })
    // The release job pushes the major tag (git push in check-release.ts), and says so.
    expect(checkout('release')?.with?.['persist-credentials']).toBeUndefined()
    expect(
      releaseCommands(planRelease('v1.0.0', '1.0.0', '## [1.0.0] - 2026-01-01\n\n- x\n'), 'n')
    ).toContainEqual(['git', 'push', '--force', 'origin', 'refs/tags/v1'])
    const releaseJob = releaseText.slice(releaseText.indexOf('\n  release:')).split('\n')
    const at = releaseJob.findIndex((l) => l.includes('actions/checkout@'))
    expect(releaseJob[at - 1]).toMatch(/^\s*# .*git push/)
  })

  it('tells users how to verify the attestation', () => {
    const security = readFileSync('SECURITY.md', 'utf8')
    expect(security).toContain('gh attestation verify')
    expect(security).toContain('--signer-workflow')
  })

  it('deletes dist/ before rebuilding it wherever dist/ is checked', () => {
    const script = readFileSync('scripts/check-dist.sh', 'utf8')
    expect(script.indexOf('rm -rf dist')).toBeGreaterThan(-1)
    expect(script.indexOf('rm -rf dist')).toBeLessThan(script.indexOf('npm run package'))
    expect(readFileSync('.github/workflows/check-dist.yml', 'utf8')).toContain(
      'scripts/check-dist.sh'
    )
    expect(readFileSync('.ci/run', 'utf8')).toContain('scripts/check-dist.sh')
  })
})
