// Keeps one issue per key that needs rotation in the repository: opens, updates, closes
// and reopens them from this run's findings. Touches only issues of its own account.
import type { Audit } from '../../classify/findings.js'
import type { Delivery } from '../deliveries.js'
import { dryRunDelivery } from '../dry-run.js'
import { errorMessage } from '../../kit/errors.js'
import type { IssueSettings, RemediationSettings } from '../../domain/settings.js'
import type { ChangeRecord } from '../../domain/changes.js'
import type { Partition } from '../../render/links.js'
import type { RunContext } from '../../inputs/run-context.js'
import type { Finding, KeyClass } from '../../domain/types.js'
import {
  createOctokit,
  IssuesPermissionError,
  rethrowPermission,
  type Repo
} from '../../github/client.js'
import { runnerLog } from '../runner.js'
import type { RotationRecord } from '../../domain/rotation.js'
import { escapeMarkdown } from '../../kit/text/markdown.js'
import { renderRotationIssueSection } from '../../render/rotation.js'
import {
  applyIssueActions,
  ensureLabels,
  ISSUES_PERMISSION_HINT,
  listSentinelIssues,
  type AppliedIssue
} from './github.js'
import { assigneesOf, OwnerResolver } from './owners.js'
import { climbLadder, ladderKeys, ladderSummary } from './reminders.js'
import type { OwnersConfig } from '../../domain/owners.js'
import type { ReminderSettings } from '../../domain/reminders.js'
import type { RotationSettings } from '../../domain/rotation.js'
import { planIssues, type CloseReason, type IssueAction, type IssueTarget } from './plan.js'
import {
  renderKeyIssueBody,
  renderRollupBody,
  renderRollupTitle,
  renderTitle,
  type IssueContext,
  type Owner
} from '../../render/issue.js'

export interface IssueSyncInput {
  settings: IssueSettings
  remediation: RemediationSettings
  audit: Audit
  run: RunContext
  repo: Repo
  activityMarkdown?: ReadonlyMap<string, string>
  /** For the IAM console links in the issue bodies. */
  partition?: Partition
  /** The owners file: who is assigned and reminded. */
  owners?: OwnersConfig
  /** The reminder ladder, with the owners file. */
  reminders?: ReminderSettings
  /** action: rotate: the rotation settings, for the dates a reminder gives. */
  rotation?: RotationSettings
  /** One account of an organization's matrix (a member role): titles name the account. */
  organizationMember?: boolean
}

export interface IssueSyncResult {
  delivery: Delivery
  applied: AppliedIssue[]
}

function issueClasses(issueFor: IssueSettings['issueFor']): Set<KeyClass> {
  return new Set<KeyClass>(
    issueFor === 'due-soon' ? ['overdue', 'unused', 'due-soon'] : ['overdue', 'unused']
  )
}

/** Why a key's open issue can close, from this run's findings and changes. */
export function closeReasonFor(
  accessKeyId: string,
  findings: ReadonlyMap<string, Finding>,
  applied: ReadonlyMap<string, ChangeRecord>,
  scanComplete: boolean,
  runUrl: string,
  /** The credential report vouched for keys it did not list by ID (ok, or due soon by slot). */
  unlistedKeys = false
): CloseReason | undefined {
  const change = applied.get(accessKeyId)
  if (change) {
    const what = change.kind === 'delete' ? 'deleted' : 'deactivated'
    const undo = change.undo ? `\n\nTo undo: \`${change.undo}\`` : ''
    return {
      comment: `IAM Key Sentinel ${what} this access key in [this run](${runUrl}).${undo}`,
      stateReason: 'completed'
    }
  }
  const f = findings.get(accessKeyId)
  if (!f) {
    // A key missing from an incomplete scan may still exist: keep its issue open.
    if (!scanComplete) return undefined
    // Not listed is not gone: the report may have vouched for the key without its ID.
    if (unlistedKeys) {
      return {
        comment:
          'This access key is not among the keys this run read by ID: it was deleted, or the credential report shows it needs no issue (ok, or due soon and named by slot). Closing.',
        stateReason: 'completed'
      }
    }
    return {
      comment: 'This access key no longer exists: it was deleted. Closing.',
      stateReason: 'completed'
    }
  }
  if (f.class === 'exempt') {
    return {
      comment: 'This access key is now exempt from rotation checks. Closing as not planned.',
      stateReason: 'not_planned'
    }
  }
  if (f.class === 'inactive') {
    return {
      comment: 'This access key is now inactive. Closing; delete it once nothing needs it.',
      stateReason: 'completed'
    }
  }
  return {
    comment: 'This access key no longer needs attention at the current thresholds. Closing.',
    stateReason: 'completed'
  }
}

/** A finished rotation closes its issue with where the new key went. */
function rotationClose(x: RotationRecord | undefined): CloseReason | undefined {
  if (x?.stage !== 'done') return undefined
  return {
    comment: `IAM Key Sentinel rotated this access key: the new key ${x.newAccessKeyId ?? ''} was delivered to ${escapeMarkdown(x.destination, 200)} and the old key is deleted. Closing.`,
    stateReason: 'completed'
  }
}

/** What a dry run would have written: the plan's issue writes, by kind. */
function wouldWrite(actions: readonly IssueAction[], deferred: number): string {
  const count = (kind: IssueAction['kind']) => actions.filter((a) => a.kind === kind).length
  const n = count('create')
  return (
    `Would open ${n} ${n === 1 ? 'issue' : 'issues'}, update ${count('update')}, reopen ${count('reopen')}, close ${count('close')}` +
    (deferred > 0 ? `, and list ${deferred} more keys in the roll-up issue (max-new-issues)` : '') +
    '; no label, comment or reminder was written.'
  )
}

function summarize(applied: readonly AppliedIssue[], deferred: number): string {
  const count = (kind: IssueAction['kind']) =>
    applied.filter((a) => a.kind === kind && !a.error).length
  const failed = applied.filter((a) => a.error)
  return (
    `${count('create')} opened, ${count('update')} updated, ${count('reopen')} reopened, ${count('close')} closed` +
    (deferred > 0 ? `; ${deferred} more keys listed in the roll-up issue (max-new-issues)` : '') +
    (failed.length > 0
      ? `; ${failed.length} failed: ${failed.map((f) => `${f.accessKeyId}: ${f.error}`).join('; ')}`
      : '')
  )
}

export async function syncIssues(input: IssueSyncInput): Promise<IssueSyncResult> {
  const { settings, audit, run, repo } = input
  const { report } = audit
  const dryRun = input.remediation.dryRun
  // A dry run reads the issues to say what it would write, and cannot write (read-only client).
  const octokit = createOctokit(settings.token, runnerLog, { readOnly: dryRun })
  const ctx: IssueContext = {
    accountId: report.accountId,
    accountAlias: report.accountAlias,
    thresholds: report.thresholds,
    action: input.remediation.action,
    deleteGraceDays: input.remediation.deleteGraceDays,
    ownerTag: settings.ownerTag,
    runUrl: run.runUrl,
    runId: run.runId,
    ...(input.partition ? { partition: input.partition } : {})
  }
  const changes = report.remediation?.changes ?? []
  const applied = new Map(
    changes.filter((c) => c.result === 'applied').map((c) => [c.accessKeyId, c])
  )
  const changeOf = new Map(changes.map((c) => [c.accessKeyId, c]))
  const holdOf = new Map(report.remediation?.holds.map((h) => [h.accessKeyId, h.reason]) ?? [])
  const classes = issueClasses(settings.issueFor)
  // A key this run deactivated or deleted is handled: its issue closes with what was done.
  // A key under rotation keeps its issue, updated at each step, until the old key is gone.
  const rotationOf = new Map(report.rotation?.rotations.map((x) => [x.accessKeyId, x]) ?? [])
  const rotating = (id: string): boolean => {
    const stage = rotationOf.get(id)?.stage
    return stage !== undefined && stage !== 'none' && stage !== 'done'
  }
  const needing = report.keys.filter(
    (f) => rotating(f.accessKeyId) || (classes.has(f.class) && !applied.has(f.accessKeyId))
  )

  try {
    if (!dryRun) await ensureLabels(octokit, repo, settings.labels)
    const existing = await listSentinelIssues(
      octokit,
      repo,
      settings.labels,
      report.accountId,
      audit.now
    ).catch(rethrowPermission)
    const resolver = new OwnerResolver(octokit, repo, audit.tags, settings.ownerTag, input.owners)
    // Titles name the account once the repository serves several: a matrix over an
    // organization's accounts, or issues of another account found by their markers.
    const titleAccount =
      input.organizationMember || existing.otherAccounts
        ? (report.accountAlias ?? report.accountId)
        : undefined
    const targets: IssueTarget[] = []
    const ownerOf = new Map<string, Owner>()
    for (const f of needing) {
      const { owner } = await resolver.of(f.userName)
      ownerOf.set(f.accessKeyId, owner)
      const change = changeOf.get(f.accessKeyId)
      const hold = holdOf.get(f.accessKeyId)
      const activityMarkdown = input.activityMarkdown?.get(f.accessKeyId)
      const rotation = rotationOf.get(f.accessKeyId)
      targets.push({
        accessKeyId: f.accessKeyId,
        title: renderTitle(f, titleAccount),
        body: renderKeyIssueBody(
          {
            finding: f,
            userKeys: report.keys.filter((k) => k.userName === f.userName),
            owner,
            ...(change ? { change } : {}),
            ...(hold ? { hold } : {}),
            ...(activityMarkdown ? { activityMarkdown } : {}),
            ...(rotation ? { rotationMarkdown: renderRotationIssueSection(rotation) } : {})
          },
          ctx
        ),
        ...(assigneesOf(owner).length > 0 ? { assignees: assigneesOf(owner) } : {}),
        ...(owner.kind === 'owners-file' ? { reviewedAssignees: true } : {})
      })
    }

    const findings = new Map(report.keys.map((f) => [f.accessKeyId, f]))
    const scanComplete = !report.errors.some((e) => e.operation === 'iam:ListAccessKeys')
    const unlistedKeys =
      (report.keysBySlot?.length ?? 0) > 0 ||
      (report.scan?.credentialReport?.unlistedOkKeys ?? 0) > 0
    const plan = planIssues({
      targets,
      existing: existing.keys,
      maxNew: settings.maxNewIssues,
      closeReason: (id) =>
        rotationClose(rotationOf.get(id)) ??
        closeReasonFor(id, findings, applied, scanComplete, run.runUrl, unlistedKeys)
    })
    if (dryRun)
      return {
        applied: [],
        delivery: dryRunDelivery('GitHub issues', wouldWrite(plan.actions, plan.deferred.length))
      }
    const results = await applyIssueActions(octokit, repo, plan.actions, settings.labels)
    results.push(
      ...(await syncRollup(
        octokit,
        repo,
        existing.rollup,
        plan.deferred,
        findings,
        ctx,
        settings.labels
      ))
    )

    const ladder = input.reminders
      ? await climbLadder({
          octokit,
          repo,
          settings: input.reminders,
          remediation: input.remediation,
          thresholds: report.thresholds,
          run,
          keys: ladderKeys(needing, ownerOf, results, existing.keys),
          ...(input.rotation ? { rotation: input.rotation } : {}),
          rotations: report.rotation?.rotations ?? []
        })
      : undefined

    const failed = results.filter((r) => r.error)
    return {
      applied: results,
      delivery: {
        channel: 'GitHub issues',
        ok: failed.length === 0 && (ladder?.errors.length ?? 0) === 0,
        detail: summarize(results, plan.deferred.length) + ladderSummary(ladder),
        // Our own issues, linked by the renderer (the detail is escaped, which de-links numbers).
        issues: results
          .filter((a) => !a.error && a.number > 0)
          .slice(0, 20)
          .map((a) => a.number),
        ...(failed.length > 0
          ? { hint: 'See the errors above; the other issues were written.' }
          : {})
      }
    }
  } catch (error) {
    const permission = error instanceof IssuesPermissionError
    return {
      applied: [],
      delivery: {
        channel: 'GitHub issues',
        ok: false,
        detail: permission ? error.message : `Writing issues failed: ${errorMessage(error)}`,
        hint: permission
          ? ISSUES_PERMISSION_HINT
          : 'Check github-token and the repository, then run again.'
      }
    }
  }
}

/** The roll-up issue lists keys beyond max-new-issues; it closes once none is left. */
async function syncRollup(
  octokit: ReturnType<typeof createOctokit>,
  repo: Repo,
  rollup: { number: number; state: 'open' | 'closed'; title: string; body: string } | undefined,
  deferred: readonly IssueTarget[],
  findings: ReadonlyMap<string, Finding>,
  ctx: IssueContext,
  labels: readonly string[]
): Promise<AppliedIssue[]> {
  let action: IssueAction | undefined
  if (deferred.length > 0) {
    const target: IssueTarget = {
      accessKeyId: '',
      title: renderRollupTitle(deferred.length, ctx.accountId),
      body: renderRollupBody(
        deferred.flatMap((t) => findings.get(t.accessKeyId) ?? []),
        ctx
      )
    }
    const plan = planIssues({
      targets: [target],
      existing: rollup ? [{ ...rollup, accessKeyId: '' }] : [],
      maxNew: 1,
      closeReason: () => undefined
    })
    action = plan.actions[0]
  } else if (rollup?.state === 'open') {
    action = {
      kind: 'close',
      number: rollup.number,
      accessKeyId: '',
      reason: {
        comment: 'Every key listed here now has its own issue or no longer needs one. Closing.',
        stateReason: 'completed'
      }
    }
  }
  return action ? applyIssueActions(octokit, repo, [action], labels) : []
}
