// GitHub Actions secrets, as GitHub's REST API takes them: each value encrypted with the target's
// public key in a libsodium sealed box (the only form GitHub accepts), written with the key's
// key_id, and read back to verify that GitHub took it (updated_at moved). Repository,
// environment and organization secrets differ only in their path; an organization secret is
// visible to the repositories selected by ID.
import sodium from 'libsodium-wrappers'
import type { SecretNames } from '../domain/rotation.js'
import { httpStatus, type Octokit } from './client.js'

export type SecretsTarget =
  | { kind: 'repository'; owner: string; repo: string }
  | { kind: 'environment'; owner: string; repo: string; environment: string }
  | { kind: 'organization'; org: string; selectedRepositories: string[] }

function basePath(t: SecretsTarget): string {
  const seg = encodeURIComponent
  switch (t.kind) {
    case 'repository':
      return `/repos/${seg(t.owner)}/${seg(t.repo)}/actions/secrets`
    case 'environment':
      return `/repos/${seg(t.owner)}/${seg(t.repo)}/environments/${seg(t.environment)}/secrets`
    case 'organization':
      return `/orgs/${seg(t.org)}/actions/secrets`
  }
}

/** A libsodium sealed box of `value` for GitHub's base64 public key, base64 as GitHub wants it. */
export async function sealForGitHub(value: string, publicKeyBase64: string): Promise<string> {
  await sodium.ready
  const key = sodium.from_base64(publicKeyBase64, sodium.base64_variants.ORIGINAL)
  const sealed = sodium.crypto_box_seal(sodium.from_string(value), key)
  return sodium.to_base64(sealed, sodium.base64_variants.ORIGINAL)
}

async function updatedAt(octokit: Octokit, path: string): Promise<string | undefined> {
  try {
    const answer = await octokit.request(`GET ${path}`)
    return (answer.data as { updated_at?: string }).updated_at
  } catch (error) {
    if (httpStatus(error) === 404) return undefined
    throw error
  }
}

async function repositoryIds(
  octokit: Octokit,
  org: string,
  names: readonly string[]
): Promise<number[]> {
  const ids: number[] = []
  for (const name of names) {
    const answer = await octokit.request('GET /repos/{owner}/{repo}', { owner: org, repo: name })
    ids.push(Number(answer.data.id))
  }
  return ids
}

class SecretNotVerified extends Error {
  constructor(name: string, before: string | undefined, after: string | undefined) {
    super(
      `GitHub accepted secret ${name}, but reading it back showed no update (updated_at ${before ?? 'none'} before, ${after ?? 'none'} after)`
    )
    this.name = 'SecretNotVerified'
  }
}

/**
 * Writes both secrets of the pair and verifies each: the value itself cannot be read back, so
 * the proof is that its updated_at moved. Returns the new updated_at of the secret-key secret.
 */
export async function putSecretPair(
  octokit: Octokit,
  target: SecretsTarget,
  names: SecretNames,
  values: { accessKeyId: string; secretAccessKey: string }
): Promise<string> {
  const base = basePath(target)
  const publicKey = (await octokit.request(`GET ${base}/public-key`)).data as {
    key_id: string
    key: string
  }
  const visibility =
    target.kind === 'organization'
      ? {
          visibility: 'selected',
          selected_repository_ids: await repositoryIds(
            octokit,
            target.org,
            target.selectedRepositories
          )
        }
      : {}
  let last = ''
  for (const [name, value] of [
    [names.accessKeyId, values.accessKeyId],
    [names.secretAccessKey, values.secretAccessKey]
  ] as const) {
    const path = `${base}/${encodeURIComponent(name)}`
    const before = await updatedAt(octokit, path)
    // GitHub's times have whole seconds: a write in the second of the one before still counts.
    const sentAt = new Date(Math.floor(Date.now() / 1000) * 1000)
      .toISOString()
      .replace('.000Z', 'Z')
    await octokit.request(`PUT ${path}`, {
      encrypted_value: await sealForGitHub(value, publicKey.key),
      key_id: publicKey.key_id,
      ...visibility
    })
    const after = await updatedAt(octokit, path)
    const moved = before === undefined || after! > before || after! >= sentAt
    if (after === undefined || !moved) throw new SecretNotVerified(name, before, after)
    last = after
  }
  return last
}
