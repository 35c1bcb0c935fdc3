// The rotation's parts of the job summary, the key's issue and the SNS message: each rotation's
// step, destination (named, never the value) and what the next run does. Pure and escaped.
import type { RotationRecord, RotationReport } from '../domain/rotation.js'
import { alert, codeBlock, escapeMarkdown as esc, table } from '../kit/text/markdown.js'
import { plainText } from '../kit/text/plain.js'
import { RESULT_LABEL as CHANGE_RESULT_LABEL } from './changes.js'

const STAGE_LABEL: Record<RotationRecord['stage'], string> = {
  none: 'not started',
  created: 'new key created, not delivered',
  delivered: 'delivered, watching the cutover',
  retiring: 'old key deactivated, delete pending',
  done: 'done: old key deleted'
}

// A rotation step with nothing to write (watching the cutover, a hold) is not a skipped change.
const RESULT_LABEL: Record<RotationRecord['result'], string> = {
  ...CHANGE_RESULT_LABEL,
  applied: '✅ done',
  skipped: '⏸️ nothing to write'
}

const ROW_LIMIT = 200

function heading(r: RotationReport): string {
  if (r.dryRun) return '### Key rotation this run would do (dry run: nothing was changed)'
  if (r.capExceeded) return '### Key rotation (not applied: over the max-actions cap)'
  return '### Key rotation'
}

/** The summary's section; empty when the run did not rotate. */
export function renderRotationSection(r: RotationReport | undefined): string {
  if (!r) return ''
  const writes = `${r.keyWrites} IAM key ${r.keyWrites === 1 ? 'write' : 'writes'} planned (max-actions ${r.maxActions})`
  const parts = [heading(r), `Rotation map: \`${esc(r.mapPath, 200)}\`; ${writes}.`]
  if (r.capExceeded) {
    parts.push(
      alert(
        'CAUTION',
        `The rotation plan holds more writing steps than \`max-actions\` (${r.maxActions}): ${r.keyWrites} IAM key writes, counting each key deleted first to make room for a new one. Nothing was changed. Review the plan below; if it is right, raise \`max-actions\` for one run.`
      )
    )
  }
  if (r.rotations.length === 0) {
    parts.push('No key of a user in the rotation map is due for rotation.')
    return parts.join('\n\n')
  }
  const rows = r.rotations
    .slice(0, ROW_LIMIT)
    .map((x) => [
      esc(x.userName, 64),
      esc(x.accessKeyId, 32),
      x.newAccessKeyId ? esc(x.newAccessKeyId, 32) : '–',
      esc(x.destination, 200),
      `${x.action}: ${RESULT_LABEL[x.result]}`,
      STAGE_LABEL[x.stage],
      esc(x.detail, 400),
      esc(x.next, 300)
    ])
  parts.push(
    table(
      ['User', 'Old key', 'New key', 'Destination', 'This run', 'Stage', 'Detail', 'Next run'],
      rows
    )
  )
  if (r.rotations.length > ROW_LIMIT)
    parts.push(
      `…and ${r.rotations.length - ROW_LIMIT} more in the JSON report and the \`rotations\` output.`
    )
  const undo = r.rotations.flatMap((x) =>
    x.undo ? [`# ${x.userName} ${x.accessKeyId}: ${x.undo}`] : []
  )
  if (undo.length > 0)
    parts.push('To undo (the previous secret value is kept nowhere):', codeBlock('sh', undo))
  return parts.join('\n\n')
}

/** The key's issue section: where its rotation stands. */
export function renderRotationIssueSection(x: RotationRecord): string {
  const lines = [
    `### Rotation by IAM Key Sentinel`,
    table(
      ['', ''],
      [
        ['Stage', STAGE_LABEL[x.stage]],
        ['This run', `${x.action}: ${RESULT_LABEL[x.result]}`],
        ['New key', x.newAccessKeyId ? esc(x.newAccessKeyId, 32) : '–'],
        ['Delivered to', esc(x.destination, 200)],
        ...(x.deliveredAt ? [['Delivered at', x.deliveredAt]] : []),
        ['Detail', esc(x.detail, 500)],
        ['Next run', esc(x.next, 300)]
      ]
    )
  ]
  if (x.undo) lines.push(`To undo: \`${x.undo.replace(/`/g, '')}\``)
  return lines.join('\n\n')
}

/** The SNS message's block of rotations. */
export function renderRotationText(r: RotationReport | undefined): string {
  if (!r || r.rotations.length === 0) return ''
  const blocks = r.rotations.map((x) =>
    [
      `Rotation:    ${plainText(x.userName, 64)} ${plainText(x.accessKeyId, 32)}${x.newAccessKeyId ? ` -> ${plainText(x.newAccessKeyId, 32)}` : ''}`,
      `Stage:       ${STAGE_LABEL[x.stage]} (${x.action}: ${x.result})`,
      `Destination: ${plainText(x.destination, 200)}`,
      `Detail:      ${plainText(x.detail, 400)}`,
      `Next run:    ${plainText(x.next, 300)}`
    ].join('\n')
  )
  return [`Key rotation${r.dryRun ? ' (dry run: nothing was changed)' : ''}:`, ...blocks].join(
    '\n\n'
  )
}
