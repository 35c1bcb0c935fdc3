// The rotation scenarios' account and map: a user whose key goes to a GitHub repository secret,
// one whose key goes to Secrets Manager, and the users that test IAM's two-key limit.
import { mkdtempSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { FakeAccount, FakeKey } from './fake-aws/index.js'
import { startFakes, type Fakes } from './harness.js'
import { sampleAccount, SAMPLE_ACCOUNT_ID } from './sample-account.js'
import { tempRoot } from './temp-root.js'

const DAY = 86_400_000
const DELIVERY_TOKEN = 'ghs_fake_app_installation_token'
const SECRET_ARN = `arn:aws:secretsmanager:us-east-1:${SAMPLE_ACCOUNT_ID}:secret:batch/aws-key-AbCdEf`

const ROTATION_MAP = `version: 1
users:
  deploy-bot:
    github-secrets:
      repository: acme/web
  batch-job:
    secrets-manager:
      secret-id: batch/aws-key
  two-keys:
    github-secrets:
      repository: acme/web
      environment: production
  leftover:
    github-secrets:
      organization: acme
      selected-repositories: [web, api]
`

function key(
  accessKeyId: string,
  ageDays: number,
  lastUsedHoursAgo?: number,
  status: FakeKey['status'] = 'Active'
): FakeKey {
  const now = Date.now()
  return {
    accessKeyId,
    status,
    createDate: new Date(now - ageDays * DAY - 3_600_000),
    ...(lastUsedHoursAgo === undefined
      ? {}
      : {
          lastUsed: {
            date: new Date(now - lastUsedHoursAgo * 3_600_000),
            serviceName: 's3',
            region: 'us-east-1'
          }
        })
  }
}

function rotationAccount(): FakeAccount {
  return {
    ...sampleAccount(),
    users: [
      { userName: 'deploy-bot', keys: [key('AKIAROTATEDEPLOY0001', 85, 1)] },
      { userName: 'batch-job', keys: [key('AKIAROTATEBATCH00001', 95, 2)] },
      {
        userName: 'two-keys',
        keys: [key('AKIAROTATETWOA000001', 85, 1), key('AKIAROTATETWOB000001', 30, 1)]
      },
      {
        userName: 'leftover',
        keys: [
          key('AKIAROTATELEFTA00001', 86, 1),
          key('AKIAROTATELEFTB00001', 200, 900, 'Inactive')
        ],
        tags: {
          'iam-key-sentinel:deactivated:AKIAROTATELEFTB00001': new Date(
            Date.now() - 30 * DAY
          ).toISOString()
        }
      },
      // Not in the map: never rotated, whatever its age.
      { userName: 'unmapped', keys: [key('AKIAROTATEUNMAPPED01', 120, 1)] }
    ],
    secrets: [{ name: 'batch/aws-key', arn: SECRET_ARN, versions: [] }]
  }
}

export interface RotationFakes extends Fakes {
  rotate(
    inputs?: Record<string, string>,
    options?: Parameters<Fakes['run']>[1]
  ): ReturnType<Fakes['run']>
}

/** The fakes with the rotation map checked out in a workspace, and a run with action: rotate. */
export async function startRotationFakes(
  account: FakeAccount = rotationAccount(),
  /** More files of the checkout (e.g. an owners file), by name. */
  files: Record<string, string> = {}
): Promise<RotationFakes> {
  const fakes = await startFakes(
    account,
    {},
    { deliveryToken: DELIVERY_TOKEN, collaborators: ['acme'] }
  )
  const workspace = mkdtempSync(join(tempRoot(), 'rotation-workspace-'))
  writeFileSync(join(workspace, 'rotation.yml'), ROTATION_MAP)
  for (const [name, text] of Object.entries(files)) writeFileSync(join(workspace, name), text)
  return {
    ...fakes,
    rotate: (inputs = {}, options = {}) =>
      fakes.run(
        {
          action: 'rotate',
          'rotation-config': 'rotation.yml',
          'delivery-token': DELIVERY_TOKEN,
          'fail-on': 'never',
          'exclude-users': '',
          ...inputs
        },
        { ...options, env: { GITHUB_WORKSPACE: workspace, ...options.env } }
      )
  }
}

export function userKeys(account: FakeAccount, userName: string): FakeKey[] {
  return account.users.find((u) => u.userName === userName)?.keys ?? []
}

export function tagsOf(account: FakeAccount, userName: string): Record<string, string> {
  return account.users.find((u) => u.userName === userName)?.tags ?? {}
}

/** The consumer starts using a key: its last use appears, `hoursAgo` before now. */
export function useKey(account: FakeAccount, accessKeyId: string, hoursAgo = 0): void {
  const k = account.users.flatMap((u) => u.keys).find((x) => x.accessKeyId === accessKeyId)
  if (!k) throw new Error(`no key ${accessKeyId}`)
  k.lastUsed = {
    date: new Date(Date.now() - hoursAgo * 3_600_000),
    serviceName: 's3',
    region: 'us-east-1'
  }
}

/** The `rotations` output, parsed: each rotation's key, result, stage and detail. */
export const rotationsOf = (outputs: Record<string, string>) =>
  JSON.parse(outputs.rotations ?? '[]') as {
    accessKeyId: string
    result: string
    stage: string
    detail: string
  }[]
