// Whether a token may write issues, found without writing one. GitHub offers no endpoint that
// lists what a GITHUB_TOKEN or fine-grained token may do: GET /repos/{owner}/{repo}'s
// `permissions` is the *user's* role (absent for GITHUB_TOKEN), and x-accepted-github-permissions
// names what an endpoint requires, not what the token holds. So the probe asks for an issue
// without a title: GitHub checks the token's permission first (403 "Resource not accessible by
// integration", 404 for a repository it cannot see) and only then validates the body, answering
// 422 "title wasn't supplied". A 422 therefore means the token may create issues, and nothing is
// created either way.
import type { Octokit, Repo } from './client.js'
import { httpStatus } from './client.js'
import type { IssuesProbe } from '../domain/preflight.js'
import { errorMessage } from '../kit/errors.js'

const PROBE_BODY = 'IAM Key Sentinel preflight: a permission probe without a title, never created.'

export async function probeIssueWrite(octokit: Octokit, repo: Repo): Promise<IssuesProbe> {
  try {
    // No title: GitHub refuses to create it (422) once the token is allowed to.
    // The type wants a title; the probe must not send one. A body (JSON) but no title.
    const params: { owner: string; repo: string; body: string } = { ...repo, body: PROBE_BODY }
    await octokit.request(
      'POST /repos/{owner}/{repo}/issues',
      params as typeof params & { title: string }
    )
    return {
      verdict: 'unexpected',
      message: 'GitHub accepted an issue without a title; report this to the maintainers.'
    }
  } catch (error) {
    const status = httpStatus(error)
    const message = errorMessage(error)
    if (status === 422) return { verdict: 'can-write' }
    if (status === 403) return { verdict: 'denied', status, message }
    if (status === 404) return { verdict: 'not-found', status, message }
    if (status === 401) return { verdict: 'bad-token', status, message }
    return { verdict: 'unexpected', ...(status === undefined ? {} : { status }), message }
  }
}
