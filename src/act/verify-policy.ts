// The check after writing an inline policy (a user's or a role's): read it back, waiting for IAM
// to settle, until it is the document written; a policy not yet visible is read again.
import { readUntilSettled, type SettleOptions } from '../kit/retry.js'

export async function verifyPolicy(
  read: () => Promise<string | undefined>,
  document: string,
  settle: SettleOptions
): Promise<void> {
  const result = await readUntilSettled(
    async () => {
      const stored = await read()
      return stored === undefined ? undefined : JSON.stringify(JSON.parse(stored))
    },
    (stored) => stored === document,
    settle
  )
  if (!result.settled) throw new Error('the stored policy differs from the one written')
}

/** The latest aws:TokenIssueTime cutoff a revoke-older-sessions document denies before, if any. */
export function denyCutoff(document: string): string | undefined {
  try {
    const parsed = JSON.parse(document) as { Statement?: unknown }
    const statements = Array.isArray(parsed.Statement) ? parsed.Statement : [parsed.Statement]
    const cutoffs = statements.flatMap((s: unknown) => {
      const statement = s as {
        Effect?: unknown
        Condition?: { DateLessThan?: Record<string, unknown> }
      }
      const at = statement?.Condition?.DateLessThan?.['aws:TokenIssueTime']
      return statement?.Effect === 'Deny' && typeof at === 'string' && !Number.isNaN(Date.parse(at))
        ? [new Date(at).toISOString()]
        : []
    })
    return cutoffs.sort().at(-1)
  } catch {
    return undefined
  }
}
