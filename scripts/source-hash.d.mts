/** sha256 over every file of `root`/src/ (default: this repository): its path, then its bytes. */
export function sourceHash(root?: string): string
