// Shared set-up of the e2e tests: the loopback fakes, a runner-like run of dist/index.js
// through OIDC, and a simulated clock for the fake account.
import { readFile } from 'node:fs/promises'
import { FakeAws, type FakeAccount, type FakeAwsOptions } from './fake-aws/index.js'
import { FakeGitHub } from './fake-github/index.js'
import { runAction, type RunOptions, type RunResult } from './run-action.js'
import { SAMPLE_INPUTS, sampleAccount } from './sample-account.js'

const DAY = 86_400_000

export interface Fakes {
  aws: FakeAws
  github: FakeGitHub
  /** The fake AWS's URL (AWS_ENDPOINT_URL of every run). */
  awsEndpoint: string
  /** Runs the action through OIDC with the sample inputs plus `inputs`. */
  run(inputs?: Record<string, string>, options?: Partial<RunOptions>): Promise<RunResult>
  stop(): Promise<void>
}

export async function startFakes(
  accounts: FakeAccount | FakeAccount[] = sampleAccount(),
  options: FakeAwsOptions = {},
  githubOptions: ConstructorParameters<typeof FakeGitHub>[0] = {}
): Promise<Fakes> {
  const aws = new FakeAws(accounts, options)
  // The repository run-action.ts names in GITHUB_REPOSITORY.
  const github = new FakeGitHub({ owner: 'acme', repo: 'security', ...githubOptions })
  const [awsEndpoint, githubUrl] = await Promise.all([aws.start(), github.start()])
  return {
    aws,
    github,
    awsEndpoint,
    run: (inputs = {}, runOptions = {}) =>
      runAction({
        awsEndpoint,
        githubUrl,
        oidcUrl: github.oidcUrl(),
        oidcRequestToken: github.idTokenRequestToken,
        // The job's GITHUB_TOKEN is one the fake GitHub accepts, as on a runner.
        githubToken: github.token,
        ...runOptions,
        inputs: { ...SAMPLE_INPUTS, ...inputs, ...runOptions.inputs }
      }),
    stop: async () => {
      await Promise.all([aws.stop(), github.stop()])
    }
  }
}

export interface ReportFile {
  accountId: string
  keys: { userName: string; accessKeyId: string; class: string; status: string }[]
  remediation?: { changes: ChangeRecordJson[]; holds: { accessKeyId: string; reason: string }[] }
  [key: string]: unknown
}

export interface ChangeRecordJson {
  kind: 'deactivate' | 'delete'
  userName: string
  accessKeyId: string
  result: string
  detail?: string
  before: { status: string; createDate: string }
  after?: { status: string }
  at: string
  undo?: string
}

export async function readReport(result: RunResult): Promise<ReportFile> {
  const path = result.outputs['report-path']
  if (!path) throw new Error(`no report-path output; log:\n${result.stdout}\n${result.stderr}`)
  return JSON.parse(await readFile(path, 'utf8')) as ReportFile
}

/**
 * Time passes for the fake account: every date it holds moves `days` into the past,
 * including the deactivation dates the action records in user tags.
 */
export function advanceClock(account: FakeAccount, days: number): void {
  const back = (d: Date): Date => new Date(d.getTime() - days * DAY)
  for (const user of account.users) {
    for (const key of user.keys) {
      key.createDate = back(key.createDate)
      if (key.lastUsed) key.lastUsed.date = back(key.lastUsed.date)
    }
    // The action's records (deactivation dates, rotation steps, claims) age with the keys.
    for (const [tag, value] of Object.entries(user.tags ?? {})) {
      if (tag.startsWith('iam-key-sentinel:') && user.tags) {
        user.tags[tag] = value.replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, (iso) =>
          back(new Date(iso)).toISOString()
        )
      }
    }
  }
}

export function keyStatus(account: FakeAccount, accessKeyId: string): string {
  for (const user of account.users) {
    const key = user.keys.find((k) => k.accessKeyId === accessKeyId)
    if (key) return key.status
  }
  return 'Deleted'
}
