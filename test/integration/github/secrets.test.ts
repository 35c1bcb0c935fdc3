// putSecretPair with the real Octokit against the fake GitHub's secrets API: each kind of target
// gets both secrets, sealed for its own public key (the fake decrypts them), and verified.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import * as github from '@actions/github'
import { putSecretPair, type SecretsTarget } from '../../../src/github/secrets.js'
import { DEFAULT_SECRET_NAMES } from '../../../src/domain/rotation.js'
import { FakeGitHub } from '../../support/fake-github/index.js'
import { repositoryId } from '../../support/fake-github/account-json.js'

const TOKEN = 'ghs_delivery'
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
    await putSecretPair(octokit(), target, DEFAULT_SECRET_NAMES, KEY)
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
    await putSecretPair(octokit(), target, DEFAULT_SECRET_NAMES, {
      ...KEY,
      accessKeyId: 'AKIANEWKEY0000000002'
    })
    expect(fake.secrets.valueOf(where, 'AWS_ACCESS_KEY_ID')).toBe('AKIANEWKEY0000000002')
  })

  it("the job's own token is refused, and nothing is written", async () => {
    await expect(
      putSecretPair(
        octokit(fake.token),
        { kind: 'repository', owner: 'acme', repo: 'web' },
        DEFAULT_SECRET_NAMES,
        KEY
      )
    ).rejects.toMatchObject({ status: 403 })
    expect(fake.secrets.stored('repo:acme/web', 'AWS_ACCESS_KEY_ID')).toBeUndefined()
  })
})
