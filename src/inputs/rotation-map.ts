// The rotation map (input rotation-config): a YAML file in the repository that runs the action,
// reviewed by pull request, saying where each IAM user's new key goes. Every problem names the
// file, the line and what to change, and is found before any AWS call.
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node, type Pair } from 'yaml'
import {
  DEFAULT_SECRET_NAMES,
  type RotationDestination,
  type RotationMap,
  type SecretNames
} from '../domain/rotation.js'
import { REGION, USER_NAME } from './patterns.js'

// GitHub: letters, digits and underscores, not starting with a digit or GITHUB_.
const SECRET_NAME = /^(?!GITHUB_)[A-Za-z_][A-Za-z0-9_]{0,199}$/i
const OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/
const REPO = /^[A-Za-z0-9._-]{1,100}$/
const ENVIRONMENT = /^[^/\n]{1,255}$/
// A secret name (letters, digits and /_+=.@-) or its ARN.
const SECRET_ID =
  /^(arn:aws(-cn|-us-gov|-iso|-iso-b)?:secretsmanager:[a-z0-9-]+:\d{12}:secret:[\w/+=.@-]{1,512}|[\w/+=.@-]{1,512})$/

const GITHUB_FIELDS = [
  'repository',
  'environment',
  'organization',
  'selected-repositories',
  'access-key-id-name',
  'secret-access-key-name'
]

export type MapResult = { ok: true; map: RotationMap } | { ok: false; problems: string[] }

class MapReader {
  readonly problems: string[] = []
  constructor(
    private readonly path: string,
    private readonly lines: LineCounter
  ) {}

  /** `rotation-config (path) line N: message` */
  problem(node: Node | null | undefined, message: string): void {
    const at = node?.range ? ` line ${this.lines.linePos(node.range[0]).line}` : ''
    this.problems.push(`'rotation-config' (${this.path})${at}: ${message}`)
  }

  text(node: unknown, what: string, pattern: RegExp, form: string): string | undefined {
    if (!isScalar(node) || typeof node.value !== 'string' || !pattern.test(node.value)) {
      const got = isScalar(node) ? `'${String(node.value)}'` : 'a list or mapping'
      this.problem(node as Node, `${what} must be ${form}; got ${got}.`)
      return undefined
    }
    return node.value
  }

  /** A mapping's pairs, each key a string; unknown keys are problems. */
  pairs(node: unknown, what: string, allowed?: readonly string[]): Pair<Node, Node>[] {
    if (!isMap(node)) {
      this.problem(node as Node, `${what} must be a mapping.`)
      return []
    }
    const pairs = node.items as Pair<Node, Node>[]
    for (const pair of pairs) {
      const key = isScalar(pair.key) ? String(pair.key.value) : ''
      if (allowed && !allowed.includes(key)) {
        this.problem(
          pair.key,
          `${what} has an unknown field '${key}'; the fields are ${allowed.join(', ')}.`
        )
      }
    }
    return pairs
  }
}

function field(pairs: Pair<Node, Node>[], name: string): Node | undefined {
  const pair = pairs.find((p) => isScalar(p.key) && p.key.value === name)
  return pair?.value ?? undefined
}

function secretNames(r: MapReader, pairs: Pair<Node, Node>[], who: string): SecretNames {
  const name = (key: string, fallback: string): string => {
    const node = field(pairs, key)
    if (node === undefined) return fallback
    return (
      r.text(
        node,
        `${who}: ${key}`,
        SECRET_NAME,
        'a GitHub secret name (letters, digits and _, not starting with a digit or GITHUB_)'
      ) ?? fallback
    )
  }
  const names = {
    accessKeyId: name('access-key-id-name', DEFAULT_SECRET_NAMES.accessKeyId),
    secretAccessKey: name('secret-access-key-name', DEFAULT_SECRET_NAMES.secretAccessKey)
  }
  if (names.accessKeyId.toUpperCase() === names.secretAccessKey.toUpperCase()) {
    r.problem(field(pairs, 'secret-access-key-name'), `${who}: the two secret names must differ.`)
  }
  return names
}

function githubDestination(r: MapReader, node: Node, who: string): RotationDestination | undefined {
  const pairs = r.pairs(node, `${who}: github-secrets`, GITHUB_FIELDS)
  const names = secretNames(r, pairs, `${who}: github-secrets`)
  const repository = field(pairs, 'repository')
  const organization = field(pairs, 'organization')
  if ((repository === undefined) === (organization === undefined)) {
    r.problem(
      node,
      `${who}: github-secrets needs exactly one of repository (owner/name) or organization.`
    )
    return undefined
  }
  if (organization !== undefined) {
    const org = r.text(organization, `${who}: organization`, OWNER, 'a GitHub organization name')
    const selected = field(pairs, 'selected-repositories')
    if (field(pairs, 'environment') !== undefined)
      r.problem(
        field(pairs, 'environment'),
        `${who}: environment belongs with repository, not organization.`
      )
    if (!isSeq(selected) || selected.items.length === 0) {
      r.problem(
        selected ?? node,
        `${who}: an organization secret needs selected-repositories, a list of the repository names that may read it.`
      )
      return undefined
    }
    const repos = selected.items.map((item) =>
      r.text(
        item,
        `${who}: selected-repositories entries`,
        REPO,
        'repository names of the organization (without the owner)'
      )
    )
    if (!org || repos.some((x) => x === undefined)) return undefined
    return { kind: 'github-organization', org, selectedRepositories: repos as string[], names }
  }
  const full = r.text(repository, `${who}: repository`, /^[^/\s]+\/[^/\s]+$/, 'owner/name')
  const [owner = '', repo = ''] = (full ?? '').split('/')
  if (full && (!OWNER.test(owner) || !REPO.test(repo))) {
    r.problem(
      repository,
      `${who}: repository must be owner/name of a GitHub repository; got '${full}'.`
    )
    return undefined
  }
  if (field(pairs, 'selected-repositories') !== undefined)
    r.problem(
      field(pairs, 'selected-repositories'),
      `${who}: selected-repositories belongs with organization, not repository.`
    )
  const envNode = field(pairs, 'environment')
  if (envNode === undefined)
    return full ? { kind: 'github-repository', owner, repo, names } : undefined
  const environment = r.text(
    envNode,
    `${who}: environment`,
    ENVIRONMENT,
    'a GitHub environment name'
  )
  return full && environment
    ? { kind: 'github-environment', owner, repo, environment, names }
    : undefined
}

function secretsManagerDestination(
  r: MapReader,
  node: Node,
  who: string
): RotationDestination | undefined {
  const pairs = r.pairs(node, `${who}: secrets-manager`, ['secret-id', 'region'])
  const idNode = field(pairs, 'secret-id')
  if (idNode === undefined) {
    r.problem(node, `${who}: secrets-manager needs secret-id, the secret's name or ARN.`)
    return undefined
  }
  const secretId = r.text(
    idNode,
    `${who}: secret-id`,
    SECRET_ID,
    'a Secrets Manager secret name or ARN'
  )
  const regionNode = field(pairs, 'region')
  const region =
    regionNode === undefined
      ? undefined
      : r.text(regionNode, `${who}: region`, REGION, 'an AWS region such as eu-west-1')
  if (!secretId) return undefined
  return { kind: 'secrets-manager', secretId, ...(region ? { region } : {}) }
}

function destination(
  r: MapReader,
  node: Node | null,
  who: string
): RotationDestination | undefined {
  const pairs = r.pairs(node, who, ['github-secrets', 'secrets-manager'])
  if (pairs.length !== 1) {
    if (isMap(node))
      r.problem(node, `${who} needs exactly one destination: github-secrets or secrets-manager.`)
    return undefined
  }
  const [pair] = pairs
  if (!pair || !isScalar(pair.key) || !pair.value) return undefined
  return pair.key.value === 'github-secrets'
    ? githubDestination(r, pair.value, who)
    : pair.key.value === 'secrets-manager'
      ? secretsManagerDestination(r, pair.value, who)
      : undefined
}

/** Parses the map's text; `path` is only for messages. */
export function parseRotationMap(text: string, path: string): MapResult {
  const lines = new LineCounter()
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true })
  const r = new MapReader(path, lines)
  if (doc.errors.length > 0) {
    for (const error of doc.errors) {
      const line = lines.linePos(error.pos[0]).line
      r.problems.push(
        `'rotation-config' (${path})${line ? ` line ${line}` : ''}: not valid YAML: ${error.message.split('\n')[0]}; fix the file.`
      )
    }
    return { ok: false, problems: r.problems }
  }
  const top = r.pairs(doc.contents, 'the file', ['version', 'users'])
  const version = field(top, 'version')
  if (
    version !== undefined &&
    !(isScalar(version) && (version.value === 1 || version.value === '1'))
  )
    r.problem(version, 'version must be 1 (or left out).')
  const usersNode = field(top, 'users')
  const users = new Map<string, RotationDestination>()
  if (usersNode === undefined && r.problems.length === 0) {
    r.problem(
      doc.contents,
      'the file needs users:, a mapping from IAM user name to where its new key goes.'
    )
  }
  for (const pair of usersNode === undefined ? [] : r.pairs(usersNode, 'users')) {
    const name = isScalar(pair.key) ? String(pair.key.value) : ''
    if (!USER_NAME.test(name)) {
      r.problem(
        pair.key,
        `'${name}' is not an IAM user name (1 to 64 letters, digits and '+=,.@_-'; no globs: each user is named).`
      )
      continue
    }
    if (users.has(name.toLowerCase())) {
      r.problem(
        pair.key,
        `user ${name} is listed twice (IAM user names are case-insensitive); keep one.`
      )
      continue
    }
    const dest = destination(r, pair.value, `user ${name}`)
    if (dest) users.set(name.toLowerCase(), dest)
  }
  if (r.problems.length > 0) return { ok: false, problems: r.problems }
  return { ok: true, map: { path, users } }
}

/** Whether any destination is a GitHub secret, which needs delivery-token. */
export function needsGitHubToken(map: RotationMap): boolean {
  return [...map.users.values()].some((d) => d.kind !== 'secrets-manager')
}
