// Shared by the rotation-issue e2e tests: fakes with a small page size (so listing really
// paginates) and the sample collaborators, a run with a token, and finding issues by marker.
import type { FakeAccount } from './fake-aws/index.js'
import type { FakeIssue } from './fake-github/index.js'
import { startFakes, type Fakes } from './harness.js'
import { SAMPLE_COLLABORATORS } from './sample-account.js'

export function startIssueFakes(
  accounts: FakeAccount | FakeAccount[],
  github: { tokenLogin?: string } = {}
): Promise<Fakes> {
  return startFakes(
    accounts,
    {},
    { collaborators: SAMPLE_COLLABORATORS, pageSize: 2, maxPerPage: 2, ...github }
  )
}

export function issueRun(f: Fakes, inputs: Record<string, string> = {}) {
  return f.run({ 'github-token': f.github.token, 'fail-on': 'never', ...inputs })
}

/** The key ID in an issue's marker, as the action writes it. */
export function markerKey(issue: FakeIssue): string | undefined {
  return /<!-- iam-key-sentinel key=(\w+) account=(\d+) -->/.exec(issue.body ?? '')?.[1]
}

export function issueFor(f: Fakes, keyId: string): FakeIssue | undefined {
  return f.github.issues.find((i) => markerKey(i) === keyId)
}
