// GitHub Actions secrets, as GitHub's REST API takes them: each value encrypted with the target's
// public key in a libsodium sealed box (the only form GitHub accepts), written with the key's
// key_id, and read back to verify that GitHub took it (updated_at moved). The pair is one unit:
// a failure part-way puts the destination back as it was (see putSecretPair). Repository,
// environment and organization secrets differ only in their path; an organization secret is
// visible to the repositories selected by ID.
import sodium from 'libsodium-wrappers'
import { DeliveryFailed, type SecretNames } from '../domain/rotation.js'
import { errorMessage } from '../kit/errors.js'
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

interface SecretState {
  /** undefined: the secret did not exist. */
  updatedAt?: string
  /** An organization secret's visibility and, when selected, its repositories' IDs. */
  visibility?: string
  selectedRepositoryIds?: number[]
}

async function readState(
  octokit: Octokit,
  target: SecretsTarget,
  name: string,
  path: string
): Promise<SecretState> {
  try {
    const data = (await octokit.request(`GET ${path}`)).data as {
      updated_at?: string
      visibility?: string
    }
    const state: SecretState = { ...(data.updated_at ? { updatedAt: data.updated_at } : {}) }
    if (target.kind !== 'organization' || !data.visibility) return state
    if (data.visibility !== 'selected') return { ...state, visibility: data.visibility }
    const repos = await octokit.paginate(octokit.rest.actions.listSelectedReposForOrgSecret, {
      org: target.org,
      secret_name: name,
      per_page: 100
    })
    return {
      ...state,
      visibility: 'selected',
      selectedRepositoryIds: repos.map((x) => Number(x.id))
    }
  } catch (error) {
    if (httpStatus(error) === 404) return {}
    throw error
  }
}

/** GitHub's whole-second time of now, for "updated at or after the write". */
function secondNow(): string {
  return new Date(Math.floor(Date.now() / 1000) * 1000).toISOString().replace('.000Z', 'Z')
}

/** Whether updated_at shows a write sent at `sentAt` on a secret that was at `before`. */
function moved(before: string | undefined, after: string | undefined, sentAt: string): boolean {
  if (after === undefined) return false
  return before === undefined || after > before || after >= sentAt
}

interface Writer {
  octokit: Octokit
  base: string
  publicKey: { key_id: string; key: string }
  visibility: Record<string, unknown>
}

/** Writes one secret and verifies that its updated_at moved; throws when either fails. */
async function writeSecret(w: Writer, name: string, value: string, visibility = w.visibility) {
  const path = `${w.base}/${encodeURIComponent(name)}`
  const before = await updatedAt(w.octokit, path)
  // GitHub's times have whole seconds: a write in the second of the one before still counts.
  const sentAt = secondNow()
  await w.octokit.request(`PUT ${path}`, {
    encrypted_value: await sealForGitHub(value, w.publicKey.key),
    key_id: w.publicKey.key_id,
    ...visibility
  })
  const after = await updatedAt(w.octokit, path)
  if (!moved(before, after, sentAt)) throw new SecretNotVerified(name, before, after)
  return after as string
}

/**
 * Puts the access-key-ID secret back as it was: the old key's ID (the key being rotated, the one
 * the map says this destination holds) with its old visibility, or no secret if there was none.
 * Returns what it holds now, verified.
 */
async function restoreId(
  w: Writer,
  target: SecretsTarget,
  name: string,
  was: SecretState,
  oldAccessKeyId: string
): Promise<string> {
  const path = `${w.base}/${encodeURIComponent(name)}`
  if (was.updatedAt === undefined) {
    await w.octokit.request(`DELETE ${path}`).catch((error: unknown) => {
      if (httpStatus(error) !== 404) throw error
    })
    if ((await updatedAt(w.octokit, path)) !== undefined)
      throw new Error(`${name} still exists after DELETE`)
    return `no ${name} (as before: it was removed again, verified)`
  }
  const visibility =
    target.kind === 'organization'
      ? {
          visibility: was.visibility ?? 'selected',
          ...(was.visibility === 'selected' || was.visibility === undefined
            ? { selected_repository_ids: was.selectedRepositoryIds ?? [] }
            : {})
        }
      : {}
  await writeSecret(w, name, oldAccessKeyId, visibility)
  return `${name} = ${oldAccessKeyId} (the old key, put back and verified)`
}

/**
 * Writes both secrets of the pair as one unit and verifies each (the value itself cannot be read
 * back, so the proof is that its updated_at moved); returns the new updated_at of the
 * secret-key secret.
 *
 * The order makes every failure undoable with what this run holds. GitHub never gives a secret's
 * value back, and the old secret access key is not known here, so the secret-key secret cannot
 * be put back once overwritten; the old key's ID is known (it is the key being rotated). So the
 * ID goes first and the secret key last: the last write is the one that completes the pair. If it
 * fails, reading it back tells whether it landed anyway (then the pair is complete and new); if
 * not, the ID secret is put back to the old key's ID (or removed, if there was none), verified,
 * and the destination holds the old pair again. A DeliveryFailed says what it holds.
 */
export async function putSecretPair(
  octokit: Octokit,
  target: SecretsTarget,
  names: SecretNames,
  values: { accessKeyId: string; secretAccessKey: string },
  oldAccessKeyId: string
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
  const w: Writer = { octokit, base, publicKey, visibility }
  const idPath = `${base}/${encodeURIComponent(names.accessKeyId)}`
  const secretPath = `${base}/${encodeURIComponent(names.secretAccessKey)}`
  const idWas = await readState(octokit, target, names.accessKeyId, idPath)
  const secretWas = await updatedAt(octokit, secretPath)
  const unchanged = `its ${names.secretAccessKey} unchanged`
  const undo = async (error: unknown): Promise<never> => {
    let holds: string
    try {
      holds = `${await restoreId(w, target, names.accessKeyId, idWas, oldAccessKeyId)} and ${unchanged}`
    } catch (restore) {
      holds = `${names.accessKeyId} may hold the new key's ID ${values.accessKeyId} beside the old ${names.secretAccessKey}: putting ${oldAccessKeyId} back failed (${errorMessage(restore)}); set ${names.accessKeyId} to ${oldAccessKeyId} by hand`
    }
    throw new DeliveryFailed(errorMessage(error), holds)
  }
  try {
    await writeSecret(w, names.accessKeyId, values.accessKeyId)
  } catch (error) {
    return undo(error)
  }
  const sentAt = secondNow()
  try {
    return await writeSecret(w, names.secretAccessKey, values.secretAccessKey)
  } catch (error) {
    // An error answered for a write that landed all the same: the pair is complete, and new.
    const after = await updatedAt(octokit, secretPath).catch(() => undefined)
    if (after !== undefined && moved(secretWas, after, sentAt) && after !== secretWas) return after
    return undo(error)
  }
}
