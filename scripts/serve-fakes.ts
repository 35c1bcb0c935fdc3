// Keeps the loopback fake AWS (with the sample account) running, for the CI job that
// runs the action with `uses: ./`. Writes AWS_ENDPOINT_URL to the file named by --env-file.
import { writeFile } from 'node:fs/promises'
import { FakeAws } from '../test/support/fake-aws.js'
import { sampleAccount } from '../test/support/sample-account.js'

const envFileFlag = process.argv.indexOf('--env-file')
const envFile = envFileFlag >= 0 ? process.argv[envFileFlag + 1] : undefined
const aws = new FakeAws(sampleAccount())
const endpoint = await aws.start()
const line = `AWS_ENDPOINT_URL=${endpoint}\n`
if (envFile) await writeFile(envFile, line)
else process.stdout.write(line)

const stop = async (): Promise<void> => {
  await aws.stop()
  process.exit(0)
}
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
