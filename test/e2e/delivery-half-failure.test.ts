// A delivery is one unit: when a destination takes the first write and refuses the last (GitHub
// accepts AWS_ACCESS_KEY_ID, then answers 500 or 403 on AWS_SECRET_ACCESS_KEY; Secrets Manager
// takes the new version, then cannot be read to verify it), the destination is put back as it
// was, the new key is deleted again, and the run says what each destination holds now.
import { afterEach, describe, expect, it } from '@jest/globals'
import { currentValue } from '../support/fake-aws/secrets-manager.js'
import type { FakeAccount } from '../support/fake-aws/index.js'
import { keyStatus } from '../support/harness.js'
import {
  startRotationFakes,
  userKeys,
  type RotationFakes,
  rotationsOf
} from '../support/rotation-account.js'
import { repositoryId } from '../support/fake-github/account-json.js'

const DEPLOY = 'AKIAROTATEDEPLOY0001'
const TWO = 'AKIAROTATETWOA000001'
const LEFT = 'AKIAROTATELEFTA00001'
const BATCH = 'AKIAROTATEBATCH00001'
const ID = 'AWS_ACCESS_KEY_ID'
const SECRET = 'AWS_SECRET_ACCESS_KEY'

let fakes: RotationFakes
afterEach(() => fakes.stop())

/** The rotation account with two-keys down to one key, so its environment secret is rotated. */
async function start(): Promise<RotationFakes> {
  const f = await startRotationFakes()
  const account: FakeAccount = f.aws.account()
  const twoKeys = account.users.find((u) => u.userName === 'two-keys')
  if (twoKeys) twoKeys.keys = twoKeys.keys.filter((k) => k.accessKeyId === TWO)
  // What each consumer holds before the run: the old key's pair.
  f.github.secrets.seed('repo:acme/web', ID, DEPLOY)
  f.github.secrets.seed('repo:acme/web', SECRET, 'deploy-old-secret')
  f.github.secrets.seed('env:acme/web/production', ID, TWO)
  f.github.secrets.seed('env:acme/web/production', SECRET, 'two-old-secret')
  f.github.secrets.seed('org:acme', ID, LEFT, {
    visibility: 'selected',
    selected_repository_ids: [repositoryId('acme', 'web')]
  })
  f.github.secrets.seed('org:acme', SECRET, 'left-old-secret', {
    visibility: 'selected',
    selected_repository_ids: [repositoryId('acme', 'web')]
  })
  const secret = account.secrets?.[0]
  if (secret)
    secret.versions.push({
      versionId: 'a1b2c3d4-0000-4000-8000-previous0001',
      value: JSON.stringify({ AccessKeyId: BATCH, SecretAccessKey: 'batch-old-secret' }),
      stages: ['AWSCURRENT'],
      createdAt: new Date('2026-01-01')
    })
  return f
}

describe('a delivery that fails after its first write', () => {
  it('puts the old key ID back in repository, environment and organization secrets, deletes the new key, and says what each holds', async () => {
    fakes = await start()
    const secretPut = (path: string, status: number) =>
      fakes.github.addFault({ method: 'PUT', path, status, times: 20 })
    secretPut(`/repos/acme/web/actions/secrets/${SECRET}`, 500)
    secretPut(`/repos/acme/web/environments/production/secrets/${SECRET}`, 403)
    secretPut(`/orgs/acme/actions/secrets/${SECRET}`, 403)
    // Octokit retries a 500 three times, with backoff: this run takes longer than most.
    const run = await fakes.rotate({}, { timeoutMs: 110_000 })
    const account = fakes.aws.account()
    const s = fakes.github.secrets
    // Each destination holds the old pair again: the consumer keeps working.
    expect(s.valueOf('repo:acme/web', ID)).toBe(DEPLOY)
    expect(s.valueOf('repo:acme/web', SECRET)).toBe('deploy-old-secret')
    expect(s.valueOf('env:acme/web/production', ID)).toBe(TWO)
    expect(s.valueOf('env:acme/web/production', SECRET)).toBe('two-old-secret')
    expect(s.valueOf('org:acme', ID)).toBe(LEFT)
    expect(s.stored('org:acme', ID)).toMatchObject({
      visibility: 'selected',
      selected_repository_ids: [repositoryId('acme', 'web')]
    })
    // No orphan: the new keys were deleted again; the old keys are untouched.
    for (const [user, old] of [
      ['deploy-bot', DEPLOY],
      ['two-keys', TWO]
    ] as const) {
      expect(userKeys(account, user).map((k) => k.accessKeyId)).toEqual([old])
      expect(keyStatus(account, old)).toBe('Active')
    }
    const rs = rotationsOf(run.outputs)
    for (const old of [DEPLOY, TWO, LEFT]) {
      const r = rs.find((x) => x.accessKeyId === old)
      expect(r).toMatchObject({ result: 'failed', stage: 'none' })
      expect(r?.detail).toContain(
        `now holds ${ID} = ${old} (the old key, put back and verified) and its ${SECRET} unchanged`
      )
    }
    // The summary says it too (Markdown-escaped there).
    expect(run.summary.replaceAll('&#95;', '_')).toContain(
      `The destination now holds ${ID} = ${DEPLOY} (the old key, put back and verified)`
    )
    expect(run.code).toBe(1)
  })

  it('Secrets Manager: the new version never becomes AWSCURRENT unless verified; AWSCURRENT stays on the previous version', async () => {
    fakes = await start()
    // The verification read fails once (one try only): the version was taken, not verified.
    fakes.aws.addFault({
      action: 'DescribeSecret',
      match: () => fakes.aws.callsTo('PutSecretValue').length > 0,
      times: 1,
      fault: { status: 500, code: 'InternalServiceError' }
    })
    const run = await fakes.rotate({ 'retry-max-attempts': '1' })
    const account = fakes.aws.account()
    const secret = account.secrets?.[0]
    expect(JSON.parse((secret && currentValue(secret)) ?? '{}')).toEqual({
      AccessKeyId: BATCH,
      SecretAccessKey: 'batch-old-secret'
    })
    expect(secret?.versions.find((v) => v.stages.includes('AWSCURRENT'))?.versionId).toBe(
      'a1b2c3d4-0000-4000-8000-previous0001'
    )
    expect(userKeys(account, 'batch-job').map((k) => k.accessKeyId)).toEqual([BATCH])
    const r = rotationsOf(run.outputs).find((x) => x.accessKeyId === BATCH)
    expect(r).toMatchObject({ result: 'failed', stage: 'none' })
    expect(r?.detail).toContain(
      'AWSCURRENT is version a1b2c3d4-0000-4000-8000-previous0001, as before (verified)'
    )
    expect(run.code).toBe(1)
  })
})
