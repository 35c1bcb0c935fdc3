// Issue titles and bodies for keys that need rotation: pure, escaped, under GitHub's limits.
import { isoDate } from '../domain/dates.js'
import { keyLink, userLink, type Partition } from './links.js'
import { cutAtLine } from '../kit/text/fit.js'
import { alert, escapeMarkdown as esc, table } from '../kit/text/markdown.js'
import { firstChars, oneLine } from '../kit/text/plain.js'
import type { ChangeRecord } from '../domain/changes.js'
import { rotationAdvice } from './rotation-steps.js'
import type { Finding, RemediationAction, Thresholds } from '../domain/types.js'
import {
  agree,
  aliasSuffix,
  CLASS_LABEL,
  deadlineDate,
  deadlineDays,
  deadlineText,
  exemptionStatusText,
  exemptionText,
  idleText,
  lastUseText,
  plural,
  stateAfterRun
} from './wording.js'
import { keyMarker, rollupMarker } from '../domain/issue-marker.js'

/** GitHub rejects bodies over 65,536 characters; keep a margin for its own counting. */
export const ISSUE_BODY_LIMIT = 65_000
export const ISSUE_TITLE_LIMIT = 256
const FOOTER_PREFIX = '<sub>Updated by IAM Key Sentinel'

export type Owner =
  | { kind: 'assignable'; login: string }
  | { kind: 'refused'; login: string }
  | { kind: 'invalid'; value: string }
  | { kind: 'none' }
  /** From the owners file (reviewed): its people, checked against the repository's assignees. */
  | {
      kind: 'owners-file'
      assigned: string[]
      refused: string[]
      githubTeams: string[]
      emails: string[]
      teams: string[]
    }

export interface IssueContext {
  accountId: string
  accountAlias?: string
  thresholds: Thresholds
  action: RemediationAction
  deleteGraceDays: number
  ownerTag?: string
  runUrl: string
  runId: string
  /** For the IAM console links; without it, none. */
  partition?: Partition
}

export interface KeyIssueInput {
  finding: Finding
  /** Every key of the finding's user (the finding included), for rotation steps that fit. */
  userKeys?: readonly Finding[]
  owner: Owner
  change?: ChangeRecord
  /** Why remediation left this key alone this run (e.g. the grace period). */
  hold?: string
  /** Rendered CloudTrail section, when activity was looked up; cut first when too long. */
  activityMarkdown?: string
}

/** Plain text for a title: one line, and no @ that could notify anyone. */
function titleText(value: string): string {
  return oneLine(value).replace(/@/g, '@\u200b')
}

export function shortKeyId(accessKeyId: string): string {
  return accessKeyId.length <= 8
    ? accessKeyId
    : `${accessKeyId.slice(0, 4)}…${accessKeyId.slice(-4)}`
}

/**
 * `account`: the alias (or ID) to name, when the repository holds issues of more than one
 * account; without it the title stays as it always was, so nothing is renamed in a one-account
 * repository.
 */
export function renderTitle(f: Finding, account?: string): string {
  const where = account ? ` in ${titleText(account)}` : ''
  const who = `${shortKeyId(f.accessKeyId)} of ${titleText(f.userName)}${where}`
  const title =
    f.class === 'unused'
      ? `Remove unused access key ${who} (idle ${idleText(f)})`
      : f.class === 'due-soon'
        ? `Rotate access key ${who} soon (${plural(f.ageDays, 'day')})`
        : `Rotate access key ${who} (${plural(f.ageDays, 'day')})`
  return firstChars(title, ISSUE_TITLE_LIMIT)
}

function ownerCell(owner: Owner, tag: string | undefined): string {
  switch (owner.kind) {
    case 'assignable':
      // The one deliberate mention: the owner named by the owner tag, validated as a login.
      return `@${owner.login} (assigned)`
    case 'refused':
      return `${esc(owner.login, 39)} (from tag ${esc(tag ?? '', 60)}): could not be assigned, not a collaborator of this repository`
    case 'invalid':
      return `tag ${esc(tag ?? '', 60)} holds ${esc(owner.value, 60)}, which is not a GitHub login`
    case 'none':
      return tag ? `unknown: the user has no ${esc(tag, 60)} tag` : 'unknown'
    case 'owners-file':
      return ownersFileCell(owner)
  }
}

function ownersFileCell(owner: Extract<Owner, { kind: 'owners-file' }>): string {
  const parts = [
    // Mentions from the owners file, which is reviewed; only people GitHub lets us assign.
    ...owner.assigned.map((login) => `@${login} (assigned)`),
    ...owner.refused.map(
      (login) => `${esc(login, 39)}: could not be assigned, not a collaborator of this repository`
    ),
    ...owner.githubTeams.map(
      (slug) => `team ${esc(slug, 140)} (mentioned when reminders escalate)`
    ),
    ...owner.emails.map((email) => esc(email, 320)),
    ...owner.teams.map((team) => `routing team ${esc(team, 100)}`)
  ]
  return `${parts.join('; ')} (owners file)`
}

function factsTable(input: KeyIssueInput, ctx: IssueContext): string {
  const f = input.finding
  return table(
    ['', ''],
    [
      ['AWS account', `${ctx.accountId}${aliasSuffix(ctx.accountAlias, esc)}`],
      ['IAM user', userLink(ctx.partition, f.userName, esc(f.userName, 64))],
      ['Access key', keyLink(ctx.partition, f.userName, esc(f.accessKeyId, 32))],
      ['Class', CLASS_LABEL[f.class]],
      ['Status after this run', stateAfterRun(f, input.change)],
      ['Created', `${isoDate(f.createDate)} (${plural(f.ageDays, 'day')} ago)`],
      ['Last used', lastUseText(f, esc)],
      ['Rotation deadline', deadlineText(f, ctx.thresholds.maxAgeDays)],
      ['Owner', ownerCell(input.owner, ctx.ownerTag)]
    ]
  )
}

/** A key whose exemption ended is checked again: say so, with what the exemption said. */
function expiredExemptionNote(f: Finding): string[] {
  const e = f.expiredExemption
  if (!e) return []
  return [
    alert(
      'WARNING',
      `This key's ${exemptionStatusText(e)} (${exemptionText(e, esc)}), so it is checked again. ` +
        'Extend the exemption with a new end if it is still needed.'
    )
  ]
}

function whyItMatters(f: Finding, t: Thresholds): string {
  if (f.class === 'unused') {
    return (
      `This key has not been used for ${idleText(f)} (the limit is ${t.unusedDays}). ` +
      'An unused key is pure risk: nothing needs it, and anyone who finds a copy can use it.'
    )
  }
  const date = deadlineDate(f, t.maxAgeDays)
  const when =
    f.daysToDeadline >= 0
      ? `Its rotation deadline is ${date} (${deadlineDays(f.daysToDeadline)}).`
      : `Its rotation deadline was ${date}, ${deadlineDays(f.daysToDeadline)}.`
  return (
    `This account rotates access keys after ${t.maxAgeDays} days. ${when} ` +
    'A long-lived key has been copied to more places, and a leak of it stays exploitable for longer.'
  )
}

function actionsTaken(input: KeyIssueInput, ctx: IssueContext): string {
  const lines: string[] = []
  const c = input.change
  if (c) {
    const verb = c.kind === 'deactivate' ? 'Deactivate' : 'Delete'
    lines.push(
      `- ${verb}: ${c.result}${c.detail ? ` (${esc(c.detail, 300)})` : ''}, ${c.at.slice(0, 10)}.`
    )
    if (c.undo) lines.push(`- To undo: \`${c.undo}\``)
  }
  if (input.hold) lines.push(`- Left alone this run: ${esc(input.hold, 300)}.`)
  if (ctx.action === 'report') {
    lines.push('- Report only: this workflow never changes keys (action: report).')
  } else if (ctx.action === 'deactivate' && !c) {
    lines.push('- Overdue and unused keys are deactivated by this workflow (action: deactivate).')
  } else if (ctx.action === 'delete') {
    lines.push(
      ctx.deleteGraceDays === 0
        ? '- Overdue and unused keys are deleted by this workflow (action: delete).'
        : `- Overdue and unused keys are deactivated first, then deleted once inactive for ${ctx.deleteGraceDays} days (action: delete).`
    )
  }
  return lines.join('\n')
}

function rotationSteps(input: KeyIssueInput): string {
  const f = input.finding
  const advice = rotationAdvice(f, input.userKeys ?? [f], esc)
  const steps = advice.steps
    .map(({ text, command }, i) =>
      command ? `${i + 1}. ${text}\n   \`\`\`sh\n   ${command}\n   \`\`\`` : `${i + 1}. ${text}`
    )
    .join('\n')
  return advice.note ? `${alert('IMPORTANT', advice.note)}\n\n${steps}` : steps
}

function renderFooter(ctx: IssueContext): string {
  return `${FOOTER_PREFIX} in [run ${ctx.runId}](${ctx.runUrl}).</sub>`
}

/** The body without its footer: what "content changed" compares, so a new run link alone is no change. */
export function bodyContent(body: string): string {
  const at = body.lastIndexOf(FOOTER_PREFIX)
  return (at >= 0 ? body.slice(0, at) : body).trimEnd()
}

export function renderKeyIssueBody(input: KeyIssueInput, ctx: IssueContext): string {
  const f = input.finding
  const heading =
    f.class === 'unused'
      ? 'Unused access key'
      : f.class === 'due-soon'
        ? 'Access key due for rotation'
        : 'Overdue access key'
  const parts = [
    keyMarker(ctx.accountId, f.accessKeyId),
    `## ${heading}: ${esc(f.accessKeyId, 32)} of ${esc(f.userName, 64)}`,
    factsTable(input, ctx),
    ...expiredExemptionNote(f),
    `### Why it matters\n\n${whyItMatters(f, ctx.thresholds)}`,
    `### What IAM Key Sentinel did\n\n${actionsTaken(input, ctx)}`,
    `### How to rotate it\n\n${rotationSteps(input)}\n\nOnce the old key is deleted (or deactivated), the next run closes this issue.`
  ]
  const footer = renderFooter(ctx)
  const fixed = parts.join('\n\n') + '\n\n' + footer
  const activity = input.activityMarkdown ?? ''
  if (activity) {
    // The activity is the only part that can be long: it is cut first.
    const room = ISSUE_BODY_LIMIT - fixed.length - 200
    const note = `\n\n_CloudTrail activity cut to stay under GitHub's issue size limit; see the run for all of it._`
    parts.push(activity.length <= room ? activity : cutAtLine(activity, room - note.length) + note)
  }
  return `${parts.join('\n\n')}\n\n---\n${footer}`
}

const moreKeys = (n: number): string =>
  `${plural(n, 'more access key')} ${agree(n, 'needs', 'need')}`

export function renderRollupTitle(count: number, accountId: string): string {
  return `IAM Key Sentinel: ${moreKeys(count)} rotation in ${accountId}`
}

/** Keys beyond max-new-issues, listed in one issue so none goes unreported. */
export function renderRollupBody(findings: readonly Finding[], ctx: IssueContext): string {
  const rows = findings.map((f) => [
    esc(f.userName, 64),
    esc(f.accessKeyId, 32),
    CLASS_LABEL[f.class],
    String(f.ageDays),
    deadlineText(f, ctx.thresholds.maxAgeDays),
    lastUseText(f, esc)
  ])
  const head = [
    rollupMarker(ctx.accountId),
    `## ${moreKeys(findings.length)} rotation`,
    `\`max-new-issues\` limits how many issues one run opens. These keys get their own issues on later runs; until then they are listed here.`
  ].join('\n\n')
  const footer = renderFooter(ctx)
  let body = `${head}\n\n${table(['User', 'Access key', 'Class', 'Age (days)', 'Rotation deadline', 'Last used'], rows)}`
  if (body.length > ISSUE_BODY_LIMIT - 500) {
    body = `${cutAtLine(body, ISSUE_BODY_LIMIT - 500)}\n\n_List cut to stay under GitHub's issue size limit; see the run._`
  }
  return `${body}\n\n---\n${footer}`
}
