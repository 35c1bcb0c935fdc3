// Rotation when things go wrong: a delivery that fails leaves no orphan key, and a run stopped
// between creating and delivering (SIGTERM, or killed outright) is finished by the next run
// without a second new key.
import { afterEach, describe, expect, it } from '@jest/globals'
import { currentValue } from '../support/fake-aws/secrets-manager.js'
import { advanceClock, keyStatus } from '../support/harness.js'
import {
  startRotationFakes,
  tagsOf,
  userKeys,
  type RotationFakes,
  rotationsOf
} from '../support/rotation-account.js'

const OLD = 'AKIAROTATEDEPLOY0001'
const BATCH = 'AKIAROTATEBATCH00001'

let fakes: RotationFakes
afterEach(() => fakes.stop())

describe('a failed delivery', () => {
  it('deletes the new key again, so no orphan is left, and fails the step', async () => {
    fakes = await startRotationFakes()
    fakes.github.addFault({
      method: 'PUT',
      path: /^\/repos\/acme\/web\/actions\/secrets\//,
      status: 500,
      times: 10
    })
    const run = await fakes.rotate()
    const account = fakes.aws.account()
    const created = fakes.aws
      .callsTo('CreateAccessKey')
      .filter((c) => c.params.UserName === 'deploy-bot')
    expect(created).toHaveLength(1)
    expect(userKeys(account, 'deploy-bot').map((k) => k.accessKeyId)).toEqual([OLD])
    expect(keyStatus(account, OLD)).toBe('Active')
    expect(Object.keys(tagsOf(account, 'deploy-bot'))).toEqual([])
    const r = rotationsOf(run.outputs).find((x) => x.accessKeyId === OLD)
    expect(r).toMatchObject({ result: 'failed', stage: 'none' })
    expect(r?.detail).toMatch(
      /^Delivery to GitHub repository acme\/web, .* failed: .*The new key AKIA\w+ was deleted again; the old key is unchanged\.$/
    )
    expect(run.code).toBe(1)
    expect(run.stdout).toContain('rotation steps failed (deploy-bot AKIAROTATEDEPLOY0001)')
    // The other users' rotations went ahead.
    expect(rotationsOf(run.outputs).find((x) => x.accessKeyId === BATCH)).toMatchObject({
      result: 'applied'
    })
  })
})

describe('a run stopped between create and deliver', () => {
  it('SIGTERM: the delivery under way is finished, and the rerun makes no second key', async () => {
    fakes = await startRotationFakes()
    // The record of the created key is held until the action has taken the signal in.
    const gate = fakes.aws.hold({
      action: 'TagUser',
      match: (c) =>
        c.params.UserName === 'deploy-bot' &&
        (c.params['Tags.member.1.Value'] ?? '').startsWith('created ')
    })
    const run1 = await fakes.rotate(
      {},
      {
        terminateWhen: () => gate.isReached,
        onStdout: (log) => {
          if (log.includes('Received SIGTERM')) gate.release()
        }
      }
    )
    expect(run1.stdout).toContain('Received SIGTERM')
    const account = fakes.aws.account()
    const fresh = userKeys(account, 'deploy-bot').find((k) => k.accessKeyId !== OLD)
    expect(fakes.github.secrets.valueOf('repo:acme/web', 'AWS_SECRET_ACCESS_KEY')).toBe(
      fresh?.secretAccessKey
    )
    const creations = fakes.aws.callsTo('CreateAccessKey').length
    const run2 = await fakes.rotate()
    expect(fakes.aws.callsTo('CreateAccessKey')).toHaveLength(creations)
    expect(userKeys(account, 'deploy-bot').map((k) => k.accessKeyId)).toEqual([
      OLD,
      fresh?.accessKeyId
    ])
    expect(rotationsOf(run2.outputs).find((x) => x.accessKeyId === OLD)).toMatchObject({
      stage: 'delivered'
    })
  })

  it('killed outright: the rerun finds the undelivered key by its ID in the record, replaces it, and leaves one new key', async () => {
    fakes = await startRotationFakes()
    const gate = fakes.aws.hold({ action: 'PutSecretValue' })
    await fakes.rotate({}, { terminateWhen: () => gate.isReached, terminateSignal: 'SIGKILL' })
    const account = fakes.aws.account()
    const orphan = userKeys(account, 'batch-job').find((k) => k.accessKeyId !== BATCH)
    expect(orphan).toBeDefined()
    expect(tagsOf(account, 'batch-job')[`iam-key-sentinel:rotation:${BATCH}`]).toMatch(
      new RegExp(`^created ${orphan?.accessKeyId} `)
    )
    // The held write is never answered: the killed run never learned whether it landed.
    const secret = account.secrets?.[0]

    // The next scheduled run, a day later (the killed run's claim has long expired).
    advanceClock(account, 1)
    const run2 = await fakes.rotate()
    const keys = userKeys(account, 'batch-job')
    expect(keys).toHaveLength(2)
    expect(keys.map((k) => k.accessKeyId)).not.toContain(orphan?.accessKeyId)
    const fresh = keys.find((k) => k.accessKeyId !== BATCH)
    expect(JSON.parse((secret && currentValue(secret)) ?? '{}')).toEqual({
      AccessKeyId: fresh?.accessKeyId,
      SecretAccessKey: fresh?.secretAccessKey
    })
    const deleted = fakes.aws.callsTo('DeleteAccessKey').map((c) => c.params.AccessKeyId)
    expect(deleted).toContain(orphan?.accessKeyId)
    expect(rotationsOf(run2.outputs).find((x) => x.accessKeyId === BATCH)).toMatchObject({
      result: 'applied',
      stage: 'delivered'
    })
  })
})
