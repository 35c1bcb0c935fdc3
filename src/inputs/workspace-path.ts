// Reviewed files (owners-config, rotation-config) are read from the checked-out repository only:
// a path that leaves the workspace could name a file no pull request reviewed.
import { isAbsolute, relative, resolve } from 'node:path'

/** The full path of `path` inside the workspace, or undefined when it points outside it. */
export function workspacePath(path: string, env: NodeJS.ProcessEnv): string | undefined {
  const workspace = resolve(env.GITHUB_WORKSPACE || process.cwd())
  const full = resolve(workspace, path)
  const inside = relative(workspace, full)
  return isAbsolute(path) || inside.startsWith('..') || isAbsolute(inside) ? undefined : full
}
