// The dashboard issue: the state now, what changed since the last run, the trend of the last
// runs as a Mermaid line chart, and the hidden history block the next run reads. The job summary
// shows the same changes (renderDashboardSection). Pure; every AWS or user value is escaped.
import {
  ENDING_SOON_DAYS,
  serializeHistory,
  type DashboardDelta,
  type DashboardHistory,
  type DashboardState,
  type KeyRef,
  type TrendPoint
} from '../domain/dashboard.js'
import { dashboardMarker, type DashboardScope } from '../domain/issue-marker.js'
import type { Thresholds } from '../domain/types.js'
import { cutAtLine } from '../kit/text/fit.js'
import { alert, escapeMarkdown as esc, table } from '../kit/text/markdown.js'
import { lineChart } from '../kit/text/mermaid.js'
import { ISSUE_BODY_LIMIT, ISSUE_TITLE_LIMIT } from './issue.js'
import { keyLink, mdLink, type Partition } from './links.js'
import { CLASS_LABEL, CLASS_NAME, plural, thresholdsMarkdown } from './wording.js'

/** Rows of each table and items of each list of changes; the counts always say how many. */
const LIST_LIMIT = 15

/** The trend's colours, in the order of its lines, as the classes' marks show them. */
const TREND = [
  { name: CLASS_NAME.overdue, mark: '🔴', color: '#cf222e', pick: (p: TrendPoint) => p.overdue },
  {
    name: CLASS_NAME['due-soon'],
    mark: '🟡',
    color: '#bf8700',
    pick: (p: TrendPoint) => p.dueSoon
  },
  { name: CLASS_NAME.unused, mark: '🟠', color: '#fb8500', pick: (p: TrendPoint) => p.unused }
] as const

export interface DashboardView {
  scope: DashboardScope
  /** The account's alias, or the organization's account count line. */
  accountAlias?: string
  /** For the organization: how many accounts reported, and how many did not. */
  fleet?: { accounts: number; withoutReport: number }
  state: DashboardState
  delta: DashboardDelta
  history: DashboardHistory
  /** Why the history block was rebuilt (it was damaged or hand-edited), when it was. */
  rebuilt?: string
  generatedAt: Date
  runUrl: string
  runId: string
  thresholds?: Thresholds
  partition?: Partition
}

export function renderDashboardTitle(scope: DashboardScope, accountAlias?: string): string {
  const what =
    scope.kind === 'organization'
      ? 'organization'
      : `account ${scope.accountId}${accountAlias ? ` (${accountAlias})` : ''}`
  return `IAM key dashboard: ${what}`.slice(0, ISSUE_TITLE_LIMIT)
}

const showAccount = (scope: DashboardScope): boolean => scope.kind === 'organization'

function keyText(k: KeyRef, scope: DashboardScope, partition: Partition | undefined): string {
  const account = showAccount(scope) ? `${esc(k.accountId, 12)} · ` : ''
  // Console links point at this run's partition; the fleet's accounts may sit elsewhere.
  const link = showAccount(scope) ? undefined : partition
  return `${account}**${esc(k.userName, 64)}** · ${keyLink(link, k.userName, esc(k.accessKeyId, 128))}`
}

const more = (n: number, shown: number): string =>
  n > shown ? `\n\n_…and ${n - shown} more._` : ''

function changeList<T extends KeyRef>(
  title: string,
  items: readonly T[],
  scope: DashboardScope,
  partition: Partition | undefined,
  extra: (item: T) => string = () => ''
): string {
  if (items.length === 0) return ''
  const shown = items.slice(0, LIST_LIMIT)
  return [
    `**${title}** (${items.length})`,
    '',
    ...shown.map((k) => `- ${keyText(k, scope, partition)}${extra(k)}`)
  ]
    .join('\n')
    .concat(more(items.length, shown.length))
}

const untilText = (k: { until?: string }): string =>
  k.until ? ` · until ${esc(k.until, 10)}` : ' · no end date'

/** The changes since the last run, as the dashboard and the job summary both show them. */
function renderDelta(delta: DashboardDelta, scope: DashboardScope, partition?: Partition): string {
  if (delta.since === undefined) return '_First run of this dashboard: nothing to compare yet._'
  const lists = [
    changeList(`${CLASS_LABEL.overdue}: newly overdue`, delta.newOverdue, scope, partition),
    changeList('🔄 Rotated (replaced by a newer key)', delta.rotated, scope, partition),
    changeList('🗑️ Deleted', delta.deleted, scope, partition),
    changeList(
      `${CLASS_LABEL.exempt}: newly exempt`,
      delta.newlyExempt,
      scope,
      partition,
      untilText
    ),
    changeList(
      '⌛ Exemption expired (the key is checked again)',
      delta.exemptionsExpired,
      scope,
      partition,
      untilText
    )
  ].filter((s) => s !== '')
  const partial = delta.partial
    ? [
        '_The last run remembered only part of its keys (the history block is size-bounded): some changes may be missing._'
      ]
    : []
  return [...(lists.length > 0 ? lists : ['Nothing changed.']), ...partial].join('\n\n')
}

function sinceText(since: string | undefined): string {
  return since ? ` (${since.slice(0, 16).replace('T', ' ')} UTC)` : ''
}

/** The job summary's section: the same changes, linked to the dashboard issue. */
export function renderDashboardSection(input: {
  delta: DashboardDelta
  scope: DashboardScope
  partition?: Partition
  issueUrl?: string
  dryRun: boolean
}): string {
  const where = input.dryRun
    ? ' · dry run: the dashboard issue was not written'
    : input.issueUrl
      ? ` · ${mdLink('dashboard issue', input.issueUrl)}`
      : ''
  return [
    `### Since the last run${sinceText(input.delta.since)}${where}`,
    renderDelta(input.delta, input.scope, input.partition)
  ].join('\n\n')
}

const COUNT_COLUMNS = ['overdue', 'unused', 'due-soon', 'inactive', 'exempt', 'ok'] as const

function renderNow(view: DashboardView): string {
  const { state, scope, partition } = view
  const counts = table(
    [...COUNT_COLUMNS.map((c) => CLASS_LABEL[c]), 'Total'],
    [[...COUNT_COLUMNS.map((c) => String(state.counts[c])), String(state.counts.total)]]
  )
  const accountHeader = showAccount(scope) ? ['Account'] : []
  const accountCell = (k: KeyRef) => (showAccount(scope) ? [esc(k.accountId, 12)] : [])
  const link = showAccount(scope) ? undefined : partition
  const oldest =
    state.oldest.length === 0
      ? 'No active key.'
      : table(
          [...accountHeader, 'User', 'Key', 'Age', 'Class'],
          state.oldest.map((k) => [
            ...accountCell(k),
            esc(k.userName, 64),
            keyLink(link, k.userName, esc(k.accessKeyId, 128)),
            plural(k.ageDays, 'day'),
            CLASS_LABEL[k.class]
          ])
        )
  const ending =
    state.endingSoon.length === 0
      ? `No exemption ends within ${ENDING_SOON_DAYS} days.`
      : table(
          [...accountHeader, 'User', 'Key', 'Until', 'Days left'],
          state.endingSoon
            .slice(0, LIST_LIMIT)
            .map((k) => [
              ...accountCell(k),
              esc(k.userName, 64),
              esc(k.accessKeyId, 128),
              esc(k.until, 10),
              String(k.daysLeft)
            ])
        ) + more(state.endingSoon.length, LIST_LIMIT)
  return [
    '### Now',
    counts,
    '#### Oldest active keys',
    oldest,
    `#### Exemptions ending within ${ENDING_SOON_DAYS} days`,
    ending,
    '#### Owners without an answer',
    renderUnanswered(state, scope)
  ].join('\n\n')
}

function renderUnanswered(state: DashboardState, scope: DashboardScope): string {
  const list = state.unanswered
  if (!list) {
    return scope.kind === 'organization'
      ? '_Each account’s own dashboard lists them (they come from its owners file)._'
      : '_Set `owners-config` (and its reminder ladder) to see who was reminded and has not answered._'
  }
  if (list.length === 0)
    return 'Every reminded owner has answered: no reminded key is past its limit.'
  // Named, never mentioned: the dashboard is rewritten every run and must not ping anyone.
  return (
    table(
      ['Owner', 'Keys past their limit', 'Longest wait'],
      list.slice(0, LIST_LIMIT).map((o) => [
        esc(o.owner, 100),
        o.keys
          .slice(0, 5)
          .map((k) => `${esc(k.userName, 64)} · ${esc(k.accessKeyId, 128)}`)
          .join('<br>') + (o.keys.length > 5 ? `<br>…and ${o.keys.length - 5} more` : ''),
        plural(o.daysWaiting, 'day')
      ])
    ) +
    more(list.length, LIST_LIMIT) +
    '\n\n_An owner is listed when the reminder ladder has reminded them of a key that is still past its limit: not rotated, deleted, deactivated or exempted since._'
  )
}

/** Distinct x-axis labels (a band axis merges equal ones): the day, with the time when needed. */
function trendLabels(runs: readonly TrendPoint[]): string[] {
  const day = (p: TrendPoint) => p.at.slice(5, 10)
  const minute = (p: TrendPoint) => p.at.slice(5, 16).replace('T', ' ')
  const days = runs.map(day)
  const labels = runs.map((p, i) =>
    days.filter((d) => d === days[i]).length > 1 ? minute(p) : day(p)
  )
  return labels.map((label, i) =>
    labels.indexOf(label) === i
      ? label
      : `${label} #${labels.slice(0, i + 1).filter((l) => l === label).length}`
  )
}

/** The trend as a line chart; its labels are ISO dates the history checked, so nothing to escape. */
export function renderTrend(runs: readonly TrendPoint[]): string {
  if (runs.length === 0) return ''
  const top = Math.max(...runs.flatMap((p) => TREND.map((t) => t.pick(p))))
  const chart = lineChart({
    height: 300,
    labels: trendLabels(runs),
    series: TREND.map((t) => runs.map(t.pick)),
    colors: TREND.map((t) => t.color),
    axis: 'Keys',
    // At least 10 and a multiple of 10, so Mermaid's ticks are whole keys.
    max: Math.max(10, Math.ceil(top / 10) * 10)
  })
  const legend = TREND.map((t) => `${t.mark} ${t.name}`).join(' · ')
  return [`### Trend over the last ${plural(runs.length, 'run')}`, chart, `Lines: ${legend}.`].join(
    '\n\n'
  )
}

function renderHead(view: DashboardView): string {
  const where =
    view.scope.kind === 'organization'
      ? `Organization${view.fleet ? `: ${plural(view.fleet.accounts, 'account')} reported${view.fleet.withoutReport > 0 ? `, ${view.fleet.withoutReport} without a usable report` : ''}` : ''}`
      : `Account **${esc(view.scope.accountId, 12)}**${view.accountAlias ? ` (${esc(view.accountAlias, 100)})` : ''}`
  const when = view.generatedAt.toISOString().slice(0, 16).replace('T', ' ')
  // The issue's title names the dashboard: no heading repeats it.
  return [
    `${where} · updated ${when} UTC by [run ${esc(view.runId, 40)}](${view.runUrl})` +
      (view.thresholds ? ` · ${thresholdsMarkdown(view.thresholds)}` : '')
  ].join('\n\n')
}

export function renderDashboardBody(view: DashboardView): string {
  const block = serializeHistory(view.history)
  const rebuilt = view.rebuilt
    ? alert(
        'WARNING',
        `The history block of this issue could not be read (${esc(view.rebuilt, 300)}), so it was rebuilt from this run: the changes and the trend start again here.`
      )
    : ''
  const visible = [
    dashboardMarker(view.scope),
    renderHead(view),
    rebuilt,
    renderNow(view),
    `### Since the last run${sinceText(view.delta.since)}`,
    renderDelta(view.delta, view.scope, view.partition),
    renderTrend(view.history.runs),
    '<sub>IAM Key Sentinel rewrites this issue on every run. The hidden block below holds its history; edit it and the history is rebuilt.</sub>'
  ]
    .filter((s) => s !== '')
    .join('\n\n')
  // The block goes last and whole: what is cut, if anything, is the end of what people read.
  return `${cutAtLine(visible, ISSUE_BODY_LIMIT - block.length - 2)}\n\n${block}\n`
}
