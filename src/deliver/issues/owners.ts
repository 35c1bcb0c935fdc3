// Who owns a key's user, for its issue and reminders: the owners file (reviewed) when an entry
// covers the user, else the owner tag's login as before. Only reviewed names are ever mentioned:
// the owner tag's value selects owners-file entries, and outside the file it is a login that
// GitHub must accept as an assignee before it is written as one.
import { ownersOf, type OwnersConfig, type UserOwners } from '../../domain/owners.js'
import type { Octokit, Repo } from '../../github/client.js'
import type { Owner } from '../../render/issue.js'
import { resolveOwner, resolveOwnersFile } from './github.js'

export interface KeyOwner {
  owner: Owner
  /** The owners file's entries for the user, when one covers it. */
  fromFile?: UserOwners
}

export class OwnerResolver {
  private readonly assignable = new Map<string, boolean>()
  constructor(
    private readonly octokit: Octokit,
    private readonly repo: Repo,
    private readonly tags: ReadonlyMap<string, ReadonlyMap<string, string>>,
    private readonly ownerTag: string | undefined,
    private readonly config: OwnersConfig | undefined
  ) {}

  async of(userName: string): Promise<KeyOwner> {
    const tag = this.ownerTag ? this.tags.get(userName)?.get(this.ownerTag) : undefined
    const fromFile = this.config ? ownersOf(this.config, userName, tag) : undefined
    if (fromFile) {
      return {
        owner: await resolveOwnersFile(this.octokit, this.repo, fromFile, this.assignable),
        fromFile
      }
    }
    return { owner: await resolveOwner(this.octokit, this.repo, tag, this.assignable) }
  }
}

/** GitHub takes at most 10 assignees per issue; the rest are still mentioned. */
const MAX_ASSIGNEES = 10

/** The logins GitHub may assign: the owner tag's, or the owners file's that it accepted. */
export function assigneesOf(owner: Owner): string[] {
  if (owner.kind === 'assignable') return [owner.login]
  return owner.kind === 'owners-file' ? owner.assigned.slice(0, MAX_ASSIGNEES) : []
}
