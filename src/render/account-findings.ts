// The job summary's sections of account-level findings: users with two active keys and the
// exemption inventory. Pure; every AWS value escaped.
import {
  inventoryCounts,
  type ExemptionInventory,
  type TwoActiveKeys
} from '../domain/account-findings.js'
import { needsAnEnd } from '../domain/exemptions.js'
import { escapeMarkdown as esc, table } from '../kit/text/markdown.js'
import type { RowContext } from './key-table.js'
import { keyLink, userLink } from './links.js'
import type { RatedExemption } from '../domain/types.js'
import type { SlotFinding } from '../domain/key-naming.js'
import {
  agree,
  CLASS_LABEL,
  deadlineAndAge,
  exemptionText,
  lastUseText,
  exemptionSource,
  exemptionStatusText,
  exemptionUntil,
  exemptionWhy,
  lastUsePhrase,
  plural,
  slotKeyName,
  SLOT_KEYS_NOTE,
  stateAfterRun
} from './wording.js'

/** Rows listed; beyond, they are counted (the JSON report has them all). */
const ROWS_LIMIT = 100

const more = (n: number): string =>
  n > ROWS_LIMIT ? `\n\n…and ${n - ROWS_LIMIT} more in the JSON report.` : ''

export function renderTwoActiveKeys(users: readonly TwoActiveKeys[], ctx: RowContext): string {
  if (users.length === 0) return ''
  const keyCell = (user: TwoActiveKeys, k: TwoActiveKeys['keys'][number]): string => {
    const change = k.accessKeyId === undefined ? undefined : ctx.changes.get(k.accessKeyId)
    const state = change ? `; ${stateAfterRun({ status: 'Active' }, change)}` : ''
    const use = lastUsePhrase(k, esc)
    // A key only the credential report saw has no ID there: named by its slot and creation day.
    const name =
      k.accessKeyId === undefined
        ? slotKeyName({ ...k, userName: user.userName }, esc, false)
        : esc(k.accessKeyId, 32)
    return `${keyLink(ctx.partition, user.userName, name)} (${plural(k.ageDays, 'day')} old, ${use}${state})`
  }
  const bySlot = users.some((u) => u.keys.some((k) => k.accessKeyId === undefined))
  const rows = users
    .slice(0, ROWS_LIMIT)
    .map((u) => [
      userLink(ctx.partition, u.userName, esc(u.userName, 64)),
      u.keys.map((k) => keyCell(u, k)).join('<br>')
    ])
  return [
    `### Users with two active access keys (${users.length})`,
    '',
    'Two active keys usually mean a rotation was left half done, and IAM allows no third key, so the next rotation cannot start. ' +
      'Once everything uses the newer key, deactivate the older one, check that nothing breaks, then delete it. ' +
      'Listed for review; this does not fail the step.',
    '',
    table(['User', 'Active keys, oldest first'], rows) + more(users.length),
    ...(bySlot ? ['', SLOT_KEYS_NOTE] : [])
  ].join('\n')
}

/**
 * Due-soon keys named by slot (their users not read live: no channel of the run needs their
 * IDs), under the keys needing action, with where their IDs are.
 */
export function renderSlotKeys(keys: readonly SlotFinding[], ctx: RowContext): string {
  if (keys.length === 0) return ''
  const classCell = (f: SlotFinding): string =>
    f.class === 'exempt' && f.exemption
      ? `${CLASS_LABEL.exempt} (${CLASS_LABEL[f.rawClass]}; ${exemptionText(f.exemption, esc)})`
      : CLASS_LABEL[f.class]
  const rows = keys
    .slice(0, ROWS_LIMIT)
    .map((f) => [
      userLink(ctx.partition, f.userName, esc(f.userName, 64)),
      keyLink(ctx.partition, f.userName, slotKeyName(f, esc, false)),
      classCell(f),
      deadlineAndAge(f, ctx.thresholds.maxAgeDays),
      lastUseText(f, esc)
    ])
  return [
    `### Due soon, named by slot (${plural(keys.length, 'key')})`,
    '',
    table(['User', 'Access key', 'Class', 'Rotation deadline', 'Last used'], rows) +
      more(keys.length),
    '',
    SLOT_KEYS_NOTE
  ].join('\n')
}

function statusCell(e: RatedExemption, maxDays: number): string {
  const text = exemptionStatusText(e, maxDays)
  if (e.status === 'expired') return `🔴 ${text}`
  return needsAnEnd(e.status) ? `⚠️ ${text}` : text
}

export function renderExemptionInventory(inventory: ExemptionInventory | undefined): string {
  const entries = inventory?.entries ?? []
  if (!inventory || entries.length === 0) return ''
  const { expired, needEnd } = inventoryCounts(inventory)
  const counts = [
    expired > 0 ? `${expired} expired` : '',
    needEnd > 0 ? `${needEnd} needing an end` : ''
  ].filter(Boolean)
  const notes = [
    expired > 0
      ? `${plural(expired, 'key')} ${agree(expired, 'is', 'are')} classed again: ${agree(expired, 'its', 'their')} exemption expired.`
      : '',
    needEnd > 0
      ? `${plural(needEnd, 'exemption')} ${agree(needEnd, 'has', 'have')} no end or ${agree(needEnd, 'ends', 'end')} more than ${plural(inventory.maxDays, 'day')} ahead (exemption-max-days): still exempt, but give ${agree(needEnd, 'it', 'them')} an end.`
      : ''
  ].filter(Boolean)
  const rows = entries
    .slice(0, ROWS_LIMIT)
    .map(({ userName, accessKeyId, slot, hides, exemption }) => [
      esc(userName, 64),
      accessKeyId === undefined ? `access key ${slot} (ID not read)` : esc(accessKeyId, 32),
      CLASS_LABEL[hides],
      exemptionSource(exemption, esc),
      exemptionWhy(exemption, esc),
      exemptionUntil(exemption, esc),
      'approvedBy' in exemption && exemption.approvedBy ? esc(exemption.approvedBy, 60) : '—',
      statusCell(exemption, inventory.maxDays)
    ])
  return [
    `### Exemptions (${[plural(entries.length, 'key'), ...counts].join(', ')})`,
    '',
    [
      ...notes,
      'Every key an exemption holds back this run, or would, had it not expired; exclude-users and exempt-groups are standing rules of the workflow, with no end by design.'
    ].join(' '),
    '',
    table(
      ['User', 'Access key', 'Class without it', 'Source', 'Why', 'Until', 'Approved by', 'Status'],
      rows
    ) + more(entries.length)
  ].join('\n')
}
