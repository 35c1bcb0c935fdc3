// Every e2e and integration test (jest.config.js's setupFilesAfterEnv) fails when a fake GitHub it
// started saw an exchange that GitHub's published API description refuses: a request the action
// should not have sent, or an answer the fake should not have given (fake-github/openapi.ts).
// A test that sends a wrong request on purpose takes its violations with `takeViolations()`.
import { afterAll, afterEach } from '@jest/globals'
import { formatViolation, takeApiViolations } from './fake-github/index.js'

/** Throws, listing them, when any fake GitHub saw violations since the last check. */
export function assertNoApiViolations(): void {
  const found = takeApiViolations()
  if (found.length === 0) return
  throw new Error(
    `The fake GitHub saw ${found.length} difference(s) from GitHub's OpenAPI description ` +
      `(@octokit/openapi, api.github.com):\n${found.map((v) => `  - ${formatViolation(v)}`).join('\n')}`
  )
}

afterEach(assertNoApiViolations)
// What a beforeAll or afterAll hook sent after the last test.
afterAll(assertNoApiViolations)
