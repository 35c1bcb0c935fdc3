export declare const CLOCK_OFFSET_VARIABLE: string
export declare function shiftClock(offsetMs: number): () => void
export declare function startClockAt(instant: number): {
  restore: () => void
  env: Record<string, string>
}
