// The rotation's guards against moto's IAM and Secrets Manager (GitHub is the fake): a GitHub
// delivery refused after its first write leaves the destination with the old key ID and no new
// key in IAM; a delivery to Secrets Manager moves AWSCURRENT in one step, leaving AWSPREVIOUS on
// the old version and no AWSPENDING; a dry run writes nothing; max-actions counts a leftover
// deletion, so a plan over it changes nothing.
import { afterAll, beforeAll, expect, it } from '@jest/globals'
import { mkdtemp, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import {
  CreateAccessKeyCommand,
  IAMClient,
  TagUserCommand,
  UpdateAccessKeyCommand
} from '@aws-sdk/client-iam'
import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  SecretsManagerClient
} from '@aws-sdk/client-secrets-manager'
import { FakeGitHub } from '../support/fake-github/index.js'
import { MOTO_ACCOUNT_ID, MOTO_CREDENTIALS, startMoto, type Moto } from '../support/moto.js'
import { keyStatuses, userTags, usersWithOldKeys } from '../support/moto-iam.js'
import { runAction, type RunResult } from '../support/run-action.js'
import { tempRoot } from '../support/temp-root.js'

const REGION = 'us-east-1'
const DELIVERY_TOKEN = 'ghs_moto_delivery'
const MAP = `users:
  web-deploy:
    github-secrets:
      repository: acme/web
  batch:
    secrets-manager:
      secret-id: batch/key
  spare:
    github-secrets:
      repository: acme/api
`
let moto: Moto
let github: FakeGitHub
let workspace: string
const clients: { destroy(): void }[] = []
const config = () => ({ endpoint: moto.endpoint, region: REGION, credentials: MOTO_CREDENTIALS })
function made<T extends { destroy(): void }>(c: T): T {
  clients.push(c)
  return c
}
const iam = () => made(new IAMClient(config()))
const sm = () => made(new SecretsManagerClient(config()))

beforeAll(async () => {
  github = new FakeGitHub({ owner: 'acme', repo: 'security', deliveryToken: DELIVERY_TOKEN })
  await Promise.all([(async () => (moto = await startMoto()))(), github.start()])
  workspace = await mkdtemp(join(tempRoot(), 'moto-rotation-safety-'))
  await writeFile(join(workspace, 'rotation.yml'), MAP)
})
afterAll(async () => {
  for (const c of clients) c.destroy()
  await Promise.all([moto?.stop(), github?.stop()])
})

const rotate = (inputs: Record<string, string> = {}): Promise<RunResult> =>
  runAction({
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
      'delivery-token': DELIVERY_TOKEN,
      'fail-on': 'never',
      'create-issues': 'false',
      ...inputs
    }
  })

const keysOf = (userName: string) => keyStatuses(iam(), userName)
const tagsOf = (userName: string) => userTags(iam(), userName)

it('guards every rotation write against moto', async () => {
  // Three users, each with an 85-day-old key; spare also has an inactive leftover.
  const old = await usersWithOldKeys(moto, iam(), 85, ['web-deploy', 'batch', 'spare'])
  const leftover = await moto.inThePast(200, async () => {
    const { AccessKey } = await iam().send(new CreateAccessKeyCommand({ UserName: 'spare' }))
    return AccessKey?.AccessKeyId ?? ''
  })
  await iam().send(
    new UpdateAccessKeyCommand({ UserName: 'spare', AccessKeyId: leftover, Status: 'Inactive' })
  )
  await iam().send(
    new TagUserCommand({
      UserName: 'spare',
      Tags: [
        {
          Key: `iam-key-sentinel:deactivated:${leftover}`,
          Value: new Date(Date.now() - 30 * 86_400_000).toISOString()
        }
      ]
    })
  )
  const { VersionId: previous } = await sm().send(
    new CreateSecretCommand({
      Name: 'batch/key',
      SecretString: JSON.stringify({ AccessKeyId: old.batch, SecretAccessKey: 'old' })
    })
  )
  github.secrets.seed('repo:acme/web', 'AWS_ACCESS_KEY_ID', old['web-deploy'] ?? '')
  github.secrets.seed('repo:acme/web', 'AWS_SECRET_ACCESS_KEY', 'web-old-secret')
  const before = {
    web: await keysOf('web-deploy'),
    batch: await keysOf('batch'),
    spare: await keysOf('spare'),
    spareTags: await tagsOf('spare')
  }

  // A dry run: nothing in IAM, Secrets Manager or GitHub changes.
  await rotate({ 'dry-run': 'true' })
  expect(await keysOf('web-deploy')).toEqual(before.web)
  expect(await keysOf('spare')).toEqual(before.spare)
  expect(await tagsOf('spare')).toEqual(before.spareTags)
  expect(github.writes()).toEqual([])

  // Four key writes (three creations, one leftover deleted first), over max-actions 3.
  const capped = await rotate({ 'max-actions': '3' })
  expect(capped.summary).toContain('4 IAM key writes planned (max-actions 3)')
  expect(await keysOf('spare')).toEqual(before.spare)
  expect(await keysOf('batch')).toEqual(before.batch)
  expect(github.writes()).toEqual([])

  // GitHub refuses the secret key of acme/web after taking the ID.
  github.addFault({
    method: 'PUT',
    path: '/repos/acme/web/actions/secrets/AWS_SECRET_ACCESS_KEY',
    status: 403,
    times: 5
  })
  const run = await rotate()
  expect(github.secrets.valueOf('repo:acme/web', 'AWS_ACCESS_KEY_ID')).toBe(old['web-deploy'])
  expect(github.secrets.valueOf('repo:acme/web', 'AWS_SECRET_ACCESS_KEY')).toBe('web-old-secret')
  expect(await keysOf('web-deploy')).toEqual(before.web)
  expect(Object.keys(await tagsOf('web-deploy'))).toEqual([])
  const records = JSON.parse(run.outputs.rotations ?? '[]') as {
    accessKeyId: string
    detail: string
  }[]
  expect(records.find((r) => r.accessKeyId === old['web-deploy'])?.detail).toContain(
    `The destination now holds AWS_ACCESS_KEY_ID = ${old['web-deploy']} (the old key, put back and verified)`
  )

  // Secrets Manager: the new version is AWSCURRENT, the old one AWSPREVIOUS, no AWSPENDING left.
  const described = await sm().send(new DescribeSecretCommand({ SecretId: 'batch/key' }))
  const stages = described.VersionIdsToStages ?? {}
  const current = Object.keys(stages).find((v) => stages[v]?.includes('AWSCURRENT'))
  expect(current).not.toBe(previous)
  expect(stages[previous ?? '']).toEqual(['AWSPREVIOUS'])
  expect(Object.values(stages).flat()).not.toContain('AWSPENDING')
  // AWSCURRENT named: moto's default ignores UpdateSecretVersionStage (AWS's does not; see
  // rotation.test.ts).
  const value = await sm().send(
    new GetSecretValueCommand({ SecretId: 'batch/key', VersionStage: 'AWSCURRENT' })
  )
  const fresh = Object.keys(await keysOf('batch')).find((id) => id !== old.batch)
  expect(JSON.parse(value.SecretString ?? '{}').AccessKeyId).toBe(fresh)
})
