// Keeps the loopback fakes running for runs of the action outside jest: the CI job that runs it
// with `uses: ./`, and `.ci/run`'s @github/local-action runs. The fake AWS holds the sample
// account, which is also the management account of a small sample organization, so both an
// audit and a list-accounts run work with the static fake credentials. With --github, the fake
// GitHub serves the Actions OIDC token endpoint and the REST API too.
//
//   npm run serve-fakes -- --env-file F [--github]
//
// writes the variables a run needs (AWS_ENDPOINT_URL, and with --github the OIDC and API
// variables) to F as KEY=value lines, or to stdout without --env-file. The npm script ends
// node's own options with `--`: Node 20 reads `--env-file` anywhere on its command line, even
// after the script, and exits 9 when the file does not exist yet.
import { writeFile } from 'node:fs/promises'
import { parseArgs } from 'node:util'
import { FakeAws, type FakeOrganization } from '../test/support/fake-aws/index.js'
import { FakeGitHub } from '../test/support/fake-github/index.js'
import { SAMPLE_ACCOUNT_ID, sampleAccount } from '../test/support/sample-account.js'

const args = process.argv.slice(2)
const { values } = parseArgs({
  args: args[0] === '--' ? args.slice(1) : args,
  options: { 'env-file': { type: 'string' }, github: { type: 'boolean', default: false } }
})

const ROOT = 'r-sa12'
/** The sample account manages an organization of itself and two member accounts. */
const SAMPLE_ORGANIZATION: FakeOrganization = {
  id: 'o-sample1234',
  managementAccountId: SAMPLE_ACCOUNT_ID,
  rootId: ROOT,
  units: [{ id: 'ou-sa12-workload', name: 'Workloads', parentId: ROOT }],
  accounts: [
    { accountId: SAMPLE_ACCOUNT_ID, name: 'Sample management', parentId: ROOT },
    { accountId: '444455556666', name: 'Sample prod', parentId: 'ou-sa12-workload' },
    { accountId: '777788889999', name: 'Sample dev', parentId: 'ou-sa12-workload' }
  ]
}

const aws = new FakeAws(sampleAccount(), { organization: SAMPLE_ORGANIZATION })
const github = values.github ? new FakeGitHub({ owner: 'acme', repo: 'security' }) : undefined
const lines = [`AWS_ENDPOINT_URL=${await aws.start()}`]
if (github) {
  const apiUrl = await github.start()
  lines.push(
    `GITHUB_API_URL=${apiUrl}`,
    `ACTIONS_ID_TOKEN_REQUEST_URL=${github.oidcUrl()}`,
    `ACTIONS_ID_TOKEN_REQUEST_TOKEN=${github.idTokenRequestToken}`,
    `FAKE_GITHUB_TOKEN=${github.token}`
  )
}
const text = `${lines.join('\n')}\n`
const envFile = values['env-file']
if (envFile) await writeFile(envFile, text)
else process.stdout.write(text)

const stop = async (): Promise<void> => {
  await Promise.all([aws.stop(), github?.stop()])
  process.exit(0)
}
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
