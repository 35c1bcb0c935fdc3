// Reviewed files (owners-config, rotation-config) are read from the checked-out repository only:
// a path that leaves the workspace could name a file no pull request reviewed. The path is
// checked as written (no absolute path, no `..`), then as the file system resolves it: a symbolic
// link in the checkout (or a linked folder on the way) that points out of the workspace is
// refused too, since the file it reaches is not the one the pull request showed.
import { realpathSync } from 'node:fs'
import { isAbsolute, relative, resolve, sep } from 'node:path'

export type WorkspaceFile =
  /** Inside the workspace; `full` is the resolved path to read. */
  | { kind: 'inside'; full: string }
  /** Absolute, or `..` out of the workspace, as written. */
  | { kind: 'outside' }
  /** Inside as written, but a symbolic link on the way resolves to `target`, outside. */
  | { kind: 'linked-out'; target: string }

function within(root: string, path: string): boolean {
  const inside = relative(root, path)
  return inside !== '..' && !inside.startsWith(`..${sep}`) && !isAbsolute(inside)
}

/** The real path, or `path` itself when it does not exist (its read then says so). */
function real(path: string): string {
  try {
    return realpathSync(path)
  } catch {
    return path
  }
}

/** Where `path` (relative to GITHUB_WORKSPACE) really is, and whether that is in the workspace. */
export function workspaceFile(path: string, env: NodeJS.ProcessEnv): WorkspaceFile {
  const workspace = resolve(env.GITHUB_WORKSPACE || process.cwd())
  const full = resolve(workspace, path)
  if (isAbsolute(path) || !within(workspace, full)) return { kind: 'outside' }
  const target = real(full)
  return within(real(workspace), target)
    ? { kind: 'inside', full: target }
    : { kind: 'linked-out', target }
}

/** The problem of a reviewed file's input whose symbolic link leaves the workspace. */
export function linkedOutProblem(input: string, path: string, target: string): string {
  return `'${input}' (${path}) is a symbolic link to ${target}, outside the workspace: a file outside the checkout was never reviewed. Commit the file itself into the repository instead of a link, or point '${input}' at a file inside the checkout.`
}
