import { beforeEach, describe, expect, it } from '@jest/globals'
import { mockClient } from 'aws-sdk-client-mock'
import {
  DescribeSecretCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand
} from '@aws-sdk/client-secrets-manager'
import { putKeyVersion } from '../../../src/aws/secrets-manager.js'

const KEY = { accessKeyId: 'AKIANEWKEY0000000001', secretAccessKey: 'secret' }
const PREV = 'prev-version-0000000000000000000001'
const sm = mockClient(SecretsManagerClient)
const client = new SecretsManagerClient({ region: 'us-east-1' })

/** A secret whose stages follow the writes, as Secrets Manager's would. */
function secret(fail: { commit?: boolean; verify?: boolean } = {}) {
  const stages: Record<string, string[]> = { [PREV]: ['AWSCURRENT'] }
  let describes = 0
  sm.on(DescribeSecretCommand).callsFake(() => {
    describes++
    // The read after the commit fails when asked to (the third: before, pending, committed).
    if (fail.verify && describes === 3) throw new Error('InternalServiceError')
    return { VersionIdsToStages: structuredClone(stages) }
  })
  sm.on(PutSecretValueCommand).callsFake(
    (input: { ClientRequestToken: string; VersionStages: string[] }) => {
      stages[input.ClientRequestToken] = [...input.VersionStages]
      return { VersionId: input.ClientRequestToken }
    }
  )
  sm.on(UpdateSecretVersionStageCommand).callsFake(
    (input: { VersionStage: string; MoveToVersionId?: string; RemoveFromVersionId?: string }) => {
      if (fail.commit && input.VersionStage === 'AWSCURRENT' && input.MoveToVersionId !== PREV)
        throw new Error('InternalServiceError')
      const { VersionStage: stage, MoveToVersionId: to, RemoveFromVersionId: from } = input
      if (from) stages[from] = (stages[from] ?? []).filter((s) => s !== stage)
      if (to) stages[to] = [...(stages[to] ?? []), stage]
      return {}
    }
  )
  return stages
}

beforeEach(() => {
  sm.reset()
})

describe('putKeyVersion', () => {
  it('writes the version AWSPENDING, then moves AWSCURRENT onto it, then takes AWSPENDING off', async () => {
    const stages = secret()
    const version = await putKeyVersion(client, 'batch/key', KEY)
    expect(sm.commandCalls(PutSecretValueCommand)[0]?.args[0].input.VersionStages).toEqual([
      'AWSPENDING'
    ])
    expect(sm.commandCalls(UpdateSecretVersionStageCommand).map((c) => c.args[0].input)).toEqual([
      {
        SecretId: 'batch/key',
        VersionStage: 'AWSCURRENT',
        MoveToVersionId: version,
        RemoveFromVersionId: PREV
      },
      { SecretId: 'batch/key', VersionStage: 'AWSPENDING', RemoveFromVersionId: version }
    ])
    expect(stages[version]).toEqual(['AWSCURRENT'])
  })

  it('a failed commit leaves AWSCURRENT on the previous version and says so', async () => {
    const stages = secret({ commit: true })
    await expect(putKeyVersion(client, 'batch/key', KEY)).rejects.toMatchObject({
      name: 'DeliveryFailed',
      holds: `AWSCURRENT is version ${PREV}, as before (verified)`
    })
    expect(stages[PREV]).toEqual(['AWSCURRENT'])
    expect(Object.values(stages).flat()).not.toContain('AWSPENDING')
  })

  it('a commit that cannot be verified is moved back to the previous version', async () => {
    const stages = secret({ verify: true })
    await expect(putKeyVersion(client, 'batch/key', KEY)).rejects.toMatchObject({
      holds: `AWSCURRENT is version ${PREV}, as before (verified)`
    })
    expect(stages[PREV]).toEqual(['AWSCURRENT'])
  })
})
