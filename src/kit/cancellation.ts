// A cancelled job: the runner sends SIGINT, then SIGTERM a few seconds later, then kills the
// process. On the first signal no new change starts; what was done is written (summary, outputs,
// JSON report) by the job, or by the finalizer when the job does not finish within the grace.
import type { Log } from './log.js'

/** Within the ~7.5 s GitHub's runner waits between SIGINT and SIGTERM (and 2.5 s before the kill). */
const CANCEL_GRACE_MS = 4000

let received: NodeJS.Signals | undefined
let finalizer: (() => Promise<unknown>) | undefined

/** The signal that cancelled the job, once one has arrived. */
export function cancelledBy(): NodeJS.Signals | undefined {
  return received
}

/**
 * What to write if the job is cancelled while it has done something: set once changes may
 * start, so a cancel before that (nothing done) simply ends the process.
 */
export function setFinalizer(write: (() => Promise<unknown>) | undefined): void {
  finalizer = write
}

/** `fail` marks the step failed (core.setFailed on a runner); `log` takes the warnings. */
export function watchCancellation(options: {
  log: Log
  fail: (message: string) => void
  graceMs?: number
  exit?: (code: number) => void
}): void {
  const { log, fail } = options
  const exit = options.exit ?? ((code: number) => process.exit(code))
  const onSignal = (signal: NodeJS.Signals): void => {
    if (received) return
    received = signal
    if (!finalizer) {
      fail(`The job was cancelled (${signal}) before any change was made.`)
      exit(1)
      return
    }
    log.warning(
      `Received ${signal}: no new change will start; writing the summary, outputs and report of what was done.`
    )
    // Backstop: a job stuck in a call still leaves its record before the runner kills it.
    setTimeout(() => {
      const write = finalizer ?? (() => Promise.resolve())
      void write()
        .catch((error: unknown) => log.error(`Writing the record failed: ${String(error)}`))
        .finally(() => {
          fail(`The job was cancelled (${signal}); the record of what was done is written.`)
          exit(1)
        })
    }, options.graceMs ?? CANCEL_GRACE_MS).unref()
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
}
