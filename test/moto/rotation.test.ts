// The rotation against moto's IAM and Secrets Manager: create, deliver (read back as a consumer
// would, with GetSecretValue), the consumer's first call with the new key (moto records its last
// use from the signature), the old key deactivated, then deleted after the grace period; and a
// delivery to a secret that does not exist leaves no orphan key.
import { afterAll, beforeAll, expect, it } from '@jest/globals'
import { mkdtemp, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { IAMClient, ListUsersCommand, TagUserCommand } from '@aws-sdk/client-iam'
import {
  CreateSecretCommand,
  GetSecretValueCommand,
  SecretsManagerClient
} from '@aws-sdk/client-secrets-manager'
import { FakeGitHub } from '../support/fake-github/index.js'
import { MOTO_ACCOUNT_ID, MOTO_CREDENTIALS, startMoto, type Moto } from '../support/moto.js'
import { keyStatuses, userTags, usersWithOldKeys } from '../support/moto-iam.js'
import { runAction, type RunResult } from '../support/run-action.js'
import { tempRoot } from '../support/temp-root.js'

const REGION = 'us-east-1'
const MAP = `users:
  batch-job:
    secrets-manager:
      secret-id: batch/aws-key
  broken:
    secrets-manager:
      secret-id: missing/secret
`
let moto: Moto
let github: FakeGitHub
let workspace: string
const clients: { destroy(): void }[] = []

beforeAll(async () => {
  github = new FakeGitHub({ owner: 'acme', repo: 'security' })
  await Promise.all([(async () => (moto = await startMoto()))(), github.start()])
  workspace = await mkdtemp(join(tempRoot(), 'moto-rotation-'))
  await writeFile(join(workspace, 'rotation.yml'), MAP)
})
afterAll(async () => {
  for (const c of clients) c.destroy()
  await Promise.all([moto?.stop(), github?.stop()])
})

function made<T extends { destroy(): void }>(c: T): T {
  clients.push(c)
  return c
}
const config = (
  credentials: { accessKeyId: string; secretAccessKey: string } = MOTO_CREDENTIALS
) => ({
  endpoint: moto.endpoint,
  region: REGION,
  credentials
})
const iam = () => made(new IAMClient(config()))

async function rotate(): Promise<RunResult> {
  const result = await runAction({
    env: { GITHUB_WORKSPACE: workspace },
    awsEndpoint: moto.endpoint,
    githubUrl: github.url,
    oidcUrl: github.oidcUrl(),
    oidcRequestToken: github.idTokenRequestToken,
    githubToken: github.token,
    inputs: {
      'role-to-assume': `arn:aws:iam::${MOTO_ACCOUNT_ID}:role/iam-key-sentinel-rotation`,
      action: 'rotate',
      'rotation-config': 'rotation.yml',
      'fail-on': 'never',
      'create-issues': 'false'
    }
  })
  return result
}

const keysOf = (userName: string) => keyStatuses(iam(), userName)
const tagsOf = (userName: string) => userTags(iam(), userName)

it('rotates against moto from create to delete, and leaves no orphan when a delivery fails', async () => {
  const old = await usersWithOldKeys(moto, iam(), 85, ['batch-job', 'broken'])
  const sm = made(new SecretsManagerClient(config()))
  await sm.send(new CreateSecretCommand({ Name: 'batch/aws-key', SecretString: '{}' }))

  const first = await rotate()
  expect(first.code).toBe(1) // the broken delivery fails the step
  const batch = old['batch-job'] ?? ''
  const keys = await keysOf('batch-job')
  const fresh = Object.keys(keys).find((id) => id !== batch) ?? ''
  expect(keys).toEqual({ [batch]: 'Active', [fresh]: 'Active' })
  // The consumer reads its key where the map sent it.
  // AWS documents that GetSecretValue without a stage answers AWSCURRENT; moto 5.2.1 answers
  // the version it last made current with PutSecretValue, ignoring UpdateSecretVersionStage
  // (which the delivery moves AWSCURRENT with), so the stage is named here.
  const value = await sm.send(
    new GetSecretValueCommand({ SecretId: 'batch/aws-key', VersionStage: 'AWSCURRENT' })
  )
  const delivered = JSON.parse(value.SecretString ?? '{}') as {
    AccessKeyId: string
    SecretAccessKey: string
  }
  expect(delivered.AccessKeyId).toBe(fresh)
  expect(delivered.SecretAccessKey).toHaveLength(40)
  expect(value.VersionStages).toContain('AWSCURRENT')
  expect((await tagsOf('batch-job'))[`iam-key-sentinel:rotation:${batch}`]).toMatch(
    new RegExp(`^delivered ${fresh} `)
  )
  // ResourceNotFoundException from moto: the new key was deleted again.
  expect(Object.keys(await keysOf('broken'))).toEqual([old.broken])
  expect(Object.keys(await tagsOf('broken'))).toEqual([])

  // The consumer switches: its first call with the new key (moto records the key's last use).
  await made(
    new IAMClient(
      config({ accessKeyId: delivered.AccessKeyId, secretAccessKey: delivered.SecretAccessKey })
    )
  ).send(new ListUsersCommand({}))
  const second = await rotate()
  expect(await keysOf('batch-job')).toEqual({ [batch]: 'Inactive', [fresh]: 'Active' })
  const tags = await tagsOf('batch-job')
  expect(tags[`iam-key-sentinel:rotation:${batch}`]).toMatch(/^retiring /)

  // Eight days pass for the staged delete's record.
  const stamp = `iam-key-sentinel:deactivated:${batch}`
  const eightDaysAgo = new Date(Date.parse(tags[stamp] ?? '') - 8 * 86_400_000).toISOString()
  await iam().send(
    new TagUserCommand({ UserName: 'batch-job', Tags: [{ Key: stamp, Value: eightDaysAgo }] })
  )
  const third = await rotate()
  expect(await keysOf('batch-job')).toEqual({ [fresh]: 'Active' })
  expect(
    Object.keys(await tagsOf('batch-job')).filter((t) => t.startsWith('iam-key-sentinel:'))
  ).toEqual([])
  const last = JSON.parse(third.outputs.rotations ?? '[]') as {
    accessKeyId: string
    stage: string
  }[]
  expect(last.find((r) => r.accessKeyId === batch)?.stage).toBe('done')
  expect(second.code).toBe(1) // broken is retried, and fails again, on every run
})
