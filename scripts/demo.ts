// `npm run demo`: the action's main job on the built-in sample account, no AWS account needed.
// Starts the loopback fake AWS and GitHub, runs dist/index.js through OIDC exactly as a
// runner would, then prints the job summary and where the JSON report is.
import { existsSync } from 'node:fs'
import { FakeAws } from '../test/support/fake-aws.js'
import { FakeGitHub } from '../test/support/fake-github.js'
import { ACTION_ENTRY, runAction } from '../test/support/run-action.js'
import { SAMPLE_INPUTS, sampleAccount } from '../test/support/sample-account.js'

if (!existsSync(ACTION_ENTRY)) {
  console.error(`${ACTION_ENTRY} is missing: run 'npm run package' first.`)
  process.exit(1)
}

const aws = new FakeAws(sampleAccount())
const github = new FakeGitHub()
const [awsEndpoint, githubUrl] = await Promise.all([aws.start(), github.start()])
try {
  const result = await runAction({
    inputs: SAMPLE_INPUTS,
    awsEndpoint,
    githubUrl,
    oidcUrl: github.oidcUrl(),
    oidcRequestToken: github.idTokenRequestToken
  })
  const failure = /^::error::(.*)$/m.exec(result.stdout)?.[1]
  console.log('─'.repeat(80))
  console.log('Job summary (GITHUB_STEP_SUMMARY):')
  console.log('─'.repeat(80))
  console.log(result.summary.trim() || '(empty: see the log below)')
  console.log('─'.repeat(80))
  console.log(
    `AWS calls made: ${aws.calls.length} (${[...new Set(aws.calls.map((c) => c.action))].join(', ')})`
  )
  console.log(`JSON report: ${result.outputs['report-path'] ?? '(none)'}`)
  console.log(
    `Outputs: overdue-count=${result.outputs['overdue-count']} due-soon-count=${result.outputs['due-soon-count']} unused-count=${result.outputs['unused-count']}`
  )
  console.log(
    failure
      ? `The step would fail (fail-on: overdue): ${failure.replace(/%0A/g, ' ')}`
      : 'The step would pass.'
  )
  if (!result.outputs['report-path']) {
    console.error(result.stdout, result.stderr)
    process.exitCode = 1
  }
} finally {
  await Promise.all([aws.stop(), github.stop()])
}
