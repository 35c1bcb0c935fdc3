// Runs the built action (dist/index.js) as a child process with the environment a GitHub
// runner gives it, and reads back what it wrote: outputs, job summary, exit code, log.
import { spawn } from 'node:child_process'
import { mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { JOB_TOKEN, runnerInputEnv } from './runner-inputs.js'
import { tempRoot } from './temp-root.js'

export const ACTION_ENTRY = resolve(dirname(fileURLToPath(import.meta.url)), '../../dist/index.js')

export interface RunOptions {
  /** The step's `with:`; every other input gets its action.yml default, as on a runner. */
  inputs?: Record<string, string>
  /** The job's GITHUB_TOKEN, which `${{ github.token }}` defaults resolve to. */
  githubToken?: string
  awsEndpoint: string
  githubUrl?: string
  /** ACTIONS_ID_TOKEN_REQUEST_URL; omit to run as a job without `id-token: write`. */
  oidcUrl?: string
  oidcRequestToken?: string
  event?: unknown
  eventName?: string
  env?: Record<string, string>
  timeoutMs?: number
  /** Sends SIGTERM as soon as this returns true (polled), as a cancelled job would be stopped. */
  terminateWhen?: () => boolean
  /** Called with the whole log so far each time the action writes to it. */
  onStdout?: (stdoutSoFar: string) => void
}

export interface RunResult {
  code: number | null
  stdout: string
  stderr: string
  outputs: Record<string, string>
  summary: string
  /**
   * The runner's temp dir, where the JSON report lands: under the jest run's temporary root,
   * removed when the run ends (test/support/temp-root.ts); outside jest, the caller removes it.
   */
  tempDir: string
}

/** Parses the GITHUB_OUTPUT file format: `name<<DELIM\nvalue\nDELIM` or `name=value`. */
function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? ''
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line)
    if (heredoc) {
      const [, name, delimiter] = heredoc
      const value: string[] = []
      while (++i < lines.length && lines[i] !== delimiter) value.push(lines[i] ?? '')
      outputs[name as string] = value.join('\n')
    } else if (line.includes('=')) {
      outputs[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1)
    }
  }
  return outputs
}

export async function runAction(options: RunOptions): Promise<RunResult> {
  const dir = await mkdtemp(join(tempRoot(), 'iam-key-sentinel-run-'))
  const outputPath = join(dir, 'output')
  const summaryPath = join(dir, 'summary.md')
  const eventPath = join(dir, 'event.json')
  await writeFile(outputPath, '')
  await writeFile(summaryPath, '')
  await writeFile(eventPath, JSON.stringify(options.event ?? {}))

  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? dir,
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    GITHUB_OUTPUT: outputPath,
    GITHUB_STEP_SUMMARY: summaryPath,
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_EVENT_NAME: options.eventName ?? 'schedule',
    GITHUB_REPOSITORY: 'acme/security',
    GITHUB_REPOSITORY_OWNER: 'acme',
    GITHUB_RUN_ID: '1001',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_RUN_NUMBER: '7',
    GITHUB_WORKFLOW: 'IAM key audit',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: options.githubUrl ?? 'http://127.0.0.1:9',
    GITHUB_SHA: '0000000000000000000000000000000000000000',
    GITHUB_REF: 'refs/heads/main',
    RUNNER_TEMP: dir,
    GITHUB_WORKSPACE: dir,
    // The fake answers every signed request; these only let the default chain sign.
    AWS_ENDPOINT_URL: options.awsEndpoint,
    AWS_EC2_METADATA_DISABLED: 'true',
    ...runnerInputEnv(options.inputs ?? {}, { token: options.githubToken ?? JOB_TOKEN }),
    ...(options.oidcUrl
      ? {
          ACTIONS_ID_TOKEN_REQUEST_URL: options.oidcUrl,
          ACTIONS_ID_TOKEN_REQUEST_TOKEN: options.oidcRequestToken ?? 'oidc-request-token'
        }
      : {}),
    ...options.env
  }

  const child = spawn(process.execPath, [ACTION_ENTRY], { env, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString()
    options.onStdout?.(stdout)
  })
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000)
  // Once, as a runner does (a second signal would only hit a process already on its way out).
  const watcher: NodeJS.Timeout | undefined = options.terminateWhen
    ? setInterval(() => {
        if (!options.terminateWhen?.()) return
        child.kill('SIGTERM')
        clearInterval(watcher)
      }, 10)
    : undefined
  const code = await new Promise<number | null>((done) => child.on('close', (c) => done(c)))
  clearTimeout(timer)
  if (watcher) clearInterval(watcher)

  return {
    code,
    stdout,
    stderr,
    outputs: parseOutputFile(await readFile(outputPath, 'utf8')),
    summary: await readFile(summaryPath, 'utf8'),
    tempDir: dir
  }
}
