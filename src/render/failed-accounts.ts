// Accounts of an organization audit without a usable report: what went wrong and what to do,
// said alike in the organization summary (a table) and the SNS digest (a line each). Pure.
import { escapeMarkdown as esc, table } from '../kit/text/markdown.js'
import type { FailedAccount } from '../classify/organization.js'

/** A whole fleet can fail at once (a broken hub role): list enough to act on, count the rest. */
const FAILED_ROWS_LIMIT = 200

export function failureText(a: FailedAccount): { problem: string; todo: string } {
  if (a.status === 'missing') {
    return {
      problem: 'no report',
      todo:
        "The account's audit job failed before writing its report, or did not upload it: see that job's log " +
        '(often the member role is missing in the account, or does not trust the hub role).'
    }
  }
  return {
    problem: `unreadable report (${a.reason})`,
    todo: "Re-run the account's audit job; if it happens again, open the report file named here."
  }
}

/** The organization summary's section of failed accounts; '' when none failed. */
export function renderFailedAccounts(failed: readonly FailedAccount[]): string {
  if (failed.length === 0) return ''
  const rows = failed.slice(0, FAILED_ROWS_LIMIT).map((a) => {
    const { problem, todo } = failureText(a)
    const where = a.status === 'unreadable' ? `<br>File: ${esc(a.path, 300)}` : ''
    return [esc(a.accountId, 12), esc(a.name, 60), esc(problem, 300) + where, esc(todo, 300)]
  })
  return [
    `### ❌ Accounts without a usable report (${failed.length})`,
    '',
    'Their keys are not in the counts below; the step fails so they are not missed.',
    '',
    table(['Account', 'Name', 'Problem', 'What to do'], rows) +
      (failed.length > rows.length
        ? `\n\n_…and ${failed.length - rows.length} more, all in the failed-accounts output._`
        : '')
  ].join('\n')
}
