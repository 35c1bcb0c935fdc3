// Removes the jest run's temporary root, with every run directory and report under it.
import { rmSync } from 'node:fs'

export default function globalTeardown() {
  const root = process.env.IAM_KEY_SENTINEL_TEST_TEMP_ROOT
  if (root) rmSync(root, { recursive: true, force: true })
}
