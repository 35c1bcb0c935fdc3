// The changelog's section for one version (Keep a Changelog: `## [1.2.3] - 2026-12-01`), which
// becomes the body of the GitHub release. `node --import tsx scripts/release-notes.ts 1.2.3`
// prints it; the release workflow calls the same function through scripts/check-release.ts.
import { readFileSync } from 'node:fs'
import { pathToFileURL } from 'node:url'

export interface ChangelogSection {
  /** `Unreleased` or a version such as 1.2.3. */
  name: string
  /** The release date, absent for Unreleased. */
  date?: string
  /** Everything under the heading up to the next one, trimmed. */
  body: string
}

const HEADING = /^## \[([^\]]+)\](?: - (\d{4}-\d{2}-\d{2}))?\s*$/

export function changelogSections(changelog: string): ChangelogSection[] {
  const sections: ChangelogSection[] = []
  let lines: string[] | undefined
  for (const line of changelog.split('\n')) {
    const heading = HEADING.exec(line)
    // Link references (`[1.2.3]: https://...`) close the last section.
    if (heading || /^\[[^\]]+\]: /.test(line)) lines = undefined
    if (heading) {
      lines = []
      sections.push({ name: heading[1] as string, date: heading[2], body: '' })
    } else if (lines) {
      lines.push(line)
      const last = sections[sections.length - 1] as ChangelogSection
      last.body = lines.join('\n').trim()
    }
  }
  return sections
}

/** The section of `version` (no leading v); throws saying what is missing. */
export function releaseNotes(changelog: string, version: string): string {
  const section = changelogSections(changelog).find((s) => s.name === version)
  if (!section) {
    throw new Error(
      `CHANGELOG.md has no section '## [${version}] - YYYY-MM-DD': move the Unreleased entries under one.`
    )
  }
  if (!section.date) throw new Error(`CHANGELOG.md's section for ${version} has no release date.`)
  if (section.body === '') throw new Error(`CHANGELOG.md's section for ${version} is empty.`)
  return section.body
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const version = (process.argv[2] ?? '').replace(/^v/, '')
  process.stdout.write(releaseNotes(readFileSync('CHANGELOG.md', 'utf8'), version) + '\n')
}
