// The key tables of the job summary: one row per key in its state after this run, a user's keys
// together, cut to a byte budget with a line saying how many keys were left out and where.
import { fitItems, utf8Bytes } from '../kit/text/fit.js'
import { escapeMarkdown as esc, table, tableRow } from '../kit/text/markdown.js'
import { keyLink, userLink, type Partition } from './links.js'
import type { ChangeRecord } from '../domain/changes.js'
import type { Finding, Thresholds } from '../domain/types.js'
import {
  CLASS_LABEL,
  deadlineAndAge,
  exemptionSource,
  exemptionStatusText,
  exemptionText,
  lastUseText,
  stateAfterRun,
  unusedText
} from './wording.js'

export interface RowContext {
  thresholds: Thresholds
  partition?: Partition
  /** This run's change of each key, by key ID. */
  changes: ReadonlyMap<string, ChangeRecord>
}

const KEY_HEADER = [
  'User',
  'Access key',
  'Class',
  'Rotation deadline',
  'Last used',
  'After this run'
]

function classCell(f: Finding): string {
  const expired = f.expiredExemption
    ? ` (${exemptionStatusText(f.expiredExemption)}: ${exemptionSource(f.expiredExemption, esc)})`
    : ''
  if (f.class === 'unused') return `${CLASS_LABEL.unused}: ${unusedText(f)}${expired}`
  if (f.class !== 'exempt' || !f.exemption) return `${CLASS_LABEL[f.class]}${expired}`
  return `${CLASS_LABEL.exempt} (${CLASS_LABEL[f.rawClass]}; ${exemptionText(f.exemption, esc)})`
}

function keyRow(f: Finding, ctx: RowContext): string[] {
  const change = ctx.changes.get(f.accessKeyId)
  const state = stateAfterRun(f, change)
  return [
    userLink(ctx.partition, f.userName, esc(f.userName, 64)),
    keyLink(ctx.partition, f.userName, esc(f.accessKeyId, 32)),
    classCell(f),
    deadlineAndAge(f, ctx.thresholds.maxAgeDays),
    lastUseText(f, esc),
    change?.result === 'applied' ? `**${state}**` : state
  ]
}

/**
 * Keys of one user together, the users in the order of their most urgent key; each user's other
 * keys follow its flagged ones, since rotating one of two keys depends on the other.
 */
export function byUser(flagged: readonly Finding[], all: readonly Finding[]): Finding[] {
  const groups = new Map<string, Finding[]>()
  for (const f of flagged) groups.set(f.userName, [...(groups.get(f.userName) ?? []), f])
  for (const f of all) {
    const group = groups.get(f.userName)
    if (group && !group.includes(f)) group.push(f)
  }
  return [...groups.values()].flat()
}

/**
 * The table of `findings`, rows added while the byte budget lasts, then how many were left out,
 * so a huge account still gets a summary GitHub accepts.
 */
export function renderKeyTable(
  findings: readonly Finding[],
  budget: number,
  reportPath: string | undefined,
  ctx: RowContext
): string {
  const head = table(KEY_HEADER, [])
  const fit = fitItems(findings, (f) => tableRow(keyRow(f, ctx)), {
    budget,
    used: utf8Bytes(head),
    separator: '\n'
  })
  const rows = [head, ...fit.shown].join('\n')
  if (fit.left === 0) return rows
  const where = reportPath ? ` in the JSON report (${esc(reportPath, 300)})` : ' in the JSON report'
  return `${rows}\n\n_${fit.left} more keys are not shown here to stay under GitHub's summary size limit; every key is listed${where}._`
}
