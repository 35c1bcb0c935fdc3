// One temporary root for the whole jest run (test/support/temp-root.ts): created before the
// workers start, so they inherit its variable, and removed by global-teardown.js.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export default function globalSetup() {
  process.env.IAM_KEY_SENTINEL_TEST_TEMP_ROOT = mkdtempSync(
    join(tmpdir(), 'iam-key-sentinel-tests-')
  )
}
