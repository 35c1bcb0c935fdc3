// The inputs of action: rotate: the rotation map's file, which keys rotate, the delivery token
// and the cutover's timing. The map is read from the workspace (the checked-out repository), so
// what it says was reviewed by pull request.
import { readFileSync } from 'node:fs'
import type { RotateOn, RotationSettings } from '../domain/rotation.js'
import type { RemediationAction } from '../domain/types.js'
import { errorMessage } from '../kit/errors.js'
import type { InputGetter, Reader } from './reader.js'
import { needsGitHubToken, parseRotationMap } from './rotation-map.js'
import { linkedOutProblem, workspaceFile } from './workspace-path.js'

function readMapFile(r: Reader, path: string, env: NodeJS.ProcessEnv) {
  const file = workspaceFile(path, env)
  if (file.kind === 'outside') {
    r.problems.push(
      `'rotation-config' must be a path inside the repository (the workspace); got '${path}'.`
    )
    return undefined
  }
  if (file.kind === 'linked-out') {
    r.problems.push(linkedOutProblem('rotation-config', path, file.target))
    return undefined
  }
  let text: string
  try {
    text = readFileSync(file.full, 'utf8')
  } catch (error) {
    r.problems.push(
      `'rotation-config' (${path}) could not be read: ${errorMessage(error)}. Check the path, and that the job checks the repository out (actions/checkout) before this step.`
    )
    return undefined
  }
  const parsed = parseRotationMap(text, path)
  if (!parsed.ok) {
    r.problems.push(...parsed.problems)
    return undefined
  }
  return parsed.map
}

/** The rotation settings under action: rotate, else undefined (and the rotation inputs unused). */
export function readRotation(
  r: Reader,
  get: InputGetter,
  env: NodeJS.ProcessEnv,
  action: RemediationAction
): RotationSettings | undefined {
  const rotateOn = r.oneOf<RotateOn>('rotate-on', ['due-soon', 'overdue'])
  const cutoverIdleHours = r.wholeNumber('cutover-idle-hours', 1, 24 * 90)
  const cutoverTimeoutDays = r.wholeNumber('cutover-timeout-days', 1, 365)
  // The token never goes into an error message, so it is read outside the Reader.
  const deliveryToken = get('delivery-token').trim()
  const path = r.raw('rotation-config')
  if (action !== 'rotate') {
    if (path !== '')
      r.problems.push(
        "'rotation-config' is only used with action rotate: set action: rotate, or remove it."
      )
    return undefined
  }
  if (path === '') {
    r.problems.push(
      "'action' rotate needs 'rotation-config': the path of the rotation map in this repository (see docs/rotation.md)."
    )
    return undefined
  }
  const map = readMapFile(r, path, env)
  if (!map) return undefined
  if (deliveryToken === '' && needsGitHubToken(map)) {
    r.problems.push(
      `'delivery-token' is empty, but ${path} sends keys to GitHub secrets: set it to a GitHub App installation token (actions/create-github-app-token) or a fine-grained token with secrets: write on those repositories; the job's GITHUB_TOKEN cannot write them.`
    )
  }
  return { map, rotateOn, deliveryToken, cutoverIdleHours, cutoverTimeoutDays }
}
