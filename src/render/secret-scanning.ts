// The secret-scanning run in the job summary: every open alert for an AWS key ID and what was
// done with it, and the keys of other accounts grouped for their own account's run. Pure.
import type { AlertOutcome, AlertResult, OtherAccountKeys } from '../domain/secret-scanning.js'
import { alert, escapeMarkdown as esc, table } from '../kit/text/markdown.js'
import { plural } from './wording.js'

const OUTCOME_LABEL: Record<AlertOutcome, string> = {
  resolved: '✅ resolved as revoked',
  'would-resolve': '📝 would be resolved (dry run)',
  'other-account': '➡️ another account: left open',
  'left-open': '❌ left open: the key was not verified revoked',
  'resolve-failed': '❌ key revoked, alert not resolved',
  'needs-person': '❌ left open: manual inspection needed'
}

export interface SecretScanningView {
  accountId: string
  /** "acme/security" or "the acme organization". */
  scope: string
  dryRun: boolean
  results: readonly AlertResult[]
  others: OtherAccountKeys
  /** Set when the alerts could not be listed at all. */
  error?: string
}

function alertLink(r: AlertResult): string {
  const label = `${esc(r.repository, 100)}#${r.number}`
  return /^https:\/\/[^\s()]+$/.test(r.htmlUrl) ? `[${label}](${r.htmlUrl})` : label
}

export function renderSecretScanningMarkdown(view: SecretScanningView, runUrl: string): string {
  const parts = [
    '## IAM Key Sentinel: GitHub secret scanning',
    `Open alerts for AWS access key IDs in ${esc(view.scope, 120)} · account **${esc(view.accountId, 12)}**${view.dryRun ? ' · dry run: nothing was changed' : ''} · [run log](${runUrl})`
  ]
  if (view.error) {
    parts.push(alert('CAUTION', `**The alerts could not be read.** ${esc(view.error, 1500)}`))
    return parts.join('\n\n') + '\n'
  }
  if (view.results.length === 0) {
    parts.push('No open alert: nothing to do.')
    return parts.join('\n\n') + '\n'
  }
  const needPerson = view.results.filter((r) =>
    ['left-open', 'resolve-failed', 'needs-person'].includes(r.outcome)
  )
  if (needPerson.length > 0) {
    parts.push(
      alert(
        'CAUTION',
        `**Manual inspection and intervention required** for ${plural(needPerson.length, 'alert')}: see the detail column.`
      )
    )
  }
  parts.push(
    table(
      ['Alert', 'Access key', 'Account', 'Outcome', 'Detail'],
      view.results.map((r) => [
        alertLink(r),
        r.accessKeyId ? esc(r.accessKeyId, 20) : '—',
        r.accountId ? esc(r.accountId, 12) : '—',
        OUTCOME_LABEL[r.outcome],
        r.detail ? esc(r.detail, 400) : '—'
      ])
    )
  )
  if (view.others.include.length > 0) {
    parts.push(
      '### Keys of other accounts',
      'Their alerts stay open until the run in their own account revokes them: the `other-account-keys` output is this list as a matrix (`account-id`, `access-key-ids`) for a job per account in incident mode.',
      table(
        ['Account', 'Access keys'],
        view.others.include.map((o) => [esc(o['account-id'], 12), esc(o['access-key-ids'], 2000)])
      )
    )
  }
  return parts.join('\n\n') + '\n'
}
