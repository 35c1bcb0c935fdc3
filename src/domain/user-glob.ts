// IAM user-name globs, as exclude-users and the owners file write them.

/** Glob with '*' and '?' only, anchored; case-insensitive because IAM user names are unique regardless of case. */
export function globToRegExp(glob: string): RegExp {
  const body = glob
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('')
  return new RegExp(`^${body}$`, 'i')
}
