/** Why `root`/dist/ may not be the bundle of `root`/src/, or undefined when it is. */
export function staleBundleProblem(root?: string): string | undefined
export default function freshBundle(globalConfig?: { rootDir: string }): void
