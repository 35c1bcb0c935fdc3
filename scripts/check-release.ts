// The release of a `vX.Y.Z` tag, kept out of the workflow so it is unit-tested and can be tried
// locally: check the tag against package.json and CHANGELOG.md, then create the GitHub release
// with the changelog's section and move the major tag vX to the release's commit.
//
//   node --import tsx scripts/check-release.ts v1.2.3 [--dry-run]
//
// --dry-run prints the commands instead of running them. dist/ is checked before this runs
// (scripts/check-dist.sh), since only a rebuild shows whether it matches the source.
import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { releaseNotes } from './release-notes.js'

const TAG = /^v(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/

export interface ReleasePlan {
  tag: string
  version: string
  majorTag: string
  notes: string
  /** Major version 0 releases are marked pre-releases. */
  prerelease: boolean
}

/** Checks a tag for release; throws the first problem, saying what to change. */
export function planRelease(tag: string, packageVersion: string, changelog: string): ReleasePlan {
  const match = TAG.exec(tag)
  if (!match) {
    throw new Error(
      `'${tag}' is not a release tag: release tags are vMAJOR.MINOR.PATCH, e.g. v1.2.3.`
    )
  }
  const version = tag.slice(1)
  if (packageVersion !== version) {
    throw new Error(
      `package.json's version is ${packageVersion} but the tag is ${tag}: set "version": "${version}", ` +
        'commit, and tag that commit.'
    )
  }
  const major = match[1] as string
  return {
    tag,
    version,
    majorTag: `v${major}`,
    notes: releaseNotes(changelog, version),
    prerelease: major === '0'
  }
}

/** The commands that publish the plan, as [program, ...arguments]. */
export function releaseCommands(plan: ReleasePlan, notesFile: string): string[][] {
  return [
    [
      'gh',
      'release',
      'create',
      plan.tag,
      '--verify-tag',
      '--title',
      plan.tag,
      '--notes-file',
      notesFile,
      ...(plan.prerelease ? ['--prerelease'] : [])
    ],
    // The major tag follows the newest release, so `@vX` users get it; `^{commit}` tags the
    // commit, not the annotated tag object.
    ['git', 'tag', '--force', plan.majorTag, `${plan.tag}^{commit}`],
    ['git', 'push', '--force', 'origin', `refs/tags/${plan.majorTag}`]
  ]
}

const shellWord = (word: string): string =>
  /^[\w@%+=:,./^{}-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`

function main(args: string[]): void {
  const dryRun = args.includes('--dry-run')
  const tag = args.find((a) => !a.startsWith('--')) ?? process.env.GITHUB_REF_NAME ?? ''
  const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }
  const plan = planRelease(tag, pkg.version, readFileSync('CHANGELOG.md', 'utf8'))
  const notesFile = join(process.env.RUNNER_TEMP ?? tmpdir(), `release-notes-${plan.version}.md`)
  writeFileSync(notesFile, plan.notes + '\n')
  console.log(
    `Release ${plan.tag}${plan.prerelease ? ' (pre-release)' : ''}; major tag ${plan.majorTag}.`
  )
  console.log(`Notes (${notesFile}):\n${plan.notes}\n`)
  for (const command of releaseCommands(plan, notesFile)) {
    const [program = '', ...rest] = command
    console.log(`${dryRun ? 'would run' : 'running'}: ${command.map(shellWord).join(' ')}`)
    if (!dryRun) execFileSync(program, rest, { stdio: 'inherit' })
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    main(process.argv.slice(2))
  } catch (error) {
    console.error(`::error::${error instanceof Error ? error.message : String(error)}`)
    process.exitCode = 1
  }
}
