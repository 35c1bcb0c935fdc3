// GitHub Actions secrets, as GitHub's REST reference describes them: each repository, environment
// and organization has a real libsodium key pair; GET .../secrets/public-key answers its public
// half with a key_id; PUT .../secrets/NAME takes a sealed box (encrypted_value) and that key_id
// (201 created, 204 updated; an organization secret also takes visibility and
// selected_repository_ids); GET .../secrets/NAME answers the name and the times, never the value;
// DELETE .../secrets/NAME answers 204; GET /orgs/ORG/actions/secrets/NAME/repositories lists the
// repositories a `selected` organization secret is visible to.
// Only the delivery token may use them: the job's GITHUB_TOKEN is refused with 403, as GitHub
// refuses it for another repository's secrets. Tests decrypt what was delivered with `valueOf`.
import { createHash } from 'node:crypto'
import sodium from 'libsodium-wrappers'
import { fullRepositoryJson, repositoryId, simpleRepositoryJson } from './account-json.js'
import { githubError, json, notFound, nowIso, type Reply } from './http.js'

export interface StoredSecret {
  name: string
  encrypted_value: string
  key_id: string
  created_at: string
  updated_at: string
  visibility?: string
  selected_repository_ids?: number[]
}

interface Scope {
  keyId: string
  keyPair: { publicKey: Uint8Array; privateKey: Uint8Array }
  secrets: Map<string, StoredSecret>
}

const ROUTES: {
  pattern: RegExp
  scope: (m: string[]) => string
  kind?: 'organization' | 'organization-repositories'
}[] = [
  {
    pattern: /^\/repos\/([^/]+)\/([^/]+)\/actions\/secrets\/([^/]+)$/,
    scope: (m) => `repo:${m[0]}/${m[1]}`
  },
  {
    pattern: /^\/repos\/([^/]+)\/([^/]+)\/environments\/([^/]+)\/secrets\/([^/]+)$/,
    scope: (m) => `env:${m[0]}/${m[1]}/${m[2]}`
  },
  {
    pattern: /^\/orgs\/([^/]+)\/actions\/secrets\/([^/]+)\/repositories$/,
    scope: (m) => `org:${m[0]}`,
    kind: 'organization-repositories'
  },
  {
    pattern: /^\/orgs\/([^/]+)\/actions\/secrets\/([^/]+)$/,
    scope: (m) => `org:${m[0]}`,
    kind: 'organization'
  }
]

export class FakeSecrets {
  private readonly scopes = new Map<string, Scope>()
  private readonly repositoryNames = new Map<number, string>()

  constructor(
    readonly token: string | undefined,
    /** Where the fake is served, for the URLs in its answers. */
    private readonly baseUrl: () => string
  ) {}

  static ready(): Promise<void> {
    return sodium.ready
  }

  /** Whether this request is one of the secrets API's (or the repository lookup it needs). */
  handles(path: string): boolean {
    return /\/secrets(\/|$)/.test(path) || /^\/repos\/[^/]+\/[^/]+$/.test(path)
  }

  handle(
    method: string,
    path: string,
    credential: string | undefined,
    body: Record<string, unknown>
  ): Reply {
    if (credential === undefined) return githubError(401, 'Requires authentication')
    if (credential !== this.token) return githubError(403, 'Resource not accessible by integration')
    const repo = /^\/repos\/([^/]+)\/([^/]+)$/.exec(path)
    if (repo && method === 'GET') {
      const [, owner = '', name = ''] = repo
      this.repositoryNames.set(repositoryId(owner, name), name)
      return json(200, fullRepositoryJson(this.baseUrl(), owner, name))
    }
    for (const route of ROUTES) {
      const match = route.pattern.exec(path)
      if (!match) continue
      const parts = match.slice(1)
      const name = parts[parts.length - 1] ?? ''
      const scope = this.scope(route.scope(parts))
      if (name === 'public-key' && method === 'GET')
        return json(200, {
          key_id: scope.keyId,
          key: sodium.to_base64(scope.keyPair.publicKey, sodium.base64_variants.ORIGINAL)
        })
      if (route.kind === 'organization-repositories') {
        const s = scope.secrets.get((parts[1] ?? '').toUpperCase())
        if (!s || method !== 'GET') return notFound()
        const ids = s.selected_repository_ids ?? []
        return json(200, {
          total_count: ids.length,
          // GitHub's minimal-repository of each (the names the fake learned from GET /repos).
          repositories: ids.map((id) =>
            simpleRepositoryJson(
              this.baseUrl(),
              parts[0] ?? '',
              this.repositoryNames.get(id) ?? String(id)
            )
          )
        })
      }
      if (method === 'DELETE')
        return scope.secrets.delete(name.toUpperCase()) ? { status: 204 } : notFound()
      if (method === 'GET') {
        const s = scope.secrets.get(name.toUpperCase())
        return s
          ? json(200, {
              name: s.name,
              created_at: s.created_at,
              updated_at: s.updated_at,
              ...(s.visibility ? { visibility: s.visibility } : {})
            })
          : notFound()
      }
      if (method === 'PUT') return this.put(scope, name, body, route.kind === 'organization')
    }
    return notFound()
  }

  private put(
    scope: Scope,
    name: string,
    body: Record<string, unknown>,
    organization: boolean
  ): Reply {
    const { encrypted_value: value, key_id: keyId } = body
    if (typeof value !== 'string' || typeof keyId !== 'string')
      return githubError(422, 'encrypted_value and key_id are required')
    if (keyId !== scope.keyId) return githubError(422, 'Bad key_id')
    if (
      organization &&
      body.visibility !== 'selected' &&
      body.visibility !== 'all' &&
      body.visibility !== 'private'
    )
      return githubError(422, 'visibility is required')
    try {
      this.open(scope, value)
    } catch {
      return githubError(422, 'encrypted_value is not a sealed box for this public key')
    }
    const existing = scope.secrets.get(name.toUpperCase())
    const at = nowIso()
    scope.secrets.set(name.toUpperCase(), {
      name: name.toUpperCase(),
      encrypted_value: value,
      key_id: keyId,
      created_at: existing?.created_at ?? at,
      updated_at: at,
      ...(organization
        ? {
            visibility: String(body.visibility),
            selected_repository_ids: (body.selected_repository_ids as number[]) ?? []
          }
        : {})
    })
    return existing ? { status: 204 } : json(201, {})
  }

  private scope(id: string): Scope {
    let scope = this.scopes.get(id.toLowerCase())
    if (!scope) {
      scope = {
        keyId: createHash('sha256').update(id).digest('hex').slice(0, 20),
        keyPair: sodium.crypto_box_keypair(),
        secrets: new Map()
      }
      this.scopes.set(id.toLowerCase(), scope)
    }
    return scope
  }

  private open(scope: Scope, value: string): string {
    const sealed = sodium.from_base64(value, sodium.base64_variants.ORIGINAL)
    return sodium.to_string(
      sodium.crypto_box_seal_open(sealed, scope.keyPair.publicKey, scope.keyPair.privateKey)
    )
  }

  /**
   * The decrypted value of a stored secret; `where` is `repo:OWNER/REPO`, `env:OWNER/REPO/ENV` or
   * `org:ORG`.
   */
  valueOf(where: string, name: string): string | undefined {
    const scope = this.scopes.get(where.toLowerCase())
    const secret = scope?.secrets.get(name.toUpperCase())
    return scope && secret ? this.open(scope, secret.encrypted_value) : undefined
  }

  /** A secret as it was before the run (what a consumer had), sealed like one GitHub took. */
  seed(
    where: string,
    name: string,
    value: string,
    extra: Pick<StoredSecret, 'visibility' | 'selected_repository_ids'> = {},
    at = '2026-01-01T00:00:00Z'
  ): void {
    const scope = this.scope(where)
    const sealed = sodium.crypto_box_seal(sodium.from_string(value), scope.keyPair.publicKey)
    scope.secrets.set(name.toUpperCase(), {
      name: name.toUpperCase(),
      encrypted_value: sodium.to_base64(sealed, sodium.base64_variants.ORIGINAL),
      key_id: scope.keyId,
      created_at: at,
      updated_at: at,
      ...extra
    })
  }

  stored(where: string, name: string): StoredSecret | undefined {
    return this.scopes.get(where.toLowerCase())?.secrets.get(name.toUpperCase())
  }
}
