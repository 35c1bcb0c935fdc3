// The note at the top of a cancelled job's summary.

export function renderCancelNote(signal: string | undefined): string {
  return signal
    ? `> [!WARNING]\n> The job was cancelled (${signal}): no change was started after it, and CloudTrail activity, issues and notifications were skipped to write this record in time.`
    : ''
}
