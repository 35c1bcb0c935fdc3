// The preflight's checklist (mode: check): one line per thing a real run depends on, each with
// what was found and, when it is not right, the fix. Types only, and the verdict over the lines.

/** pass; warn (the run may work, or the check could not tell); fail (the run would not); skip. */
export type CheckStatus = 'pass' | 'warn' | 'fail' | 'skip'

type CheckId =
  | 'identity'
  | 'allowed-account-ids'
  | 'permissions'
  | 'trust-policy'
  | 'sns'
  | 'issues'
  | 'scan-method'

export interface CheckLine {
  id: CheckId
  title: string
  status: CheckStatus
  /** What was found, one or two sentences. */
  detail: string
  /** What to change; set on every warn and fail. */
  fix?: string
  /** A failing line's named parts, e.g. the missing permissions. */
  missing?: string[]
}

export type SimulatedDecision = 'allowed' | 'explicitDeny' | 'implicitDeny'

/** One answer of IAM's policy simulator. */
export interface SimulationResult {
  action: string
  decision: SimulatedDecision
  /** Condition keys the policies test that the simulation had no value for. */
  missingContext: string[]
}

/** The issues-write probe's answer (src/github/issues-probe.ts). */
export type IssuesProbe =
  | { verdict: 'can-write' }
  | {
      verdict: 'denied' | 'not-found' | 'bad-token' | 'unexpected'
      status?: number
      message: string
    }

/** A read that failed: its message, and whether AWS or GitHub said it was not allowed. */
export interface ReadFailure {
  error: string
  denied: boolean
}

/** The credential report's state, as iam:GetCredentialReport answered. */
export type ReportFacts = { generatedAt: Date } | { absent: string } | ReadFailure

/** The reasons the step fails: one per failing line. Warnings never fail it. */
export function checkFailures(lines: readonly CheckLine[]): string[] {
  return lines
    .filter((line) => line.status === 'fail')
    .map((line) => `${line.title}: ${line.detail}${line.fix ? ` Fix: ${line.fix}` : ''}`)
}
