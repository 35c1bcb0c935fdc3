// Where the test runs put their temporary directories: under one root per jest run, which
// test/support/global-setup.js creates and removes, so runs leave nothing in the OS temp dir
// however a test ends. Outside jest (scripts) the OS temp dir, and the caller removes its dirs.
import { tmpdir } from 'node:os'

const TEMP_ROOT_VARIABLE = 'IAM_KEY_SENTINEL_TEST_TEMP_ROOT'

export function tempRoot(): string {
  return process.env[TEMP_ROOT_VARIABLE] || tmpdir()
}
