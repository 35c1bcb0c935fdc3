export declare function startClockAt(instant: number): {
  restore: () => void
  env: Record<string, string>
}
