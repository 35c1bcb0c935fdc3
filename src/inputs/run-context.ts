// Facts about the workflow run, from the variables every runner sets.

export interface RunContext {
  repository: string
  runId: string
  runAttempt: string
  /** Link to this run, for notifications and issues. */
  runUrl: string
}

export function runContext(env: NodeJS.ProcessEnv = process.env): RunContext {
  const server = env.GITHUB_SERVER_URL || 'https://github.com'
  const repository = env.GITHUB_REPOSITORY || 'unknown/unknown'
  const runId = env.GITHUB_RUN_ID || '0'
  const runAttempt = env.GITHUB_RUN_ATTEMPT || '1'
  return {
    repository,
    runId,
    runAttempt,
    runUrl: `${server}/${repository}/actions/runs/${runId}${runAttempt !== '1' ? `/attempts/${runAttempt}` : ''}`
  }
}
