// The one wait. Everything that waits takes a Sleep, so unit tests pass one that returns at once
// (or moves a fake clock) and no test depends on real time.

export type Sleep = (ms: number) => Promise<void>

export const sleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))
