// Writes the dashboard issue: finds this scope's one issue by its marker, hands its history to
// the caller's builder, and writes the body back (created, updated or reopened). A new dashboard
// is pinned once through GraphQL's pinIssue (REST has no pin endpoint); a refusal is a warning.
// A dry run reads, builds and writes nothing.
import { dryRunDelivery } from './dry-run.js'
import { parseHistory, type ParsedHistory } from '../domain/dashboard.js'
import { isDashboardOf, type DashboardScope } from '../domain/issue-marker.js'
import { addDays } from '../domain/dates.js'
import { errorMessage } from '../kit/errors.js'
import {
  createOctokit,
  IssuesPermissionError,
  isPermissionDenied,
  type Octokit,
  type Repo
} from '../github/client.js'
import type { Delivery } from './deliveries.js'
import { ensureLabels, ISSUES_PERMISSION_HINT } from './issues/github.js'
import { runnerLog } from './runner.js'

/** A closed dashboard is reopened (its history kept) when it was closed this recently. */
const REOPEN_WITHIN_DAYS = 180

const PIN_ISSUE = `mutation($issueId: ID!) { pinIssue(input: { issueId: $issueId }) { issue { number } } }`

export interface DashboardWrite {
  token: string
  labels: readonly string[]
  repo: Repo
  scope: DashboardScope
  dryRun: boolean
  now: Date
  /** The title and body from the history the issue holds (or none). */
  build: (history: ParsedHistory) => { title: string; body: string }
}

export interface DashboardOutcome {
  delivery: Delivery
  /** The dashboard's number, when it exists after this run. */
  issueNumber?: number
}

interface FoundDashboard {
  number: number
  state: 'open' | 'closed'
  body: string
  title: string
}

/** This scope's dashboard: the open one, else the most recently closed one, found by marker. */
async function findDashboard(
  w: DashboardWrite,
  octokit: Octokit
): Promise<FoundDashboard | undefined> {
  const listings = [
    { state: 'open' as const },
    { state: 'closed' as const, since: addDays(w.now, -REOPEN_WITHIN_DAYS).toISOString() }
  ]
  for (const listing of listings) {
    const issues = await octokit.paginate(octokit.rest.issues.listForRepo, {
      ...w.repo,
      labels: w.labels.join(','),
      per_page: 100,
      ...listing
    })
    const mine = issues
      .filter((i) => !i.pull_request && isDashboardOf(i.body, w.scope))
      .sort((a, b) => b.number - a.number)[0]
    if (mine)
      return {
        number: mine.number,
        state: mine.state === 'open' ? 'open' : 'closed',
        body: mine.body ?? '',
        title: mine.title
      }
  }
  return undefined
}

/** Pins a new dashboard once; GitHub allows three pinned issues, and the token may not pin. */
async function pin(octokit: Octokit, nodeId: string, number: number): Promise<void> {
  try {
    await octokit.graphql(PIN_ISSUE, { issueId: nodeId })
  } catch (error) {
    // A GraphQL refusal comes as a list of errors (HTTP 200); each says what GitHub refused.
    const listed = (error as { errors?: { message?: unknown }[] }).errors
    const reason = Array.isArray(listed)
      ? listed.map((e) => String(e.message ?? '')).join('; ')
      : errorMessage(error)
    runnerLog.warning(
      `Dashboard issue #${number} was written but not pinned: ${reason.replace(/\.$/, '')}. Pin it by hand (the issue's "Pin issue" button); it is found by its marker either way.`
    )
  }
}

const CHANNEL = 'Dashboard issue' as const

/** The history the dashboard holds; an existing dashboard without its block was hand-edited. */
function historyOf(found: FoundDashboard | undefined): ParsedHistory {
  if (!found) return { kind: 'none' }
  const parsed = parseHistory(found.body)
  return parsed.kind === 'none' ? { kind: 'unreadable', problem: 'the block is missing' } : parsed
}

export async function writeDashboard(w: DashboardWrite): Promise<DashboardOutcome> {
  const octokit = createOctokit(w.token, runnerLog)
  try {
    const found = await findDashboard(w, octokit)
    const { title, body } = w.build(historyOf(found))
    if (w.dryRun) {
      return {
        delivery: dryRunDelivery(
          CHANNEL,
          found ? `Would rewrite #${found.number}.` : 'Would open the dashboard issue.'
        ),
        ...(found ? { issueNumber: found.number } : {})
      }
    }
    if (!found) {
      await ensureLabels(octokit, w.repo, w.labels)
      const { data } = await octokit.rest.issues.create({
        ...w.repo,
        title,
        body,
        labels: [...w.labels]
      })
      await pin(octokit, data.node_id, data.number)
      return {
        delivery: { channel: CHANNEL, ok: true, detail: 'opened', issues: [data.number] },
        issueNumber: data.number
      }
    }
    await octokit.rest.issues.update({
      ...w.repo,
      issue_number: found.number,
      title,
      body,
      ...(found.state === 'closed'
        ? { state: 'open' as const, state_reason: 'reopened' as const }
        : {})
    })
    return {
      delivery: {
        channel: CHANNEL,
        ok: true,
        detail: found.state === 'closed' ? 'reopened and rewritten' : 'rewritten',
        issues: [found.number]
      },
      issueNumber: found.number
    }
  } catch (error) {
    const permission = isPermissionDenied(error) || error instanceof IssuesPermissionError
    return {
      delivery: {
        channel: CHANNEL,
        ok: false,
        detail: `Writing the dashboard issue failed: ${errorMessage(error)}`,
        hint: permission
          ? ISSUES_PERMISSION_HINT.replace('`create-issues: false`', '`dashboard: false`')
          : 'Check github-token and the repository, then run again.'
      }
    }
  }
}
