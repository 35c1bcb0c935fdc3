// The hidden marker that ties an issue to one key of one account. Issues are found by it,
// never by title; values are escaped elsewhere, so nothing in a body can forge or close it.

const KEY_MARKER = /<!-- iam-key-sentinel key=([A-Z0-9]{16,128}) account=(\d{12}) -->/
const ROLLUP_MARKER = /<!-- iam-key-sentinel rollup account=(\d{12}) -->/

export function keyMarker(accountId: string, accessKeyId: string): string {
  return `<!-- iam-key-sentinel key=${accessKeyId} account=${accountId} -->`
}

export function rollupMarker(accountId: string): string {
  return `<!-- iam-key-sentinel rollup account=${accountId} -->`
}

export type ParsedMarker =
  { kind: 'key'; accessKeyId: string; accountId: string } | { kind: 'rollup'; accountId: string }

/** The marker must open the body: text further down could only come from escaped values. */
export function parseMarker(body: string | null | undefined): ParsedMarker | undefined {
  const firstLine = (body ?? '').split('\n', 1)[0] ?? ''
  const key = KEY_MARKER.exec(firstLine)
  if (key) return { kind: 'key', accessKeyId: key[1] as string, accountId: key[2] as string }
  const rollup = ROLLUP_MARKER.exec(firstLine)
  return rollup ? { kind: 'rollup', accountId: rollup[1] as string } : undefined
}

/** The dashboard of one account, or of the organization's fleet (the aggregate's). */
export type DashboardScope = { kind: 'account'; accountId: string } | { kind: 'organization' }

export function dashboardMarker(scope: DashboardScope): string {
  return scope.kind === 'account'
    ? `<!-- iam-key-sentinel dashboard account=${scope.accountId} -->`
    : '<!-- iam-key-sentinel dashboard organization -->'
}

/** Whether the body opens with this scope's dashboard marker. */
export function isDashboardOf(body: string | null | undefined, scope: DashboardScope): boolean {
  return (body ?? '').split('\n', 1)[0] === dashboardMarker(scope)
}
