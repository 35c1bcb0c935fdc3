// Gets a current credential report: GenerateCredentialReport until it is COMPLETE (AWS reuses a
// report for 4 hours, so usually at once), then GetCredentialReport. Two calls when a report is
// ready, three when it completes within the first wait. A report older than those 4 hours is
// not current: it is refused (StaleReportError), never silently trusted.
import type { IamClient } from '../../aws/clients.js'
import { generateCredentialReport, getCredentialReport } from '../../aws/iam-read.js'
import { ActionError, hasAwsCode, wrapAwsError } from '../../kit/errors.js'
import { sleep as realSleep, type Sleep } from '../../kit/sleep.js'

export interface ReportFetchOptions {
  /** Give up waiting for the report after this long; default 5 minutes. */
  maxWaitMs?: number
  /**
   * First wait between polls, doubled each time up to `maxDelayMs` (default 0.5 s and 1 s: a poll
   * is one cheap call, and every moment a ready report goes unseen delays the whole scan).
   */
  firstDelayMs?: number
  maxDelayMs?: number
  sleep?: Sleep
  clock?: () => number
  /** The audit's time, which the report's age is judged at; default now. */
  at?: Date
  /** Stops waiting (the API walk finished first, so the report is no longer needed). */
  signal?: AbortSignal
}

/** AWS regenerates a report older than this on GenerateCredentialReport, reusing a younger one. */
const REPORT_REUSE_WINDOW_MS = 4 * 3_600_000

/** The report served is older than AWS's reuse window: its data is not current. */
export class StaleReportError extends ActionError {
  constructor(readonly generatedAt: Date) {
    super(
      `The credential report was generated at ${generatedAt.toISOString()}, more than 4 hours ago ` +
        '(AWS regenerates older reports), so it was not trusted.'
    )
    this.name = 'StaleReportError'
  }
}

/** The wait was cut short by the caller's signal. */
export class ReportAbandoned extends Error {
  constructor() {
    super('The credential report was no longer needed.')
    this.name = 'ReportAbandoned'
  }
}

export interface FetchedReport {
  content: Uint8Array
  generatedAt: Date
}

const GENERATE = 'Generating the credential report (iam:GenerateCredentialReport)'
const GET = 'Reading the credential report (iam:GetCredentialReport)'
/** A report that vanishes between Generate and Get this often is not coming. */
const MAX_REGENERATIONS = 3

type Generated = 'ready' | 'wait'
type Got = FetchedReport | 'wait' | 'gone'

async function generate(iam: IamClient): Promise<Generated> {
  try {
    return (await generateCredentialReport(iam)) ? 'ready' : 'wait'
  } catch (error) {
    // Too many generation requests: the one under way finishes in its own time.
    if (hasAwsCode(error, 'LimitExceeded')) return 'wait'
    throw wrapAwsError(GENERATE, 'iam:GenerateCredentialReport', error)
  }
}

async function get(iam: IamClient): Promise<Got> {
  try {
    const { format, content, generatedAt } = await getCredentialReport(iam)
    if (format !== undefined && format !== 'text/csv') {
      throw new ActionError(`${GET} returned the format ${format}, not text/csv.`)
    }
    if (!content?.length) throw new ActionError(`${GET} returned no content.`)
    return { content, generatedAt: generatedAt ?? new Date() }
  } catch (error) {
    if (error instanceof ActionError) throw error
    if (hasAwsCode(error, 'ReportInProgress', 'CredentialReportNotReady')) return 'wait'
    if (
      hasAwsCode(
        error,
        'ReportNotPresent',
        'ReportExpired',
        'CredentialReportNotPresent',
        'CredentialReportExpired'
      )
    ) {
      return 'gone'
    }
    throw wrapAwsError(GET, 'iam:GetCredentialReport', error)
  }
}

export async function fetchCredentialReport(
  iam: IamClient,
  options: ReportFetchOptions = {}
): Promise<FetchedReport> {
  const sleep = options.sleep ?? realSleep
  const clock = options.clock ?? Date.now
  const maxDelay = options.maxDelayMs ?? 1_000
  const deadline = clock() + (options.maxWaitMs ?? 300_000)
  let delay = options.firstDelayMs ?? 500
  let regenerations = 0
  const { signal } = options
  const abandoned = new Promise<never>((_, reject) => {
    if (signal?.aborted) reject(new ReportAbandoned())
    signal?.addEventListener('abort', () => reject(new ReportAbandoned()), { once: true })
  })
  abandoned.catch(() => undefined)
  const wait = async (): Promise<void> => {
    if (clock() + delay > deadline) {
      throw new ActionError(
        `The credential report was not ready after ${Math.round((options.maxWaitMs ?? 300_000) / 1000)} s.`
      )
    }
    await Promise.race([sleep(delay), abandoned])
    delay = Math.min(delay * 2, maxDelay)
  }
  for (;;) {
    if (signal?.aborted) throw new ReportAbandoned()
    if ((await generate(iam)) === 'wait') {
      await wait()
      continue
    }
    const got = await get(iam)
    if (got === 'wait') await wait()
    else if (got === 'gone') {
      if (++regenerations > MAX_REGENERATIONS) {
        throw new ActionError(`${GET} kept answering that no report is present.`)
      }
    } else {
      const at = options.at ?? new Date()
      if (at.getTime() - got.generatedAt.getTime() > REPORT_REUSE_WINDOW_MS) {
        throw new StaleReportError(got.generatedAt)
      }
      return got
    }
  }
}
