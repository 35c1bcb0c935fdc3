// Day arithmetic shared by classification, planning and rendering.

export const DAY_MS = 86_400_000

/** Whole days elapsed, as AWS Config's access-keys-rotated rule counts them. */
export function wholeDays(from: Date, now: Date): number {
  return Math.floor((now.getTime() - from.getTime()) / DAY_MS)
}

export function addDays(date: Date, days: number): Date {
  return new Date(date.getTime() + days * DAY_MS)
}

/** YYYY-MM-DD in UTC. */
export function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10)
}
