// The REST API's JSON shapes of users and repositories, with every field GitHub's description
// marks required (`simple-user`, `simple-repository`, `full-repository`), their URLs under the
// fake's base URL as GitHub's are under api.github.com.
import { createHash } from 'node:crypto'

export const BOT_LOGIN = 'github-actions[bot]'
const BOT_ID = 41898282
const CREATED = '2024-01-01T00:00:00Z'

/** Stable fake numeric id for a login, so the same user always looks the same. */
function userId(login: string): number {
  if (login === BOT_LOGIN) return BOT_ID
  return [...login].reduce((hash, char) => (hash * 31 + char.charCodeAt(0)) % 1_000_000, 7) + 1
}

/** A stable repository ID, as GET /repos/OWNER/REPO answers it. */
export function repositoryId(owner: string, repo: string): number {
  return createHash('sha256').update(`${owner}/${repo}`.toLowerCase()).digest().readUInt32BE(0)
}

/** GitHub's `simple-user`. */
export function userJson(baseUrl: string, login: string): Record<string, unknown> {
  const id = userId(login)
  const url = `${baseUrl}/users/${encodeURIComponent(login)}`
  return {
    login,
    id,
    node_id: `U_fake${id}`,
    avatar_url: `https://avatars.githubusercontent.com/u/${id}?v=4`,
    gravatar_id: '',
    url,
    html_url: `https://github.com/${encodeURIComponent(login)}`,
    followers_url: `${url}/followers`,
    following_url: `${url}/following{/other_user}`,
    gists_url: `${url}/gists{/gist_id}`,
    starred_url: `${url}/starred{/owner}{/repo}`,
    subscriptions_url: `${url}/subscriptions`,
    organizations_url: `${url}/orgs`,
    repos_url: `${url}/repos`,
    events_url: `${url}/events{/privacy}`,
    received_events_url: `${url}/received_events`,
    type: login.endsWith('[bot]') ? 'Bot' : 'User',
    site_admin: false
  }
}

/** The `{/name}` URL templates of a repository, as GitHub lists them. */
const TEMPLATES: Record<string, string> = {
  archive_url: '/{archive_format}{/ref}',
  assignees_url: '/assignees{/user}',
  blobs_url: '/git/blobs{/sha}',
  branches_url: '/branches{/branch}',
  collaborators_url: '/collaborators{/collaborator}',
  comments_url: '/comments{/number}',
  commits_url: '/commits{/sha}',
  compare_url: '/compare/{base}...{head}',
  contents_url: '/contents/{+path}',
  contributors_url: '/contributors',
  deployments_url: '/deployments',
  downloads_url: '/downloads',
  events_url: '/events',
  forks_url: '/forks',
  git_commits_url: '/git/commits{/sha}',
  git_refs_url: '/git/refs{/sha}',
  git_tags_url: '/git/tags{/sha}',
  hooks_url: '/hooks',
  issue_comment_url: '/issues/comments{/number}',
  issue_events_url: '/issues/events{/number}',
  issues_url: '/issues{/number}',
  keys_url: '/keys{/key_id}',
  labels_url: '/labels{/name}',
  languages_url: '/languages',
  merges_url: '/merges',
  milestones_url: '/milestones{/number}',
  notifications_url: '/notifications{?since,all,participating}',
  pulls_url: '/pulls{/number}',
  releases_url: '/releases{/id}',
  stargazers_url: '/stargazers',
  statuses_url: '/statuses/{sha}',
  subscribers_url: '/subscribers',
  subscription_url: '/subscription',
  tags_url: '/tags',
  teams_url: '/teams',
  trees_url: '/git/trees{/sha}'
}

/** GitHub's `simple-repository` (what an organization's secret-scanning alert carries). */
export function simpleRepositoryJson(
  baseUrl: string,
  owner: string,
  name: string
): Record<string, unknown> {
  const url = `${baseUrl}/repos/${owner}/${name}`
  const id = repositoryId(owner, name)
  return {
    id,
    node_id: `R_fake${id}`,
    name,
    full_name: `${owner}/${name}`,
    owner: userJson(baseUrl, owner),
    private: true,
    html_url: `https://github.com/${owner}/${name}`,
    description: null,
    fork: false,
    url,
    ...Object.fromEntries(Object.entries(TEMPLATES).map(([key, tail]) => [key, url + tail]))
  }
}

/** GitHub's `full-repository`, what GET /repos/OWNER/REPO answers. */
export function fullRepositoryJson(
  baseUrl: string,
  owner: string,
  name: string
): Record<string, unknown> {
  const html = `https://github.com/${owner}/${name}`
  return {
    ...simpleRepositoryJson(baseUrl, owner, name),
    clone_url: `${html}.git`,
    git_url: `git://github.com/${owner}/${name}.git`,
    ssh_url: `git@github.com:${owner}/${name}.git`,
    svn_url: html,
    mirror_url: null,
    homepage: null,
    language: null,
    license: null,
    default_branch: 'main',
    forks: 0,
    forks_count: 0,
    stargazers_count: 0,
    watchers: 0,
    watchers_count: 0,
    open_issues: 0,
    open_issues_count: 0,
    network_count: 0,
    subscribers_count: 0,
    size: 0,
    has_issues: true,
    has_projects: false,
    has_wiki: false,
    has_pages: false,
    has_discussions: false,
    archived: false,
    disabled: false,
    visibility: 'private',
    pushed_at: CREATED,
    created_at: CREATED,
    updated_at: CREATED
  }
}
