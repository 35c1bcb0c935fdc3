// The reminder ladder on the key issues: one comment per rung, each posted once whatever the
// number of runs. GitHub has no conditional write, so a rung is checked by its hidden marker in
// the issue's comments right before posting, and checked again right after: when two jobs both
// posted it, the later comment (the higher ID) deletes itself and the first stays. Only the
// comments of the identity the token acts as count (ownRungComments).
import {
  escalates,
  latestRung,
  ownRungComments,
  type ReminderSettings
} from '../../domain/reminders.js'
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
import { renderReminder, type ReminderRotation } from '../../render/reminder.js'
import {
  describeDestination,
  destinationFor,
  type RotationRecord,
  type RotationSettings
} from '../../domain/rotation.js'
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
  /** Under action: rotate: the rotation settings and this run's rotation records. */
  rotation?: RotationSettings
  rotations?: readonly RotationRecord[]
}

/** What the reminder of a key says about its rotation, under action: rotate. */
function rotationOf(input: LadderInput, f: Finding): ReminderRotation | undefined {
  const settings = input.rotation
  if (input.remediation.action !== 'rotate' || !settings) return undefined
  const destination = destinationFor(settings.map, f.userName)
  const record = input.rotations?.find((r) => r.accessKeyId === f.accessKeyId)
  return {
    ...(destination ? { destination: describeDestination(destination) } : {}),
    rotateOn: settings.rotateOn,
    cutoverIdleHours: settings.cutoverIdleHours,
    cutoverTimeoutDays: settings.cutoverTimeoutDays,
    ...(record ? { record } : {})
  }
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
  rung: { accessKeyId: string; rungId: string; login: string }
): Promise<number[]> {
  const comments = await octokit.paginate(octokit.rest.issues.listComments, {
    ...repo,
    issue_number: issueNumber,
    per_page: 100
  })
  return ownRungComments(comments, rung.accessKeyId, rung.rungId, rung.login)
}

/**
 * The login the token's comments are authored by. GraphQL's `viewer` names it for every kind of
 * token: a personal token's user, a GitHub App installation's `<app>[bot]`, and the job's
 * GITHUB_TOKEN's `github-actions[bot]`. REST cannot: `GET /user` answers 403 for installation
 * tokens (the GITHUB_TOKEN is one) and `GET /app` needs the App's own JWT.
 */
async function tokenLogin(octokit: Octokit): Promise<string> {
  const data = await octokit.graphql<{ viewer?: { login?: string } }>('query { viewer { login } }')
  const login = data.viewer?.login
  if (!login) throw new Error('GraphQL viewer named no login')
  return login
}

/** Posts the latest rung each key has reached, unless its issue already has it. */
export async function climbLadder(input: LadderInput): Promise<LadderResult> {
  const { octokit, repo, settings } = input
  const result: LadderResult = { posted: 0, withdrawn: 0, errors: [] }
  let login: string | undefined
  for (const key of input.keys) {
    const f = key.finding
    const rung = latestRung(f, settings, input.thresholds.unusedDays)
    if (!rung) continue
    try {
      // Learned once, when the first rung is due. Unknown, no marker could be trusted: a rung
      // posted on every run would be noise, so none is, and the delivery says why.
      login ??= await tokenLogin(octokit).catch((error: unknown) => {
        if (isPermissionDenied(error)) throw new IssuesPermissionError(error)
        throw new Error(
          `could not tell which GitHub identity the token acts as (GraphQL viewer), so no reminder was posted: ${errorMessage(error)}`
        )
      })
    } catch (error) {
      if (error instanceof IssuesPermissionError) throw error
      result.errors.push(errorMessage(error))
      return result
    }
    const marked = { accessKeyId: f.accessKeyId, rungId: rung.id, login }
    try {
      const before = await rungComments(octokit, repo, key.issueNumber, marked)
      if (before.length > 0) continue
      const rotation = rotationOf(input, f)
      const body = renderReminder({
        finding: f,
        rung,
        owner: key.owner,
        escalated: escalates(rung, settings),
        escalateAfterDays: settings.escalateAfterDays,
        thresholds: input.thresholds,
        remediation: input.remediation,
        runUrl: input.run.runUrl,
        runId: input.run.runId,
        ...(rotation ? { rotation } : {})
      })
      const { data } = await octokit.rest.issues.createComment({
        ...repo,
        issue_number: key.issueNumber,
        body
      })
      const after = await rungComments(octokit, repo, key.issueNumber, marked)
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
