// Where progress and warnings go. Stages take a Log instead of importing @actions/core, so only
// delivery (src/deliver/runner.ts) and the jobs touch the runner.
export interface Log {
  debug(message: string): void
  info(message: string): void
  warning(message: string): void
  error(message: string): void
}

/** Masks a secret in every later log line (core.setSecret on a runner). */
export type MaskSecret = (secret: string) => void
