// Pure renderers of ActivitySummary: Markdown for the job summary and issues, plain text for
// SNS e-mail. Every value that came from AWS is escaped (Markdown) or flattened (text).
import { fitItems, utf8Bytes } from '../kit/text/fit.js'
import { alert, escapeMarkdown as esc, table } from '../kit/text/markdown.js'
import { plainText } from '../kit/text/plain.js'
import {
  TOP_FIELDS,
  type ActivityLookup,
  type ActivitySummary,
  type RegionActivity,
  type TopField,
  type TopValue
} from '../domain/activity.js'
import { agree, plural } from './wording.js'

/** Keeps the section well inside GitHub's 1 MiB job summary, next to the key tables. */
const ACTIVITY_SECTION_LIMIT_BYTES = 256 * 1024

const TOP_TITLE: Record<TopField, { title: string; column: string; width: number }> = {
  eventNames: { title: 'Event names', column: 'Event name', width: 80 },
  errorCodes: { title: 'Error codes', column: 'Error code', width: 80 },
  sourceIps: { title: 'Source IP addresses', column: 'Source IP address', width: 80 },
  userAgents: { title: 'User agents', column: 'User agent', width: 160 },
  resourceNames: { title: 'Resource names', column: 'Resource name', width: 160 },
  resourceTypes: { title: 'Resource types', column: 'Resource type', width: 80 },
  regions: { title: 'Regions', column: 'Region', width: 40 }
}

const STATUS_LABEL: Record<RegionActivity['status'], string> = {
  ok: '✅ ok',
  truncated: '✂️ truncated',
  denied: '⛔ denied',
  unavailable: '⚠️ unavailable'
}

const DENIED_HINT = ' (grant cloudtrail:LookupEvents to the role the action runs with)'

const was = (n: number): string => agree(n, 'was', 'were')

/** ISO 8601 as people read it: 2024-05-01 10:00:00 UTC. */
export function formatTime(iso: string): string {
  return iso.replace('T', ' ').replace(/(\.\d+)?Z$/, ' UTC')
}

type Problem = Extract<RegionActivity, { message: string }>

function problems(summary: ActivitySummary): Problem[] {
  return summary.regions.filter((r): r is Problem => r.status !== 'ok')
}

function truncatedRegions(summary: ActivitySummary): string[] {
  return summary.regions.filter((r) => r.status === 'truncated').map((r) => r.region)
}

// ---------------------------------------------------------------------------------------------
// Markdown
// ---------------------------------------------------------------------------------------------

function lookupText(lookup: ActivityLookup, escape: (value: string) => string): string {
  return lookup.attribute === 'AccessKeyId'
    ? `access key ID ${escape(lookup.value)}`
    : `user name ${escape(lookup.value)}`
}

function headline(summary: ActivitySummary): string {
  const user = summary.userName === undefined ? '' : ` (${esc(summary.userName, 64)})`
  const parts = [`${esc(summary.accessKeyId, 32)}${user}: ${plural(summary.totalEvents, 'event')}`]
  if (summary.errorEvents > 0) parts.push(`${summary.errorEvents} with errors`)
  if (summary.truncated) parts.push('stopped at max-events')
  const failed = summary.regions.filter((r) => r.status === 'denied' || r.status === 'unavailable')
  if (failed.length > 0) parts.push(`${plural(failed.length, 'region')} not read`)
  return parts.join(' · ')
}

function scopeLine(summary: ActivitySummary): string {
  const { window } = summary
  const by = summary.lookups.map((l) => lookupText(l, (v) => esc(v, 64))).join(' and ')
  const span =
    summary.firstEventTime === undefined
      ? 'No events in that window.'
      : `Events from ${esc(formatTime(summary.firstEventTime))} to ${esc(formatTime(summary.lastEventTime))}.`
  return (
    `Looked up by ${by} over ${plural(window.hours, 'hour')}, ` +
    `${esc(formatTime(window.start))} to ${esc(formatTime(window.end))}. ${span}`
  )
}

function regionCell(region: RegionActivity): string {
  if (region.status === 'ok') return STATUS_LABEL.ok
  const hint = region.status === 'denied' ? DENIED_HINT : ''
  return `${STATUS_LABEL[region.status]}: ${esc(region.message, 300)}${hint}`
}

function regionTable(summary: ActivitySummary): string {
  const rows = summary.regions.map((r) => [esc(r.region, 40), regionCell(r), String(r.events)])
  return table(['Region', 'Status', 'Events returned'], rows)
}

function notes(summary: ActivitySummary): string[] {
  const out: string[] = []
  const cut = truncatedRegions(summary)
  if (cut.length > 0) {
    out.push(
      alert(
        'WARNING',
        `Stopped at max-events before the whole window was read in ${cut.map((r) => esc(r, 40)).join(', ')}: ` +
          'the counts cover the newest events only. Raise `max-events` for the full picture.'
      )
    )
  }
  if (summary.malformed > 0) {
    out.push(
      `${plural(summary.malformed, 'event')} could not be read (malformed) and ${was(summary.malformed)} skipped.`
    )
  }
  if (summary.otherKeyEvents > 0) {
    out.push(
      `${plural(summary.otherKeyEvents, 'event')} of this user made with another access key ${was(summary.otherKeyEvents)} left out.`
    )
  }
  return out
}

function topTable(field: TopField, values: readonly TopValue[]): string {
  const { title, column, width } = TOP_TITLE[field]
  const rows = values.map((v) => [esc(v.value, width), String(v.count)])
  return `**${title}**\n\n${table([column, 'Events'], rows)}`
}

function topTables(summary: ActivitySummary): string[] {
  return TOP_FIELDS.filter((field) => summary.top[field].length > 0).map((field) =>
    topTable(field, summary.top[field])
  )
}

/** One collapsible block: the headline folded, the region table, notes and top-10 tables inside. */
export function renderActivityMarkdown(summary: ActivitySummary): string {
  const body = [scopeLine(summary), regionTable(summary), ...notes(summary), ...topTables(summary)]
  if (summary.errorEvents === 0 && summary.totalEvents > 0)
    body.push('No event carried an error code.')
  return `<details>\n<summary>${headline(summary)}</summary>\n\n${body.join('\n\n')}\n\n</details>`
}

/** Region failures shared by several keys, said once above the blocks. */
function regionProblems(summaries: readonly ActivitySummary[]): string {
  const seen = new Map<string, { problem: Problem; keys: number }>()
  for (const problem of summaries.flatMap(problems)) {
    if (problem.status === 'truncated') continue
    const id = `${problem.region}\n${problem.status}\n${problem.message}`
    const entry = seen.get(id)
    if (entry) entry.keys++
    else seen.set(id, { problem, keys: 1 })
  }
  if (seen.size === 0) return ''
  const lines = [...seen.values()].map(
    ({ problem, keys }) =>
      `- ${esc(problem.region, 40)}: ${regionCell(problem)} (${plural(keys, 'key')})`
  )
  return alert(
    'WARNING',
    'CloudTrail could not be read everywhere; the scan went on without it.',
    ...lines
  )
}

function intro(summaries: readonly ActivitySummary[]): string {
  const first = summaries[0]
  if (!first) return ''
  const regions = [...new Set(summaries.flatMap((s) => s.regions.map((r) => r.region)))]
  return (
    `CloudTrail events of ${plural(summaries.length, 'key')} over the last ` +
    `${plural(first.window.hours, 'hour')}, in ${regions.map((r) => esc(r, 40)).join(', ')}.`
  )
}

/**
 * The "Key activity (CloudTrail)" section of the job summary, or '' when there is nothing to show.
 * Blocks are added while they fit in maxBytes; the rest are counted and left to the JSON report.
 */
export function renderActivitySection(
  summaries: Iterable<ActivitySummary>,
  maxBytes = ACTIVITY_SECTION_LIMIT_BYTES
): string {
  const list = [...summaries]
  if (list.length === 0) return ''
  const head = ['### Key activity (CloudTrail)', intro(list), regionProblems(list)]
    .filter((part) => part !== '')
    .join('\n\n')
  // A key with no events and nothing wrong has nothing to unfold: all of them share one line.
  const quiet = list.filter((s) => s.totalEvents === 0 && problems(s).length === 0)
  const loud = list.filter((s) => !quiet.includes(s))
  const quietLine =
    quiet.length === 0
      ? ''
      : `No events for ${plural(quiet.length, 'key')}: ${quiet
          .map(
            (s) =>
              `${esc(s.accessKeyId, 32)}${s.userName === undefined ? '' : ` (${esc(s.userName, 64)})`}`
          )
          .join(', ')}.`
  const parts = quietLine ? [head, quietLine] : [head]
  const fit = fitItems(loud, renderActivityMarkdown, {
    budget: maxBytes,
    used: utf8Bytes(parts.join('\n\n')),
    separator: '\n\n'
  })
  parts.push(...fit.shown)
  if (fit.left > 0) {
    parts.push(
      `_${plural(fit.left, 'more key')} not shown here to stay under the summary size limit; ` +
        'the JSON report and the `activity` output have every key._'
    )
  }
  return parts.join('\n\n')
}

// ---------------------------------------------------------------------------------------------
// Plain text (SNS e-mail)
// ---------------------------------------------------------------------------------------------

function regionText(region: RegionActivity): string {
  const name = plainText(region.region, 40)
  if (region.status === 'ok') return `${name} ok (${plural(region.events, 'event')})`
  const hint = region.status === 'denied' ? DENIED_HINT : ''
  return `${name} ${region.status.toUpperCase()} (${plural(region.events, 'event')}): ${plainText(region.message, 300)}${hint}`
}

function topText(field: TopField, values: readonly TopValue[]): string {
  const { title, width } = TOP_TITLE[field]
  const items = values.map((v) => `${plainText(v.value, width)} (${v.count})`)
  return `${title}: ${items.length > 0 ? items.join(', ') : 'none'}`
}

function countsText(summary: ActivitySummary): string {
  const parts = [plural(summary.totalEvents, 'event')]
  if (summary.firstEventTime !== undefined) {
    parts.push(
      `first ${formatTime(summary.firstEventTime)}, last ${formatTime(summary.lastEventTime)}`
    )
  }
  parts.push(`${summary.errorEvents} with errors`)
  if (summary.malformed > 0) parts.push(`${summary.malformed} malformed, skipped`)
  if (summary.otherKeyEvents > 0) {
    parts.push(`${summary.otherKeyEvents} made with another key of the user, left out`)
  }
  return `Events: ${parts.join('; ')}.`
}

/** The same content as the Markdown block, as plain lines for an e-mail. */
export function renderActivityText(summary: ActivitySummary): string {
  const user = summary.userName === undefined ? '' : ` (user ${plainText(summary.userName, 64)})`
  const by = summary.lookups.map((l) => lookupText(l, (v) => plainText(v, 64))).join(' and ')
  const { window } = summary
  const lines = [
    `CloudTrail activity of access key ${plainText(summary.accessKeyId, 32)}${user}`,
    `Looked up by ${by} over ${plural(window.hours, 'hour')}, ${formatTime(window.start)} to ${formatTime(window.end)}.`,
    countsText(summary),
    `Regions: ${summary.regions.map(regionText).join('; ')}.`
  ]
  const cut = truncatedRegions(summary)
  if (cut.length > 0) {
    lines.push(
      `NOTE: stopped at max-events before the whole window was read in ${cut.map((r) => plainText(r, 40)).join(', ')}; the counts cover the newest events only.`
    )
  }
  // Seven "none" lines say nothing that "0 events" did not.
  if (summary.totalEvents > 0) {
    lines.push('', ...TOP_FIELDS.map((field) => topText(field, summary.top[field])))
  }
  return lines.join('\n')
}
