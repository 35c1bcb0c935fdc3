// The reminder ladder on the key issues: one comment per rung, each posted once whatever the
// number of runs. GitHub has no conditional write, so a rung is checked by its hidden marker in
// the issue's comments right before posting, and checked again right after: when two jobs both
// posted it, the later comment (the higher ID) deletes itself and the first stays.
import { escalates, latestRung, markedRung, type ReminderSettings } from '../../domain/reminders.js'
import type { RemediationSettings } from '../../domain/settings.js'
import type { Finding, Thresholds } from '../../domain/types.js'
import {
  isPermissionDenied,
  IssuesPermissionError,
  type Octokit,
  type Repo
} from '../../github/client.js'
import { errorMessage } from '../../kit/errors.js'
import type { RunContext } from '../../inputs/run-context.js'
import type { Owner } from '../../render/issue.js'
import { renderReminder } from '../../render/reminder.js'
import type { AppliedIssue } from './github.js'

export interface LadderKey {
  finding: Finding
  owner: Owner
  issueNumber: number
}

export interface LadderInput {
  octokit: Octokit
  repo: Repo
  settings: ReminderSettings
  remediation: RemediationSettings
  thresholds: Thresholds
  run: RunContext
  keys: readonly LadderKey[]
}

export interface LadderResult {
  posted: number
  /** Our own comments deleted because another job posted the same rung first. */
  withdrawn: number
  errors: string[]
}

async function rungComments(
  octokit: Octokit,
  repo: Repo,
  issueNumber: number,
  accessKeyId: string,
  rungId: string
): Promise<number[]> {
  const comments = await octokit.paginate(octokit.rest.issues.listComments, {
    ...repo,
    issue_number: issueNumber,
    per_page: 100
  })
  return comments
    .filter((c) => markedRung(c.body, accessKeyId) === rungId)
    .map((c) => c.id)
    .sort((a, b) => a - b)
}

/** Posts the latest rung each key has reached, unless its issue already has it. */
export async function climbLadder(input: LadderInput): Promise<LadderResult> {
  const { octokit, repo, settings } = input
  const result: LadderResult = { posted: 0, withdrawn: 0, errors: [] }
  for (const key of input.keys) {
    const f = key.finding
    const rung = latestRung(f, settings, input.thresholds.unusedDays)
    if (!rung) continue
    try {
      const before = await rungComments(octokit, repo, key.issueNumber, f.accessKeyId, rung.id)
      if (before.length > 0) continue
      const body = renderReminder({
        finding: f,
        rung,
        owner: key.owner,
        escalated: escalates(rung, settings),
        escalateAfterDays: settings.escalateAfterDays,
        thresholds: input.thresholds,
        remediation: input.remediation,
        runUrl: input.run.runUrl,
        runId: input.run.runId
      })
      const { data } = await octokit.rest.issues.createComment({
        ...repo,
        issue_number: key.issueNumber,
        body
      })
      const after = await rungComments(octokit, repo, key.issueNumber, f.accessKeyId, rung.id)
      const first = after[0]
      if (first !== undefined && first !== data.id) {
        await octokit.rest.issues.deleteComment({ ...repo, comment_id: data.id })
        result.withdrawn++
      } else result.posted++
    } catch (error) {
      if (isPermissionDenied(error)) throw new IssuesPermissionError(error)
      result.errors.push(
        `reminder on #${key.issueNumber} (${f.accessKeyId}): ${errorMessage(error)}`
      )
    }
  }
  return result
}

/** The open issue of each key after this run's writes: the one written, else the open one found. */
export function ladderKeys(
  needing: readonly Finding[],
  ownerOf: ReadonlyMap<string, Owner>,
  results: readonly AppliedIssue[],
  existing: readonly { number: number; state: 'open' | 'closed'; accessKeyId: string }[]
): LadderKey[] {
  return needing.flatMap((finding) => {
    const written = results.find(
      (r) => r.accessKeyId === finding.accessKeyId && !r.error && r.kind !== 'close' && r.number > 0
    )
    const open = existing
      .filter((e) => e.accessKeyId === finding.accessKeyId && e.state === 'open')
      .sort((a, b) => b.number - a.number)[0]
    const issueNumber = written?.number ?? open?.number
    const owner = ownerOf.get(finding.accessKeyId)
    return issueNumber === undefined || !owner ? [] : [{ finding, owner, issueNumber }]
  })
}

export function ladderSummary(ladder: LadderResult | undefined): string {
  if (!ladder) return ''
  return (
    `; ${ladder.posted} reminders posted` +
    (ladder.withdrawn > 0
      ? ` (${ladder.withdrawn} withdrawn: another job posted them first)`
      : '') +
    (ladder.errors.length > 0 ? `; reminders failed: ${ladder.errors.join('; ')}` : '')
  )
}
