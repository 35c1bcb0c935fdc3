// The "Changes" section of the job summary: the plan or what was done, and how to undo it.
import { keyLink, userLink, type Partition } from './links.js'
import { alert, codeBlock, escapeMarkdown as esc, table } from '../kit/text/markdown.js'
import type { ChangeRecord, Plan } from '../domain/changes.js'

export const RESULT_LABEL: Record<ChangeRecord['result'], string> = {
  planned: '📝 would be done',
  applied: '✅ applied',
  'already-done': '☑️ already done',
  claimed: '🔒 left to another run',
  skipped: '⏭️ skipped',
  failed: '❌ failed',
  cancelled: '⏹️ not started (cancelled)'
}
const ROW_LIMIT = 200

function transition(r: ChangeRecord): string {
  return r.kind === 'deactivate' ? 'Active → Inactive' : `${r.before.status} → deleted`
}

// A planned change's detail only repeats "dry run: nothing was changed", said once in the heading.
function resultCell(r: ChangeRecord): string {
  const detail = r.result === 'planned' ? undefined : r.detail
  return `${RESULT_LABEL[r.result]}${detail ? ` ${esc(detail, 300)}` : ''}`
}

function heading(plan: Plan): string {
  if (plan.dryRun) return `### Changes this run would make (dry run: nothing was changed)`
  if (plan.capExceeded) return `### Changes (not applied: over the max-actions cap)`
  return `### Changes made by this run (action: ${plan.action})`
}

export function renderChanges(
  plan: Plan,
  records: readonly ChangeRecord[],
  /** For the IAM console links; without it, none. */
  partition?: Partition
): string {
  if (plan.action === 'report') return ''
  const parts = [heading(plan)]
  if (plan.capExceeded) {
    parts.push(
      alert(
        'CAUTION',
        `The plan holds **${plan.changes.length}** changes, more than \`max-actions\` (${plan.maxActions}). ` +
          'Nothing was changed: a mass change is likelier a misconfiguration than a real need. ' +
          `Review the plan below; if it is right, raise \`max-actions\` to at least ${plan.changes.length} for one run, ` +
          'or narrow the scope with `exclude-users`, `exempt-tag`, `exempt-groups` or the thresholds.'
      )
    )
  }
  if (records.length === 0) parts.push('No key needs a change.')
  else {
    const rows = records
      .slice(0, ROW_LIMIT)
      .map((r) => [
        userLink(partition, r.userName, esc(r.userName, 64)),
        keyLink(partition, r.userName, esc(r.accessKeyId, 32)),
        transition(r),
        esc(r.reason, 200),
        resultCell(r)
      ])
    parts.push(table(['User', 'Access key', 'Change', 'Reason', 'Result'], rows))
    if (records.length > ROW_LIMIT) {
      parts.push(
        `…and ${records.length - ROW_LIMIT} more in the JSON report and the \`changes\` output.`
      )
    }
  }
  if (plan.holds.length > 0) {
    const rows = plan.holds
      .slice(0, ROW_LIMIT)
      .map((h) => [
        userLink(partition, h.userName, esc(h.userName, 64)),
        keyLink(partition, h.userName, esc(h.accessKeyId, 32)),
        esc(h.reason, 300)
      ])
    parts.push(
      `**Not changed this run (${plan.holds.length})**`,
      table(['User', 'Access key', 'Why'], rows)
    )
  }
  const undo = records.flatMap((r) => (r.undo ? [r.undo] : []))
  if (undo.length > 0) {
    parts.push(
      'To undo the deactivations (deleted keys cannot be restored):',
      codeBlock('sh', undo)
    )
  }
  return parts.join('\n\n')
}
