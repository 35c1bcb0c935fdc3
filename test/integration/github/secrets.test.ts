// putSecretPair with the real Octokit against the fake GitHub's secrets API: each kind of target
// gets both secrets, sealed for its own public key (the fake decrypts them), and verified.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import * as github from '@actions/github'
import { putSecretPair, type SecretsTarget } from '../../../src/github/secrets.js'
import { DEFAULT_SECRET_NAMES } from '../../../src/domain/rotation.js'
import { FakeGitHub } from '../../support/fake-github/index.js'
import { repositoryId } from '../../support/fake-github/account-json.js'

const TOKEN = 'ghs_delivery'
const OLD = 'AKIAOLDKEY0000000001'
const REPO: SecretsTarget = { kind: 'repository', owner: 'acme', repo: 'web' }
const KEY = {
  accessKeyId: 'AKIANEWKEY0000000001',
  secretAccessKey: 'new-secret/0123456789abcdefghijklmnopqrs'
}
let fake: FakeGitHub
beforeEach(async () => {
  fake = new FakeGitHub({ owner: 'acme', repo: 'security', deliveryToken: TOKEN })
  await fake.start()
})
afterEach(() => fake.stop())

const octokit = (token = TOKEN) => github.getOctokit(token, { baseUrl: fake.url })

describe('putSecretPair', () => {
  it.each<[SecretsTarget, string]>([
    [{ kind: 'repository', owner: 'acme', repo: 'web' }, 'repo:acme/web'],
    [
      { kind: 'environment', owner: 'acme', repo: 'web', environment: 'production' },
      'env:acme/web/production'
    ],
    [{ kind: 'organization', org: 'acme', selectedRepositories: ['web', 'api'] }, 'org:acme']
  ])('writes and verifies both secrets of %j', async (target, where) => {
    await putSecretPair(octokit(), target, DEFAULT_SECRET_NAMES, KEY, OLD)
    expect(fake.secrets.valueOf(where, 'AWS_ACCESS_KEY_ID')).toBe(KEY.accessKeyId)
    expect(fake.secrets.valueOf(where, 'AWS_SECRET_ACCESS_KEY')).toBe(KEY.secretAccessKey)
    const puts = fake.requests.filter((r) => r.method === 'PUT')
    expect(puts).toHaveLength(2)
    // Only the sealed box travels: never the value itself.
    expect(JSON.stringify(puts)).not.toContain(KEY.secretAccessKey)
    if (target.kind === 'organization')
      expect(fake.secrets.stored(where, 'AWS_ACCESS_KEY_ID')?.selected_repository_ids).toEqual([
        repositoryId('acme', 'web'),
        repositoryId('acme', 'api')
      ])
    // A second rotation overwrites both, and is verified too.
    await putSecretPair(
      octokit(),
      target,
      DEFAULT_SECRET_NAMES,
      {
        ...KEY,
        accessKeyId: 'AKIANEWKEY0000000002'
      },
      OLD
    )
    expect(fake.secrets.valueOf(where, 'AWS_ACCESS_KEY_ID')).toBe('AKIANEWKEY0000000002')
  })

  it("the job's own token is refused, and nothing is written", async () => {
    await expect(
      putSecretPair(
        octokit(fake.token),
        { kind: 'repository', owner: 'acme', repo: 'web' },
        DEFAULT_SECRET_NAMES,
        KEY,
        OLD
      )
    ).rejects.toMatchObject({ status: 403 })
    expect(fake.secrets.stored('repo:acme/web', 'AWS_ACCESS_KEY_ID')).toBeUndefined()
  })

  describe('the secret-key write fails after the ID was written', () => {
    const failSecret = (status: number) =>
      fake.addFault({
        method: 'PUT',
        path: '/repos/acme/web/actions/secrets/AWS_SECRET_ACCESS_KEY',
        status,
        times: 10
      })

    it.each([500, 403])(
      '%i: the old key ID is put back and verified; it says so',
      async (status) => {
        fake.secrets.seed('repo:acme/web', 'AWS_ACCESS_KEY_ID', OLD)
        fake.secrets.seed('repo:acme/web', 'AWS_SECRET_ACCESS_KEY', 'old-secret')
        failSecret(status)
        await expect(
          putSecretPair(octokit(), REPO, DEFAULT_SECRET_NAMES, KEY, OLD)
        ).rejects.toMatchObject({
          name: 'DeliveryFailed',
          holds: `AWS_ACCESS_KEY_ID = ${OLD} (the old key, put back and verified) and its AWS_SECRET_ACCESS_KEY unchanged`
        })
        expect(fake.secrets.valueOf('repo:acme/web', 'AWS_ACCESS_KEY_ID')).toBe(OLD)
        expect(fake.secrets.valueOf('repo:acme/web', 'AWS_SECRET_ACCESS_KEY')).toBe('old-secret')
      }
    )

    it('an ID secret that did not exist before is removed again', async () => {
      failSecret(500)
      await expect(
        putSecretPair(octokit(), REPO, DEFAULT_SECRET_NAMES, KEY, OLD)
      ).rejects.toMatchObject({
        holds:
          'no AWS_ACCESS_KEY_ID (as before: it was removed again, verified) and its AWS_SECRET_ACCESS_KEY unchanged'
      })
      expect(fake.secrets.stored('repo:acme/web', 'AWS_ACCESS_KEY_ID')).toBeUndefined()
    })

    it('an organization secret gets its old visibility back', async () => {
      const org: SecretsTarget = {
        kind: 'organization',
        org: 'acme',
        selectedRepositories: ['web', 'api']
      }
      fake.secrets.seed('org:acme', 'AWS_ACCESS_KEY_ID', OLD, { visibility: 'private' })
      fake.addFault({
        method: 'PUT',
        path: '/orgs/acme/actions/secrets/AWS_SECRET_ACCESS_KEY',
        status: 403,
        times: 10
      })
      await expect(
        putSecretPair(octokit(), org, DEFAULT_SECRET_NAMES, KEY, OLD)
      ).rejects.toMatchObject({
        name: 'DeliveryFailed'
      })
      expect(fake.secrets.valueOf('org:acme', 'AWS_ACCESS_KEY_ID')).toBe(OLD)
      expect(fake.secrets.stored('org:acme', 'AWS_ACCESS_KEY_ID')).toMatchObject({
        visibility: 'private'
      })
    })

    it('when the ID cannot be put back either, it says the ID may be the new one and what to do', async () => {
      fake.secrets.seed('repo:acme/web', 'AWS_ACCESS_KEY_ID', OLD)
      // The ID's write is refused, and so is putting it back.
      fake.addFault({
        method: 'PUT',
        path: '/repos/acme/web/actions/secrets/AWS_ACCESS_KEY_ID',
        status: 403,
        times: 10
      })
      const failed = putSecretPair(octokit(), REPO, DEFAULT_SECRET_NAMES, KEY, OLD)
      await expect(failed).rejects.toMatchObject({
        holds: expect.stringContaining(`set AWS_ACCESS_KEY_ID to ${OLD} by hand`)
      })
    })
  })
})
