// `npm run demo`: the action's main job on the built-in sample account, no AWS account needed.
// Starts the loopback fake AWS and GitHub, runs dist/index.js through OIDC exactly as a
// runner would, then prints the job summary and where the JSON report is.
import { existsSync } from 'node:fs'
import { startFakes } from '../test/support/harness.js'
import { ACTION_ENTRY } from '../test/support/run-action.js'

if (!existsSync(ACTION_ENTRY)) {
  console.error(`${ACTION_ENTRY} is missing: run 'npm run package' first.`)
  process.exit(1)
}

// Every action.yml default applies, as on a runner, so the issues channel writes to the fake
// GitHub's acme/security repository with the job's token.
const fakes = await startFakes()
const { aws, github } = fakes
try {
  const result = await fakes.run()
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
    `GitHub issues in the fake acme/security: ${
      github.issues
        .filter((i) => !i.pull_request)
        .map((i) => `#${i.number} ${i.title}`)
        .join('; ') || 'none'
    }`
  )
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
  await fakes.stop()
}
