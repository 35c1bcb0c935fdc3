// The preflight's checklist (mode: check) as the job summary and as log lines: pure.
import type { CheckLine, CheckStatus } from '../domain/preflight.js'
import { escapeMarkdown, table } from '../kit/text/markdown.js'

const MARK: Record<CheckStatus, string> = {
  pass: '✅ pass',
  warn: '⚠️ warn',
  fail: '❌ fail',
  skip: '⏭️ skip'
}

/** Long enough for a permissions line that names every missing action and its resource. */
const CELL = 2000

export function renderChecklistMarkdown(lines: readonly CheckLine[], account?: string): string {
  const failures = lines.filter((l) => l.status === 'fail').length
  const warnings = lines.filter((l) => l.status === 'warn').length
  const verdict =
    failures > 0
      ? `**${failures} required check${failures === 1 ? '' : 's'} failed**: a real run would not work as configured. Each line says what to change.`
      : warnings > 0
        ? `Every required check passed; ${warnings} warning${warnings === 1 ? '' : 's'} below.`
        : 'Every check passed: a real run with these inputs has what it needs.'
  return [
    `## IAM Key Sentinel preflight${account ? ` (account ${escapeMarkdown(account)})` : ''}`,
    '',
    `${verdict} Nothing was changed in AWS or GitHub.`,
    '',
    table(
      ['Check', 'Result', 'Found', 'Fix'],
      lines.map((l) => [
        escapeMarkdown(l.title),
        MARK[l.status],
        escapeMarkdown(l.detail, CELL),
        l.fix ? escapeMarkdown(l.fix, CELL) : ''
      ])
    ),
    '',
    'What each line checks: docs/preflight.md.',
    ''
  ].join('\n')
}

/** One log line per check: `[fail] Title: detail Fix: …`. */
export function checklistLogLines(
  lines: readonly CheckLine[]
): { status: CheckStatus; text: string }[] {
  return lines.map((l) => ({
    status: l.status,
    text: `[${l.status}] ${l.title}: ${l.detail}${l.fix ? ` Fix: ${l.fix}` : ''}`
  }))
}
