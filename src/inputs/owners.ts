// owners-config and the reminder ladder's inputs. The owners file is read from the workspace
// (the checked-out repository) only, so what it names went through that repository's review.
import { readFileSync } from 'node:fs'
import type { OwnersConfig } from '../domain/owners.js'
import type { ReminderSettings } from '../domain/reminders.js'
import { errorMessage } from '../kit/errors.js'
import { parseOwnersFile } from './owners-file.js'
import { splitList, type Reader } from './reader.js'
import { linkedOutProblem, workspaceFile } from './workspace-path.js'

export type ReadText = (path: string) => string

export const readTextFile: ReadText = (path) => readFileSync(path, 'utf8')

export function readOwnersConfig(
  r: Reader,
  env: NodeJS.ProcessEnv,
  readText: ReadText
): OwnersConfig | undefined {
  const path = r.raw('owners-config')
  if (path === '') return undefined
  const file = workspaceFile(path, env)
  if (file.kind === 'linked-out') {
    r.problems.push(linkedOutProblem('owners-config', path, file.target))
    return undefined
  }
  if (file.kind === 'outside') {
    r.problems.push(
      `'owners-config' must be a path inside the repository (relative to GITHUB_WORKSPACE), such as .github/iam-owners.yml; got '${path}'.`
    )
    return undefined
  }
  let source: string
  try {
    source = readText(file.full)
  } catch (error) {
    r.problems.push(
      `'owners-config': cannot read ${path} in the workspace (${errorMessage(error)}); check out the repository first (actions/checkout) or fix the path.`
    )
    return undefined
  }
  const parsed = parseOwnersFile(source, path)
  if ('config' in parsed) return parsed.config
  r.problems.push(...parsed.problems)
  return undefined
}

export function readReminders(r: Reader): ReminderSettings {
  const raw = r.raw('reminder-days')
  const daysBefore: number[] = []
  if (raw.toLowerCase() !== 'none') {
    for (const item of splitList(raw)) {
      const n = Number(item)
      if (!/^\d+$/.test(item) || n < 1 || n > 365) {
        r.problems.push(
          `'reminder-days' entries must be whole numbers of days before the deadline, 1 to 365, such as 14,7,1 (or none); got '${item}'.`
        )
      } else if (!daysBefore.includes(n)) daysBefore.push(n)
    }
  }
  return {
    daysBefore: daysBefore.sort((a, b) => b - a),
    everyDays: r.wholeNumber('reminder-every-days', 0, 365),
    escalateAfterDays: r.wholeNumber('escalate-after-days', 0, 3650)
  }
}
