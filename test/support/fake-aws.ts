/**
 * A loopback stand-in for the AWS services the action talks to (IAM, STS, SNS, CloudTrail,
 * Organizations), speaking their real wire protocols so the real SDK v3 clients work against it.
 * Point AWS_ENDPOINT_URL (or a client's `endpoint`) at the URL `start()` resolves to. IAM, STS and
 * SNS use the AWS Query protocol (form body in, XML out); CloudTrail and Organizations use JSON 1.1.
 * Requests are routed by the service in the SigV4 credential scope, by X-Amz-Target, or by
 * `Action` when unsigned.
 *
 * The model passed to the constructor is live: handlers read and mutate it, and tests may change
 * it between (or, through `setOnCall`, during) runs. Every call is recorded in `calls`.
 */
import { createHash, createHmac, randomBytes, randomUUID } from 'node:crypto'
import { createServer } from 'node:http'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fields, rootElement, xmlList, xmlMap } from './xml.js'
import type { XmlFields } from './xml.js'

// ---------------------------------------------------------------------------------------------
// Public types
// ---------------------------------------------------------------------------------------------

export interface FakeKey {
  accessKeyId: string
  /** When set, requests signed with this key must carry a valid SigV4 signature. */
  secretAccessKey?: string
  status: 'Active' | 'Inactive'
  createDate: Date
  lastUsed?: { date: Date; serviceName: string; region: string }
}

export interface FakeUser {
  userName: string
  userId?: string
  path?: string
  createDate?: Date
  tags?: Record<string, string>
  groups?: string[]
  inlinePolicies?: Record<string, string>
  keys: FakeKey[]
}

export interface FakeCloudTrailEvent {
  eventId: string
  eventName: string
  eventTime: Date
  eventSource: string
  username?: string
  accessKeyId?: string
  region: string
  resources?: { resourceType?: string; resourceName?: string }[]
  /** The raw JSON record, as CloudTrail returns it (a string, not an object). */
  cloudTrailEvent: string
}

export interface FakeAccount {
  accountId: string
  alias?: string
  users: FakeUser[]
  /** Role ARNs that AssumeRole / AssumeRoleWithWebIdentity may assume into this account. */
  roles?: string[]
  cloudTrail?: FakeCloudTrailEvent[]
  /** SNS topic ARNs that exist in this account. */
  topics?: string[]
  /** The root user's access keys: only the credential report shows them (at most two). */
  rootKeys?: FakeKey[]
}

export type AwsService = 'iam' | 'sts' | 'sns' | 'cloudtrail' | 'organizations'

export interface RecordedCall {
  service: AwsService
  action: string
  /** From the SigV4 credential scope; '' for unsigned calls (AssumeRoleWithWebIdentity). */
  region: string
  /** Flat form params without Action/Version; for JSON, top-level fields (non-strings stringified). */
  params: Record<string, string>
  body: string
  accessKeyId?: string
  /** HTTP status sent; 0 while in flight or when the socket was reset. */
  status: number
  at: number
}

export type Fault =
  | { status: number; code: string; message?: string }
  | { reset: true }
  | { delayMs: number }
  /** A malformed answer: this body as is (for example XML missing fields, or not XML at all). */
  | { rawBody: string; status?: number }

export interface FaultRule {
  service?: string
  action?: string
  /** How many calls the rule applies to; default Infinity. */
  times?: number
  match?: (call: RecordedCall) => boolean
  fault: Fault
}

export interface FakeAwsOptions {
  /** IAM list operations return at most min(pageSize, MaxItems) items; default 2. */
  pageSize?: number
  /** Delay added to every answer. */
  latencyMs?: number
  /** Token bucket over all IAM calls; beyond it IAM answers 400 Throttling 'Rate exceeded'. */
  iamRateLimit?: { perSecond: number; burst?: number }
  /** Per-region limit on CloudTrail calls; beyond it CloudTrail answers ThrottlingException. */
  cloudTrailRateLimit?: { perSecond: number }
  /** The `aud` claim AssumeRoleWithWebIdentity requires; default 'sts.amazonaws.com'. */
  expectedAudience?: string
  /** The roles' MaxSessionDuration; default 3600 (AWS's default for a new role). */
  maxSessionDurationSeconds?: number
  /** CloudTrail event history only covers this many days back; default 90, as in AWS. */
  cloudTrailRetentionDays?: number
  credentialReport?: CredentialReportOptions
  /** The AWS Organization the accounts belong to; without it Organizations calls fail as AWS's do. */
  organization?: FakeOrganization
}

/**
 * An organization: its root, OUs nested under the root or other OUs, and where each account sits.
 * Accounts listed here need no FakeAccount model (a suspended account usually has none).
 */
export interface FakeOrganization {
  /** o- followed by 10 to 32 lower-case letters or digits. */
  id: string
  managementAccountId: string
  /** r- followed by 4 to 32 lower-case letters or digits. */
  rootId: string
  units?: FakeOrganizationalUnit[]
  accounts: FakeOrganizationAccount[]
  /** Accounts besides the management account that may list the organization. */
  delegatedAdministrators?: string[]
}

export interface FakeOrganizationalUnit {
  /** ou-<root part>-<8 to 32 characters>. */
  id: string
  name: string
  /** The root or another OU. */
  parentId: string
}

export interface FakeOrganizationAccount {
  accountId: string
  name: string
  email?: string
  parentId: string
  /** Default ACTIVE. */
  state?: 'ACTIVE' | 'SUSPENDED' | 'PENDING_CLOSURE' | 'CLOSED'
}

/**
 * How GenerateCredentialReport behaves. By default every call snapshots the account and answers
 * COMPLETE at once. With `generationMs`, a new report answers STARTED, then INPROGRESS (and
 * GetCredentialReport answers ReportInProgress) until it is ready. With `reuseMs`, a report
 * younger than that is served again without a new snapshot, as AWS does for 4 hours.
 */
export interface CredentialReportOptions {
  generationMs?: number
  reuseMs?: number
  /** The fake's clock for report generation (tests advance it from an injected sleep). */
  now?: () => number
  /**
   * Fields written without RFC 4180 quoting, as moto writes them: a user name with a comma then
   * spans more columns than the header has. AWS's own behaviour is not documented either way.
   */
  unquoted?: boolean
  /** GeneratedTime is served this much older than the snapshot (a report AWS did not renew). */
  generatedAgeMs?: number
}

export interface PublishedMessage {
  topicArn: string
  /** The region the SNS client signed for (must match the topic's region to get here). */
  region: string
  subject?: string
  message: string
  attributes: Record<string, { DataType: string; StringValue?: string; BinaryValue?: string }>
  messageGroupId?: string
  messageDeduplicationId?: string
  messageId: string
}

// ---------------------------------------------------------------------------------------------
// Errors: every failure a handler raises becomes a protocol-shaped error answer
// ---------------------------------------------------------------------------------------------

class AwsError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string
  ) {
    super(message)
  }
}

const validationError = (message: string): AwsError => new AwsError(400, 'ValidationError', message)
const noSuchEntity = (message: string): AwsError => new AwsError(404, 'NoSuchEntity', message)
const invalidParameter = (message: string): AwsError =>
  new AwsError(400, 'InvalidParameter', `Invalid parameter: ${message}`)

/** Smithy's wording for a violated input constraint, as AWS sends it (null is unquoted). */
function constraintError(member: string, value: string | null, constraint: string): AwsError {
  const shown = value === null ? 'null' : `'${value}'`
  return validationError(
    `1 validation error detected: Value ${shown} at '${member}' failed to satisfy constraint: ${constraint}`
  )
}

/** Authentication failures differ in code and status between Query and JSON services. */
const AUTH_ERRORS = {
  missing: {
    query: [403, 'MissingAuthenticationToken'],
    json: [403, 'MissingAuthenticationTokenException'],
    message: 'Request is missing Authentication Token'
  },
  invalid: {
    query: [403, 'InvalidClientTokenId'],
    json: [400, 'UnrecognizedClientException'],
    message: 'The security token included in the request is invalid.'
  },
  expired: {
    query: [403, 'ExpiredToken'],
    json: [400, 'ExpiredTokenException'],
    message: 'The security token included in the request is expired'
  },
  signature: {
    query: [403, 'SignatureDoesNotMatch'],
    json: [400, 'InvalidSignatureException'],
    message:
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.'
  }
} as const

function authError(kind: keyof typeof AUTH_ERRORS, json: boolean): AwsError {
  const spec = AUTH_ERRORS[kind]
  const [status, code] = json ? spec.json : spec.query
  return new AwsError(status, code, spec.message)
}

// ---------------------------------------------------------------------------------------------
// Wire parsing: who is calling which operation with what
// ---------------------------------------------------------------------------------------------

interface SigV4 {
  accessKeyId: string
  date: string
  region: string
  service: string
  signedHeaders: string[]
  signature: string
}

interface Incoming {
  req: IncomingMessage
  raw: Buffer
  body: string
  auth?: SigV4
  service: AwsService
  action: string
  region: string
  params: Record<string, string>
  /** The parsed body of a JSON request. */
  json: Record<string, unknown>
  /** A body that could not be parsed; answered after the call is recorded. */
  parseError?: AwsError
}

const SIGV4_AUTH =
  /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request,\s*SignedHeaders=([^,]+),\s*Signature=([0-9a-f]+)$/

function parseAuthorization(header: string | undefined): SigV4 | undefined {
  const m = SIGV4_AUTH.exec(header ?? '')
  if (!m) return undefined
  const [, accessKeyId = '', date = '', region = '', service = '', signed = '', signature = ''] = m
  return { accessKeyId, date, region, service, signedHeaders: signed.split(';'), signature }
}

const STS_ACTIONS = new Set([
  'AssumeRole',
  'AssumeRoleWithWebIdentity',
  'AssumeRoleWithSAML',
  'GetCallerIdentity',
  'GetSessionToken',
  'GetFederationToken',
  'GetAccessKeyInfo',
  'DecodeAuthorizationMessage'
])
const SNS_ACTION = /Topic|Publish|Subscri|PlatformApplication|SMS|Endpoint/

/** The credential scope names the service; unsigned calls only have their Action to go by. */
function routeService(
  auth: SigV4 | undefined,
  target: string | undefined,
  action: string
): AwsService {
  const scoped = auth?.service
  if (
    scoped === 'iam' ||
    scoped === 'sts' ||
    scoped === 'sns' ||
    scoped === 'cloudtrail' ||
    scoped === 'organizations'
  ) {
    return scoped
  }
  if (target) return target.startsWith(ORGANIZATIONS_TARGET_PREFIX) ? 'organizations' : 'cloudtrail'
  if (STS_ACTIONS.has(action)) return 'sts'
  return SNS_ACTION.test(action) ? 'sns' : 'iam'
}

function parseIncoming(req: IncomingMessage, raw: Buffer): Incoming {
  const body = raw.toString('utf8')
  const auth = parseAuthorization(headerValue(req, 'authorization'))
  const target = headerValue(req, 'x-amz-target') || undefined
  const base = { req, raw, body, auth, region: auth?.region ?? '' }
  if (target !== undefined || auth?.service === 'cloudtrail' || auth?.service === 'organizations') {
    const action = (target ?? '').split('.').pop() ?? ''
    const service = routeService(auth, target, action)
    return { ...base, service, action, ...parseJsonBody(body) }
  }
  const form = new URLSearchParams(body)
  const action = form.get('Action') ?? ''
  form.delete('Action')
  form.delete('Version')
  const params = Object.fromEntries(form)
  return { ...base, service: routeService(auth, target, action), action, params, json: {} }
}

function parseJsonBody(body: string): Pick<Incoming, 'params' | 'json' | 'parseError'> {
  try {
    const parsed: unknown = JSON.parse(body || '{}')
    if (!isRecord(parsed)) throw new Error('not an object')
    const params = Object.fromEntries(
      Object.entries(parsed).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)])
    )
    return { params, json: parsed }
  } catch {
    const parseError = new AwsError(
      400,
      'SerializationException',
      'Start of structure or map found where not expected.'
    )
    return { params: {}, json: {}, parseError }
  }
}

function headerValue(req: IncomingMessage, name: string): string {
  const value = req.headers[name]
  return (Array.isArray(value) ? value.join(',') : (value ?? '')).trim().replace(/\s+/g, ' ')
}

/** Drops undefined members, so recorded entries also satisfy toStrictEqual. */
function definedOnly<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

// ---------------------------------------------------------------------------------------------
// Callers: issued sessions, model keys, and the default identity for any other key
// ---------------------------------------------------------------------------------------------

interface Session {
  accessKeyId: string
  secretAccessKey: string
  sessionToken: string
  expiration: Date
  account: FakeAccount
  roleArn: string
  sessionName: string
}

interface Caller {
  account: FakeAccount
  arn: string
  userId: string
  /** Set when the caller signed with a key of a modelled IAM user. */
  user?: FakeUser
  /** Set when the caller signed with credentials the fake issued. */
  session?: Session
}

const sha256Hex = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex')
const hmac = (key: string | Buffer, data: string): Buffer =>
  createHmac('sha256', key).update(data).digest()

/** Recomputes the SigV4 signature; only possible for keys whose secret the fake knows. */
function signatureMatches(incoming: Incoming, auth: SigV4, secret: string): boolean {
  const { req, raw } = incoming
  const url = new URL(req.url ?? '/', 'http://fake')
  const headers = auth.signedHeaders.map((name) => `${name}:${headerValue(req, name)}\n`).join('')
  const canonicalRequest = [
    req.method ?? 'POST',
    url.pathname,
    canonicalQuery(url.searchParams),
    headers,
    auth.signedHeaders.join(';'),
    sha256Hex(raw)
  ].join('\n')
  const scope = `${auth.date}/${auth.region}/${auth.service}/aws4_request`
  const amzDate = headerValue(req, 'x-amz-date')
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonicalRequest)].join('\n')
  const key = [auth.date, auth.region, auth.service, 'aws4_request'].reduce<string | Buffer>(
    (k, part) => hmac(k, part),
    `AWS4${secret}`
  )
  return hmac(key, stringToSign).toString('hex') === auth.signature
}

function canonicalQuery(params: URLSearchParams): string {
  const enc = (s: string): string => encodeRfc3986(s)
  return [...params]
    .map(([k, v]) => `${enc(k)}=${enc(v)}`)
    .sort()
    .join('&')
}

function encodeRfc3986(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`
  )
}

function sessionCaller(session: Session): Caller {
  const roleName = session.roleArn.split('/').pop() ?? ''
  return {
    account: session.account,
    arn: `arn:aws:sts::${session.account.accountId}:assumed-role/${roleName}/${session.sessionName}`,
    userId: `${stableId('AROA', session.roleArn)}:${session.sessionName}`,
    session
  }
}

function userCaller(account: FakeAccount, user: FakeUser): Caller {
  return { account, arn: userArn(account, user), userId: userIdOf(account, user), user }
}

function defaultCaller(account: FakeAccount): Caller {
  return {
    account,
    arn: `arn:aws:iam::${account.accountId}:user/default`,
    userId: stableId('AIDA', `${account.accountId}/default`)
  }
}

function findModelKey(
  accounts: FakeAccount[],
  accessKeyId: string
): { account: FakeAccount; user: FakeUser; key: FakeKey } | undefined {
  for (const account of accounts) {
    for (const user of account.users) {
      const key = user.keys.find((k) => k.accessKeyId === accessKeyId)
      if (key) return { account, user, key }
    }
  }
  return undefined
}

// ---------------------------------------------------------------------------------------------
// Identifiers and small formatting helpers
// ---------------------------------------------------------------------------------------------

const DEFAULT_DATE = new Date('2020-01-01T00:00:00Z')
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'
const SECRET_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'

function randomChars(alphabet: string, length: number): string {
  return Array.from(randomBytes(length), (b) => alphabet.charAt(b % alphabet.length)).join('')
}

/** AWS unique ids look like AIDA + 17 base32 characters; derive them stably from a seed. */
function stableId(prefix: string, seed: string): string {
  const bytes = createHash('sha256').update(seed).digest()
  return prefix + Array.from(bytes.subarray(0, 17), (b) => BASE32.charAt(b % 32)).join('')
}

const userPath = (user: FakeUser): string => user.path ?? '/'
const userArn = (account: FakeAccount, user: FakeUser): string =>
  `arn:aws:iam::${account.accountId}:user${userPath(user)}${user.userName}`
const userIdOf = (account: FakeAccount, user: FakeUser): string =>
  user.userId ?? stableId('AIDA', `${account.accountId}/${user.userName}`)

const sameName = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase()
const byName = (a: string, b: string): number =>
  a.toLowerCase() < b.toLowerCase() ? -1 : a.toLowerCase() > b.toLowerCase() ? 1 : 0

/** byName order, lower-casing each name once: accounts of 10,000 users are listed page by page. */
function sortedByName(users: readonly FakeUser[]): FakeUser[] {
  return users
    .map((user) => ({ user, key: user.userName.toLowerCase() }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map((entry) => entry.user)
}

const lowerFirst = (name: string): string => name.charAt(0).toLowerCase() + name.slice(1)

/** Truncates to whole seconds, the precision every timestamp has on the wire. */
const wholeSeconds = (ms: number): Date => new Date(Math.floor(ms / 1000) * 1000)

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

// ---------------------------------------------------------------------------------------------
// Handler context and shared server state
// ---------------------------------------------------------------------------------------------

interface ResolvedOptions {
  pageSize: number
  latencyMs: number
  expectedAudience: string
  maxSessionDurationSeconds: number
  cloudTrailRetentionDays: number
  credentialReport: Required<CredentialReportOptions>
  organization?: FakeOrganization
}

interface State {
  accounts: FakeAccount[]
  options: ResolvedOptions
  sessions: Map<string, Session>
  reports: Map<string, { csv: string; generatedAt: Date; readyAt: number; announced: boolean }>
  published: PublishedMessage[]
  /** FIFO deduplication: `${topicArn} ${dedupId}` → the first publish within 5 minutes. */
  fifoSeen: Map<string, { messageId: string; sequenceNumber: string; at: number }>
  nextSequence: bigint
}

interface Ctx {
  state: State
  action: string
  region: string
  params: Record<string, string>
  json: Record<string, unknown>
  caller: Caller
}

type QueryHandler = (ctx: Ctx) => XmlFields | undefined
type JsonHandler = (ctx: Ctx) => Record<string, unknown>

// ---------------------------------------------------------------------------------------------
// Query parameters: required members, integers, and `.member.N` lists
// ---------------------------------------------------------------------------------------------

function required(ctx: Ctx, name: string): string {
  const value = ctx.params[name]
  if (value === undefined) throw constraintError(lowerFirst(name), null, 'Member must not be null')
  return value
}

function optionalInt(ctx: Ctx, name: string, min: number, max: number): number | undefined {
  const raw = ctx.params[name]
  if (raw === undefined) return undefined
  const value = Number(raw)
  const member = lowerFirst(name)
  if (!Number.isInteger(value)) throw constraintError(member, raw, 'Member must be an integer')
  if (value < min) {
    throw constraintError(member, raw, `Member must have value greater than or equal to ${min}`)
  }
  if (value > max) {
    throw constraintError(member, raw, `Member must have value less than or equal to ${max}`)
  }
  return value
}

/** `Prefix.member.N` scalars, in order. */
function scalarList(params: Record<string, string>, prefix: string): string[] {
  const items: string[] = []
  for (let i = 1; params[`${prefix}.member.${i}`] !== undefined; i++) {
    items.push(params[`${prefix}.member.${i}`] ?? '')
  }
  return items
}

/** `Prefix.member.N.Field` structures, in order. */
function structList(params: Record<string, string>, prefix: string): Record<string, string>[] {
  const items: Record<string, string>[] = []
  for (let i = 1; ; i++) {
    const start = `${prefix}.member.${i}.`
    const entries = Object.entries(params).filter(([k]) => k.startsWith(start))
    if (entries.length === 0) return items
    items.push(Object.fromEntries(entries.map(([k, v]) => [k.slice(start.length), v])))
  }
}

/** `Prefix.entry.N.Name` / `Prefix.entry.N.Value.Field` maps (SNS message attributes). */
function entryMap(
  params: Record<string, string>,
  prefix: string
): Record<string, Record<string, string>> {
  const map: Record<string, Record<string, string>> = {}
  for (let i = 1; params[`${prefix}.entry.${i}.Name`] !== undefined; i++) {
    const valuePrefix = `${prefix}.entry.${i}.Value.`
    const value = Object.entries(params).filter(([k]) => k.startsWith(valuePrefix))
    map[params[`${prefix}.entry.${i}.Name`] ?? ''] = Object.fromEntries(
      value.map(([k, v]) => [k.slice(valuePrefix.length), v])
    )
  }
  return map
}

// ---------------------------------------------------------------------------------------------
// IAM pagination: Marker/MaxItems/IsTruncated with opaque markers
// ---------------------------------------------------------------------------------------------

interface Page<T> {
  items: T[]
  marker?: string
}

/** A marker names the last item returned, so deleting items between pages skips nothing. */
function paginate<T>(
  ctx: Ctx,
  all: readonly T[],
  idOf: (item: T) => string,
  scope: string
): Page<T> {
  const maxItems = optionalInt(ctx, 'MaxItems', 1, 1000) ?? 100
  const limit = Math.min(ctx.state.options.pageSize, maxItems)
  const owner = `${ctx.action}:${scope}`
  const marker = ctx.params.Marker
  const start = marker === undefined ? 0 : resumeIndex(marker, owner, all, idOf)
  const items = all.slice(start, start + limit)
  const last = items[items.length - 1]
  if (start + limit >= all.length || last === undefined) return { items }
  return { items, marker: encodeMarker({ owner, last: idOf(last), next: start + limit }) }
}

interface MarkerData {
  owner: string
  last: string
  next: number
}

function encodeMarker(data: MarkerData): string {
  return Buffer.from(JSON.stringify(data)).toString('base64')
}

function resumeIndex<T>(
  marker: string,
  owner: string,
  all: readonly T[],
  idOf: (item: T) => string
): number {
  let data: Partial<MarkerData> = {}
  try {
    data = JSON.parse(Buffer.from(marker, 'base64').toString('utf8')) as Partial<MarkerData>
  } catch {
    // Falls through to the owner check below.
  }
  if (data.owner !== owner || typeof data.next !== 'number') {
    throw validationError('Invalid Marker.')
  }
  const index = all.findIndex((item) => idOf(item) === data.last)
  return index >= 0 ? index + 1 : Math.min(data.next, all.length)
}

function pageFields(page: Page<unknown>): XmlFields {
  return { IsTruncated: page.marker !== undefined, Marker: page.marker }
}

// ---------------------------------------------------------------------------------------------
// IAM: users, access keys, tags, groups, inline policies, aliases
// ---------------------------------------------------------------------------------------------

/** IAM user names are case-insensitive. */
function findUser(account: FakeAccount, name: string): FakeUser | undefined {
  return account.users.find((u) => sameName(u.userName, name))
}

function requireUser(account: FakeAccount, name: string): FakeUser {
  const user = findUser(account, name)
  if (!user) throw noSuchEntity(`The user with name ${name} cannot be found.`)
  return user
}

/** Without UserName, IAM acts on the signing user; role sessions have no such user. */
function targetUser(ctx: Ctx): FakeUser {
  const name = ctx.params.UserName
  if (name !== undefined) return requireUser(ctx.caller.account, name)
  if (ctx.caller.session) {
    throw validationError('Must specify userName when calling with non-User credentials')
  }
  return requireUser(ctx.caller.account, ctx.caller.user?.userName ?? 'default')
}

function requireKey(user: FakeUser, accessKeyId: string): FakeKey {
  const key = user.keys.find((k) => k.accessKeyId === accessKeyId)
  if (!key) throw noSuchEntity(`The Access Key with id ${accessKeyId} cannot be found.`)
  return key
}

function userFields(account: FakeAccount, user: FakeUser): XmlFields {
  return {
    Path: userPath(user),
    UserName: user.userName,
    UserId: userIdOf(account, user),
    Arn: userArn(account, user),
    CreateDate: user.createDate ?? DEFAULT_DATE
  }
}

function listUsers(ctx: Ctx): XmlFields {
  const { account } = ctx.caller
  const prefix = ctx.params.PathPrefix ?? '/'
  const users = sortedByName(account.users.filter((u) => userPath(u).startsWith(prefix)))
  const page = paginate(ctx, users, (u) => u.userName, prefix)
  return { Users: xmlList(page.items.map((u) => userFields(account, u))), ...pageFields(page) }
}

function getUser(ctx: Ctx): XmlFields {
  const user = targetUser(ctx)
  const tags = Object.entries(user.tags ?? {}).map(([Key, Value]) => ({ Key, Value }))
  const fieldsWithTags = {
    ...userFields(ctx.caller.account, user),
    Tags: tags.length ? xmlList(tags) : undefined
  }
  return { User: fieldsWithTags }
}

function listAccessKeys(ctx: Ctx): XmlFields {
  const user = targetUser(ctx)
  const page = paginate(ctx, user.keys, (k) => k.accessKeyId, user.userName)
  const members = page.items.map((k) => ({
    UserName: user.userName,
    AccessKeyId: k.accessKeyId,
    Status: k.status,
    CreateDate: k.createDate
  }))
  return { AccessKeyMetadata: xmlList(members), ...pageFields(page) }
}

/** Never-used keys answer ServiceName and Region 'N/A' and no LastUsedDate, as AWS does. */
function getAccessKeyLastUsed(ctx: Ctx): XmlFields {
  const accessKeyId = required(ctx, 'AccessKeyId')
  const owner = ctx.caller.account.users.find((u) =>
    u.keys.some((k) => k.accessKeyId === accessKeyId)
  )
  if (!owner) throw noSuchEntity(`The Access Key with id ${accessKeyId} cannot be found.`)
  const used = requireKey(owner, accessKeyId).lastUsed
  const lastUsed = used
    ? { LastUsedDate: used.date, ServiceName: used.serviceName, Region: used.region }
    : { ServiceName: 'N/A', Region: 'N/A' }
  return { UserName: owner.userName, AccessKeyLastUsed: lastUsed }
}

function listUserTags(ctx: Ctx): XmlFields {
  const user = requireUser(ctx.caller.account, required(ctx, 'UserName'))
  const tags = Object.entries(user.tags ?? {}).map(([Key, Value]) => ({ Key, Value }))
  const page = paginate(ctx, tags, (t) => t.Key, user.userName)
  return { Tags: xmlList(page.items), ...pageFields(page) }
}

function listGroupsForUser(ctx: Ctx): XmlFields {
  const { account } = ctx.caller
  const user = requireUser(account, required(ctx, 'UserName'))
  const page = paginate(ctx, user.groups ?? [], (g) => g, user.userName)
  const groups = page.items.map((name) => ({
    Path: '/',
    GroupName: name,
    GroupId: stableId('AGPA', `${account.accountId}/${name}`),
    Arn: `arn:aws:iam::${account.accountId}:group/${name}`,
    CreateDate: DEFAULT_DATE
  }))
  return { Groups: xmlList(groups), ...pageFields(page) }
}

function listAccountAliases(ctx: Ctx): XmlFields {
  const { alias } = ctx.caller.account
  return { AccountAliases: xmlList(alias ? [alias] : []), IsTruncated: false }
}

function updateAccessKey(ctx: Ctx): undefined {
  const accessKeyId = required(ctx, 'AccessKeyId')
  const status = required(ctx, 'Status')
  if (status !== 'Active' && status !== 'Inactive') {
    throw constraintError(
      'status',
      status,
      'Member must satisfy enum value set: [Active, Inactive]'
    )
  }
  requireKey(targetUser(ctx), accessKeyId).status = status
  return undefined
}

function deleteAccessKey(ctx: Ctx): undefined {
  const accessKeyId = required(ctx, 'AccessKeyId')
  const user = targetUser(ctx)
  user.keys.splice(user.keys.indexOf(requireKey(user, accessKeyId)), 1)
  return undefined
}

// IAM's tag character set; notably no commas, quotes, '<', '&' or emoji.
const TAG_PATTERN = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u
const TAG_PATTERN_TEXT =
  'Member must satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*'
const MAX_TAGS = 50

function validateTag(tag: Record<string, string>, index: number): { key: string; value: string } {
  const key = tag.Key
  const value = tag.Value
  const at = (member: string): string => `tags.${index}.member.${member}`
  if (key === undefined) throw constraintError(at('key'), null, 'Member must not be null')
  if (value === undefined) throw constraintError(at('value'), null, 'Member must not be null')
  if (key.length < 1 || key.length > 128) {
    throw constraintError(at('key'), key, 'Member must have length between 1 and 128')
  }
  if (!TAG_PATTERN.test(key)) throw constraintError(at('key'), key, TAG_PATTERN_TEXT)
  if (value.length > 256) {
    throw constraintError(at('value'), value, 'Member must have length less than or equal to 256')
  }
  if (!TAG_PATTERN.test(value)) throw constraintError(at('value'), value, TAG_PATTERN_TEXT)
  if (key.toLowerCase().startsWith('aws:')) {
    throw new AwsError(
      400,
      'InvalidInput',
      'Tag keys starting with "aws:" are reserved for AWS use.'
    )
  }
  return { key, value }
}

function tagUser(ctx: Ctx): undefined {
  const user = requireUser(ctx.caller.account, required(ctx, 'UserName'))
  const tags = structList(ctx.params, 'Tags').map((t, i) => validateTag(t, i + 1))
  const distinct = new Set(tags.map((t) => t.key.toLowerCase()))
  if (distinct.size !== tags.length) {
    throw new AwsError(
      400,
      'InvalidInput',
      'Duplicate tag keys found. Please note that Tag keys are case insensitive.'
    )
  }
  const next = { ...(user.tags ?? {}) }
  for (const { key, value } of tags) {
    for (const existing of Object.keys(next)) if (sameName(existing, key)) delete next[existing]
    next[key] = value
  }
  if (Object.keys(next).length > MAX_TAGS) {
    throw new AwsError(409, 'LimitExceeded', `Cannot exceed quota for TagsPerUser: ${MAX_TAGS}`)
  }
  user.tags = next
  return undefined
}

function untagUser(ctx: Ctx): undefined {
  const user = requireUser(ctx.caller.account, required(ctx, 'UserName'))
  const remove = scalarList(ctx.params, 'TagKeys').map((k) => k.toLowerCase())
  for (const key of Object.keys(user.tags ?? {})) {
    if (user.tags && remove.includes(key.toLowerCase())) delete user.tags[key]
  }
  return undefined
}

const POLICY_NAME = /^[\w+=,.@-]{1,128}$/
const MAX_INLINE_POLICY_CHARS = 2048 // per user, all inline policies together, whitespace excluded

function putUserPolicy(ctx: Ctx): undefined {
  const user = requireUser(ctx.caller.account, required(ctx, 'UserName'))
  const name = required(ctx, 'PolicyName')
  const document = required(ctx, 'PolicyDocument')
  if (!POLICY_NAME.test(name)) {
    throw constraintError(
      'policyName',
      name,
      'Member must satisfy regular expression pattern: [\\w+=,.@-]+'
    )
  }
  assertPolicyDocument(document)
  const policies = { ...(user.inlinePolicies ?? {}), [name]: document }
  const size = Object.values(policies).join('').replace(/\s/g, '').length
  if (size > MAX_INLINE_POLICY_CHARS) {
    throw new AwsError(
      409,
      'LimitExceeded',
      `Maximum policy size of ${MAX_INLINE_POLICY_CHARS} bytes exceeded for user ${user.userName}`
    )
  }
  user.inlinePolicies = policies
  return undefined
}

function assertPolicyDocument(document: string): void {
  let parsed: unknown
  try {
    parsed = JSON.parse(document)
  } catch {
    throw new AwsError(400, 'MalformedPolicyDocument', 'Syntax errors in policy.')
  }
  if (!isRecord(parsed) || parsed.Statement === undefined) {
    throw new AwsError(400, 'MalformedPolicyDocument', 'Syntax errors in policy.')
  }
}

function requirePolicy(user: FakeUser, name: string): string {
  const document = Object.entries(user.inlinePolicies ?? {}).find(([n]) => sameName(n, name))?.[1]
  if (document === undefined) {
    throw noSuchEntity(`The user policy with name ${name} cannot be found.`)
  }
  return document
}

/** AWS returns the policy document URL-encoded (RFC 3986); the SDK does not decode it. */
function getUserPolicy(ctx: Ctx): XmlFields {
  const user = requireUser(ctx.caller.account, required(ctx, 'UserName'))
  const name = required(ctx, 'PolicyName')
  const document = requirePolicy(user, name)
  return { UserName: user.userName, PolicyName: name, PolicyDocument: encodeRfc3986(document) }
}

function deleteUserPolicy(ctx: Ctx): undefined {
  const user = requireUser(ctx.caller.account, required(ctx, 'UserName'))
  const name = required(ctx, 'PolicyName')
  requirePolicy(user, name)
  for (const key of Object.keys(user.inlinePolicies ?? {})) {
    if (user.inlinePolicies && sameName(key, name)) delete user.inlinePolicies[key]
  }
  return undefined
}

function listUserPolicies(ctx: Ctx): XmlFields {
  const user = requireUser(ctx.caller.account, required(ctx, 'UserName'))
  const names = Object.keys(user.inlinePolicies ?? {}).sort(byName)
  const page = paginate(ctx, names, (n) => n, user.userName)
  return { PolicyNames: xmlList(page.items), ...pageFields(page) }
}

const AUTHORIZATION_FILTERS = ['User', 'Role', 'Group', 'LocalManagedPolicy', 'AWSManagedPolicy']

/**
 * GetAccountAuthorizationDetails: users (the only entities modelled) with their inline policies
 * (URL-encoded, as IAM returns policy documents), groups and tags, MaxItems a page (at most 1000).
 * Without a Filter every type is returned; with one that leaves out User, no users.
 */
function getAccountAuthorizationDetails(ctx: Ctx): XmlFields {
  const { account } = ctx.caller
  const filter = scalarList(ctx.params, 'Filter')
  for (const value of filter) {
    if (!AUTHORIZATION_FILTERS.includes(value)) {
      throw constraintError(
        'filter',
        `[${filter.join(', ')}]`,
        `Member must satisfy constraint: [Member must satisfy enum value set: [${AUTHORIZATION_FILTERS.join(', ')}]]`
      )
    }
  }
  const users = filter.length === 0 || filter.includes('User') ? sortedByName(account.users) : []
  const page = paginate(ctx, users, (u) => u.userName, filter.join(','))
  const details = page.items.map((user) => {
    const tags = Object.entries(user.tags ?? {}).map(([Key, Value]) => ({ Key, Value }))
    const policies = Object.entries(user.inlinePolicies ?? {}).map(([name, document]) => ({
      PolicyName: name,
      PolicyDocument: encodeURIComponent(document)
    }))
    return {
      ...userFields(account, user),
      UserPolicyList: xmlList(policies),
      GroupList: xmlList(user.groups ?? []),
      AttachedManagedPolicies: xmlList([]),
      Tags: xmlList(tags)
    }
  })
  return {
    UserDetailList: xmlList(details),
    GroupDetailList: xmlList([]),
    RoleDetailList: xmlList([]),
    Policies: xmlList([]),
    ...pageFields(page)
  }
}

// ---------------------------------------------------------------------------------------------
// IAM credential report: AWS's CSV, snapshotted when generated
// ---------------------------------------------------------------------------------------------

const REPORT_COLUMNS = [
  'user',
  'arn',
  'user_creation_time',
  'password_enabled',
  'password_last_used',
  'password_last_changed',
  'password_next_rotation',
  'mfa_active',
  'access_key_1_active',
  'access_key_1_last_rotated',
  'access_key_1_last_used_date',
  'access_key_1_last_used_region',
  'access_key_1_last_used_service',
  'access_key_2_active',
  'access_key_2_last_rotated',
  'access_key_2_last_used_date',
  'access_key_2_last_used_region',
  'access_key_2_last_used_service',
  'cert_1_active',
  'cert_1_last_rotated',
  'cert_2_active',
  'cert_2_last_rotated'
]

/** The report writes times as ISO 8601 with an explicit +00:00 offset. */
const reportDate = (date: Date): string => date.toISOString().replace(/\.\d{3}Z$/, '+00:00')

const NO_CERTS = ['false', 'N/A', 'false', 'N/A']

function keyColumns(key: FakeKey | undefined): string[] {
  if (!key) return ['false', 'N/A', 'N/A', 'N/A', 'N/A']
  const used = key.lastUsed
  return [
    String(key.status === 'Active'),
    reportDate(key.createDate),
    used ? reportDate(used.date) : 'N/A',
    used?.region ?? 'N/A',
    used?.serviceName ?? 'N/A'
  ]
}

/** The root row: password columns are not_supported, certificates absent; keys when modelled. */
function rootRow(account: FakeAccount): string[] {
  const identity = [
    '<root_account>',
    `arn:aws:iam::${account.accountId}:root`,
    reportDate(DEFAULT_DATE)
  ]
  const password = ['not_supported', 'no_information', 'not_supported', 'not_supported', 'false']
  const keys = byCreation(account.rootKeys ?? [])
  return [...identity, ...password, ...keyColumns(keys[0]), ...keyColumns(keys[1]), ...NO_CERTS]
}

const byCreation = (keys: readonly FakeKey[]): FakeKey[] =>
  [...keys].sort((a, b) => a.createDate.getTime() - b.createDate.getTime())

/** Modelled users have no console password or MFA; key 1 is the older key. */
function userRow(account: FakeAccount, user: FakeUser): string[] {
  const keys = byCreation(user.keys)
  const identity = [
    user.userName,
    userArn(account, user),
    reportDate(user.createDate ?? DEFAULT_DATE)
  ]
  const password = ['false', 'N/A', 'N/A', 'N/A', 'false']
  return [...identity, ...password, ...keyColumns(keys[0]), ...keyColumns(keys[1]), ...NO_CERTS]
}

/** AWS never needs quoting (names cannot hold commas); hostile test names still get RFC 4180. */
const csvField = (value: string): string =>
  /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value

/** The account's credential report CSV, exactly as GetCredentialReport serves it. */
export function credentialReportCsv(account: FakeAccount, unquoted = false): string {
  const users = sortedByName(account.users)
  const rows = [REPORT_COLUMNS, rootRow(account), ...users.map((u) => userRow(account, u))]
  return rows.map((row) => row.map(unquoted ? String : csvField).join(',')).join('\n')
}

function generateCredentialReport(ctx: Ctx): XmlFields {
  const { account } = ctx.caller
  const { generationMs, reuseMs, unquoted } = ctx.state.options.credentialReport
  const now = ctx.state.options.credentialReport.now()
  const current = ctx.state.reports.get(account.accountId)
  if (current && now < current.readyAt) return { State: 'INPROGRESS' }
  // A report that finished since the last call is COMPLETE once, whatever reuseMs says.
  const fresh = current !== undefined && !current.announced
  if (current && (fresh || now - current.generatedAt.getTime() < reuseMs)) {
    current.announced = true
    return { State: 'COMPLETE' }
  }
  const csv = credentialReportCsv(account, unquoted)
  const announced = generationMs === 0
  const report = { csv, generatedAt: wholeSeconds(now), readyAt: now + generationMs, announced }
  ctx.state.reports.set(account.accountId, report)
  return { State: announced ? 'COMPLETE' : 'STARTED' }
}

function getCredentialReport(ctx: Ctx): XmlFields {
  const report = ctx.state.reports.get(ctx.caller.account.accountId)
  if (!report) {
    throw new AwsError(
      410,
      'ReportNotPresent',
      'Credential report not present. Use GenerateCredentialReport to generate a report.'
    )
  }
  const options = ctx.state.options.credentialReport
  if (options.now() < report.readyAt) {
    throw new AwsError(404, 'ReportInProgress', 'Credential report is being generated.')
  }
  const content = Buffer.from(report.csv, 'utf8').toString('base64')
  const generatedTime = new Date(report.generatedAt.getTime() - options.generatedAgeMs)
  return { Content: content, ReportFormat: 'text/csv', GeneratedTime: generatedTime }
}

const IAM_HANDLERS: Record<string, QueryHandler> = {
  ListUsers: listUsers,
  GetUser: getUser,
  ListAccessKeys: listAccessKeys,
  GetAccessKeyLastUsed: getAccessKeyLastUsed,
  ListUserTags: listUserTags,
  ListGroupsForUser: listGroupsForUser,
  ListAccountAliases: listAccountAliases,
  UpdateAccessKey: updateAccessKey,
  DeleteAccessKey: deleteAccessKey,
  TagUser: tagUser,
  UntagUser: untagUser,
  PutUserPolicy: putUserPolicy,
  DeleteUserPolicy: deleteUserPolicy,
  GetUserPolicy: getUserPolicy,
  ListUserPolicies: listUserPolicies,
  GetAccountAuthorizationDetails: getAccountAuthorizationDetails,
  GenerateCredentialReport: generateCredentialReport,
  GetCredentialReport: getCredentialReport
}

// ---------------------------------------------------------------------------------------------
// STS: web identity federation, role chaining, caller identity
// ---------------------------------------------------------------------------------------------

const ROLE_ARN = /^arn:aws[\w-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/
const SESSION_NAME = /^[\w+=,.@-]*$/
const CHAINED_MAX_SECONDS = 3600

function validateSessionName(name: string): void {
  if (name.length < 2) {
    throw constraintError(
      'roleSessionName',
      name,
      'Member must have length greater than or equal to 2'
    )
  }
  if (name.length > 64) {
    throw constraintError(
      'roleSessionName',
      name,
      'Member must have length less than or equal to 64'
    )
  }
  if (!SESSION_NAME.test(name)) {
    throw constraintError(
      'roleSessionName',
      name,
      'Member must satisfy regular expression pattern: [\\w+=,.@-]*'
    )
  }
}

function requireRoleArn(ctx: Ctx): string {
  const roleArn = required(ctx, 'RoleArn')
  if (!ROLE_ARN.test(roleArn)) throw validationError(`${roleArn} is invalid`)
  return roleArn
}

function sessionDuration(ctx: Ctx, limit: number, tooLong: string): number {
  const seconds = optionalInt(ctx, 'DurationSeconds', 900, 43200) ?? 3600
  if (seconds > limit) throw validationError(tooLong)
  return seconds
}

function roleOwner(state: State, roleArn: string): FakeAccount | undefined {
  return state.accounts.find((a) => (a.roles ?? []).includes(roleArn))
}

/** Fresh credentials, remembered so later calls signed with them act in the role's account. */
function issueSession(
  state: State,
  account: FakeAccount,
  roleArn: string,
  sessionName: string,
  seconds: number
): Session {
  const session: Session = {
    accessKeyId: `ASIA${randomChars(UPPER_ALNUM, 16)}`,
    secretAccessKey: randomChars(SECRET_CHARS, 40),
    sessionToken: `IQoJb3JpZ2luX2Vj${randomBytes(180).toString('base64')}`,
    expiration: wholeSeconds(Date.now() + seconds * 1000),
    account,
    roleArn,
    sessionName
  }
  state.sessions.set(session.accessKeyId, session)
  return session
}

function sessionFields(session: Session): XmlFields {
  const caller = sessionCaller(session)
  return {
    Credentials: {
      AccessKeyId: session.accessKeyId,
      SecretAccessKey: session.secretAccessKey,
      SessionToken: session.sessionToken,
      Expiration: session.expiration
    },
    AssumedRoleUser: { AssumedRoleId: caller.userId, Arn: caller.arn }
  }
}

const invalidToken = (message: string): AwsError =>
  new AwsError(400, 'InvalidIdentityToken', message)

/** STS reads the claims of a JWT without our having to sign it: header.payload.signature. */
function jwtClaims(token: string): Record<string, unknown> {
  const parts = token.split('.')
  const notJwt =
    'The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)'
  if (parts.length !== 3 || !parts.every((p) => /^[A-Za-z0-9_-]+$/.test(p))) {
    throw invalidToken(notJwt)
  }
  try {
    const claims: unknown = JSON.parse(Buffer.from(parts[1] ?? '', 'base64url').toString('utf8'))
    if (isRecord(claims)) return claims
  } catch {
    // Reported below.
  }
  throw invalidToken(notJwt)
}

function checkClaims(claims: Record<string, unknown>, audience: string): void {
  const aud = claims.aud
  const audiences = Array.isArray(aud) ? aud : [aud]
  if (!audiences.includes(audience)) throw invalidToken('Incorrect token audience')
  const exp = claims.exp
  if (typeof exp === 'number' && exp * 1000 <= Date.now()) {
    const now = new Date().toISOString()
    const at = new Date(exp * 1000).toISOString()
    throw new AwsError(
      400,
      'ExpiredTokenException',
      `Token expired: current date/time ${now} must be before the expiration date/time ${at}`
    )
  }
}

function assumeRoleWithWebIdentity(ctx: Ctx): XmlFields {
  const roleArn = requireRoleArn(ctx)
  const sessionName = required(ctx, 'RoleSessionName')
  validateSessionName(sessionName)
  const max = ctx.state.options.maxSessionDurationSeconds
  const seconds = sessionDuration(
    ctx,
    max,
    'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.'
  )
  const claims = jwtClaims(required(ctx, 'WebIdentityToken'))
  checkClaims(claims, ctx.state.options.expectedAudience)
  const account = roleOwner(ctx.state, roleArn)
  if (!account) {
    throw new AwsError(
      403,
      'AccessDenied',
      'Not authorized to perform sts:AssumeRoleWithWebIdentity'
    )
  }
  const session = issueSession(ctx.state, account, roleArn, sessionName, seconds)
  return {
    ...sessionFields(session),
    SubjectFromWebIdentityToken: stringClaim(claims.sub),
    Provider: stringClaim(claims.iss),
    Audience: ctx.state.options.expectedAudience
  }
}

const stringClaim = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : undefined

/** Role chaining: a role session may assume another role, for at most one hour. */
function assumeRole(ctx: Ctx): XmlFields {
  const roleArn = requireRoleArn(ctx)
  const sessionName = required(ctx, 'RoleSessionName')
  validateSessionName(sessionName)
  const chained = ctx.caller.session !== undefined
  const max = chained ? CHAINED_MAX_SECONDS : ctx.state.options.maxSessionDurationSeconds
  const tooLong = chained
    ? 'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.'
    : 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.'
  const seconds = sessionDuration(ctx, max, tooLong)
  const account = roleOwner(ctx.state, roleArn)
  if (!account) {
    const message = `User: ${ctx.caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`
    throw new AwsError(403, 'AccessDenied', message)
  }
  return sessionFields(issueSession(ctx.state, account, roleArn, sessionName, seconds))
}

function getCallerIdentity(ctx: Ctx): XmlFields {
  const { caller } = ctx
  return { UserId: caller.userId, Account: caller.account.accountId, Arn: caller.arn }
}

const STS_HANDLERS: Record<string, QueryHandler> = {
  AssumeRoleWithWebIdentity: assumeRoleWithWebIdentity,
  AssumeRole: assumeRole,
  GetCallerIdentity: getCallerIdentity
}

// ---------------------------------------------------------------------------------------------
// SNS: Publish and GetTopicAttributes
// ---------------------------------------------------------------------------------------------

const TOPIC_ARN = /^arn:aws[\w-]*:sns:([\w-]+):(\d{12}):([\w-]{1,256}(?:\.fifo)?)$/
const MAX_MESSAGE_BYTES = 262144
const MAX_ATTRIBUTES = 10
const FIFO_DEDUP_WINDOW_MS = 5 * 60 * 1000

/** The topic must be in the signing region and the caller's account. */
function resolveTopic(ctx: Ctx, topicArn: string, operation: string): string {
  const m = TOPIC_ARN.exec(topicArn)
  if (!m || m[1] !== ctx.region) throw invalidParameter('TopicArn')
  if ((ctx.caller.account.topics ?? []).includes(topicArn)) return topicArn
  if (ctx.state.accounts.some((a) => (a.topics ?? []).includes(topicArn))) {
    const message = `User: ${ctx.caller.arn} is not authorized to perform: SNS:${operation} on resource: ${topicArn} because no resource-based policy allows the SNS:${operation} action`
    throw new AwsError(403, 'AuthorizationError', message)
  }
  throw new AwsError(404, 'NotFound', 'Topic does not exist')
}

const isFifo = (topicArn: string): boolean => topicArn.endsWith('.fifo')

function validateMessage(ctx: Ctx, message: string | undefined): string {
  if (!message) throw invalidParameter('Empty message')
  if (Buffer.byteLength(message) > MAX_MESSAGE_BYTES) throw invalidParameter('Message too long')
  if (ctx.params.MessageStructure === 'json') {
    let parsed: unknown
    try {
      parsed = JSON.parse(message)
    } catch {
      throw invalidParameter('Message Structure - JSON message body failed to parse')
    }
    if (!isRecord(parsed) || typeof parsed.default !== 'string') {
      throw invalidParameter('Message Structure - No default entry in JSON message body')
    }
  }
  return message
}

/** Subjects are printable ASCII, one line, at most 100 characters. */
function validateSubject(subject: string | undefined): string | undefined {
  if (subject === undefined) return undefined
  if (subject.length === 0 || subject.length > 100 || !/^[\x20-\x7e]+$/.test(subject)) {
    throw invalidParameter('Subject')
  }
  return subject
}

function messageAttributes(ctx: Ctx): PublishedMessage['attributes'] {
  const raw = entryMap(ctx.params, 'MessageAttributes')
  const names = Object.keys(raw)
  const invalid = (message: string): AwsError => new AwsError(400, 'ParameterValueInvalid', message)
  if (names.length > MAX_ATTRIBUTES) {
    throw invalid(
      `Number of message attributes [${names.length}] exceeds the allowed maximum [${MAX_ATTRIBUTES}].`
    )
  }
  const attributes: PublishedMessage['attributes'] = {}
  for (const [name, value] of Object.entries(raw)) {
    const type = value.DataType ?? ''
    const base = type.split('.')[0]
    if (base !== 'String' && base !== 'Number' && base !== 'Binary') {
      throw invalid(
        `The message attribute '${name}' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String.`
      )
    }
    const present = base === 'Binary' ? value.BinaryValue : value.StringValue
    if (!present) {
      throw invalid(
        `The message attribute '${name}' must contain non-empty message attribute value for message attribute type '${type}'.`
      )
    }
    if (base === 'Number' && !Number.isFinite(Number(present))) {
      throw invalid(`Could not cast message attribute '${name}' value to number.`)
    }
    attributes[name] = definedOnly({
      DataType: type,
      StringValue: value.StringValue,
      BinaryValue: value.BinaryValue
    })
  }
  return attributes
}

/** FIFO topics need both ids here (the fake has no content-based deduplication). */
function fifoIds(ctx: Ctx, topicArn: string): { groupId?: string; dedupId?: string } {
  const groupId = ctx.params.MessageGroupId
  const dedupId = ctx.params.MessageDeduplicationId
  if (!isFifo(topicArn)) {
    if (dedupId !== undefined) {
      throw invalidParameter(
        'MessageDeduplicationId Reason: The request includes MessageDeduplicationId parameter that is not valid for this topic type'
      )
    }
    return { groupId }
  }
  if (!groupId) throw invalidParameter('The MessageGroupId parameter is required for FIFO topics')
  if (!dedupId) {
    throw invalidParameter(
      'The topic should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly'
    )
  }
  return { groupId, dedupId }
}

function publish(ctx: Ctx): XmlFields {
  const topicArn = ctx.params.TopicArn ?? ctx.params.TargetArn
  if (!topicArn) {
    throw invalidParameter('TopicArn or TargetArn Reason: no value for required parameter')
  }
  resolveTopic(ctx, topicArn, 'Publish')
  const message = validateMessage(ctx, ctx.params.Message)
  const subject = validateSubject(ctx.params.Subject)
  const attributes = messageAttributes(ctx)
  const { groupId, dedupId } = fifoIds(ctx, topicArn)
  const duplicate = dedupId ? recentDuplicate(ctx.state, topicArn, dedupId) : undefined
  if (duplicate) return { MessageId: duplicate.messageId, SequenceNumber: duplicate.sequenceNumber }
  const messageId = randomUUID()
  const entry = { topicArn, region: ctx.region, subject, message, attributes, messageId }
  ctx.state.published.push(
    definedOnly({ ...entry, messageGroupId: groupId, messageDeduplicationId: dedupId })
  )
  if (!isFifo(topicArn) || !dedupId) return { MessageId: messageId }
  const sequenceNumber = rememberFifo(ctx.state, topicArn, dedupId, messageId)
  return { MessageId: messageId, SequenceNumber: sequenceNumber }
}

/** A repeated deduplication id within five minutes is accepted but not delivered again. */
function recentDuplicate(state: State, topicArn: string, dedupId: string) {
  const seen = state.fifoSeen.get(`${topicArn} ${dedupId}`)
  return seen && Date.now() - seen.at < FIFO_DEDUP_WINDOW_MS ? seen : undefined
}

function rememberFifo(state: State, topicArn: string, dedupId: string, messageId: string): string {
  state.nextSequence += 1n
  const sequenceNumber = state.nextSequence.toString().padStart(20, '0')
  state.fifoSeen.set(`${topicArn} ${dedupId}`, { messageId, sequenceNumber, at: Date.now() })
  return sequenceNumber
}

function getTopicAttributes(ctx: Ctx): XmlFields {
  const topicArn = resolveTopic(ctx, required(ctx, 'TopicArn'), 'GetTopicAttributes')
  const owner = ctx.caller.account.accountId
  const attributes: Record<string, string> = {
    TopicArn: topicArn,
    Owner: owner,
    DisplayName: '',
    Policy: JSON.stringify(defaultTopicPolicy(topicArn, owner)),
    SubscriptionsConfirmed: '0',
    SubscriptionsPending: '0',
    SubscriptionsDeleted: '0',
    EffectiveDeliveryPolicy: JSON.stringify({
      http: { defaultHealthyRetryPolicy: { numRetries: 3 } }
    })
  }
  if (isFifo(topicArn)) {
    Object.assign(attributes, { FifoTopic: 'true', ContentBasedDeduplication: 'false' })
  }
  return { Attributes: xmlMap(attributes) }
}

function defaultTopicPolicy(topicArn: string, owner: string): Record<string, unknown> {
  return {
    Version: '2008-10-17',
    Id: '__default_policy_ID',
    Statement: [
      {
        Sid: '__default_statement_ID',
        Effect: 'Allow',
        Principal: { AWS: '*' },
        Action: ['SNS:Publish', 'SNS:GetTopicAttributes'],
        Resource: topicArn,
        Condition: { StringEquals: { 'AWS:SourceOwner': owner } }
      }
    ]
  }
}

const SNS_HANDLERS: Record<string, QueryHandler> = {
  Publish: publish,
  GetTopicAttributes: getTopicAttributes
}

// ---------------------------------------------------------------------------------------------
// CloudTrail: LookupEvents over the account's event history in the signing region
// ---------------------------------------------------------------------------------------------

const LOOKUP_KEYS = [
  'EventId',
  'EventName',
  'ReadOnly',
  'Username',
  'ResourceType',
  'ResourceName',
  'EventSource',
  'AccessKeyId'
] as const
type LookupKey = (typeof LOOKUP_KEYS)[number]

interface LookupAttribute {
  key: LookupKey
  value: string
}

const trailError = (code: string, message: string): AwsError => new AwsError(400, code, message)

/** CloudTrail accepts at most one lookup attribute per request. */
function lookupAttribute(value: unknown): LookupAttribute | undefined {
  if (value === undefined) return undefined
  if (!Array.isArray(value)) {
    throw trailError('SerializationException', 'LookupAttributes must be a list')
  }
  if (value.length > 1) {
    throw trailError(
      'InvalidLookupAttributesException',
      'You can only specify one lookup attribute.'
    )
  }
  const first: unknown = value[0]
  if (first === undefined) return undefined
  const key = isRecord(first) ? first.AttributeKey : undefined
  const attributeValue = isRecord(first) ? first.AttributeValue : undefined
  if (
    !LOOKUP_KEYS.includes(key as LookupKey) ||
    typeof attributeValue !== 'string' ||
    !attributeValue
  ) {
    throw trailError(
      'InvalidLookupAttributesException',
      `Invalid lookup attribute: ${JSON.stringify(first)}`
    )
  }
  return { key: key as LookupKey, value: attributeValue }
}

function readOnlyOf(event: FakeCloudTrailEvent): boolean {
  try {
    const record: unknown = JSON.parse(event.cloudTrailEvent)
    if (isRecord(record) && typeof record.readOnly === 'boolean') return record.readOnly
  } catch {
    // Fall back to the name, which is how AWS classifies most calls anyway.
  }
  return /^(Get|List|Describe|Lookup|Head)/.test(event.eventName)
}

function attributeMatches(
  event: FakeCloudTrailEvent,
  attribute: LookupAttribute | undefined
): boolean {
  if (!attribute) return true
  const resources = event.resources ?? []
  const values: Record<LookupKey, (string | undefined)[]> = {
    EventId: [event.eventId],
    EventName: [event.eventName],
    ReadOnly: [String(readOnlyOf(event))],
    Username: [event.username],
    ResourceType: resources.map((r) => r.resourceType),
    ResourceName: resources.map((r) => r.resourceName),
    EventSource: [event.eventSource],
    AccessKeyId: [event.accessKeyId]
  }
  return values[attribute.key].includes(attribute.value)
}

function epochInput(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined
  if (typeof value !== 'number') {
    throw trailError('SerializationException', `${name} must be epoch seconds`)
  }
  return value * 1000
}

interface LookupQuery {
  attribute?: LookupAttribute
  fromMs: number
  toMs: number
  maxResults: number
  /** Identifies the query so a NextToken cannot be replayed against a different one. */
  fingerprint: string
}

function lookupQuery(ctx: Ctx): LookupQuery {
  const { json } = ctx
  const attribute = lookupAttribute(json.LookupAttributes)
  const start = epochInput(json.StartTime, 'StartTime')
  const end = epochInput(json.EndTime, 'EndTime')
  if (start !== undefined && end !== undefined && start > end) {
    throw trailError('InvalidTimeRangeException', 'Start time must be before end time.')
  }
  const maxResults = json.MaxResults ?? 50
  if (
    typeof maxResults !== 'number' ||
    !Number.isInteger(maxResults) ||
    maxResults < 1 ||
    maxResults > 50
  ) {
    throw trailError('InvalidMaxResultsException', 'MaxResults must be between 1 and 50.')
  }
  const retentionStart = Date.now() - ctx.state.options.cloudTrailRetentionDays * 86_400_000
  const fingerprint = sha256Hex(
    JSON.stringify([ctx.region, attribute, start, end, json.EventCategory])
  )
  return {
    attribute,
    fromMs: Math.max(start ?? 0, retentionStart),
    toMs: end ?? Date.now(),
    maxResults,
    fingerprint
  }
}

function matchingEvents(ctx: Ctx, query: LookupQuery): FakeCloudTrailEvent[] {
  return (ctx.caller.account.cloudTrail ?? [])
    .filter((e) => e.region === ctx.region)
    .filter((e) => e.eventTime.getTime() >= query.fromMs && e.eventTime.getTime() <= query.toMs)
    .filter((e) => attributeMatches(e, query.attribute))
    .sort(
      (a, b) => b.eventTime.getTime() - a.eventTime.getTime() || a.eventId.localeCompare(b.eventId)
    )
}

function decodeNextToken(token: unknown, fingerprint: string): number {
  if (token === undefined) return 0
  const invalid = trailError('InvalidNextTokenException', 'Invalid NextToken.')
  if (typeof token !== 'string') throw invalid
  const [offset, print] = Buffer.from(token, 'base64').toString('utf8').split(':')
  if (print !== fingerprint || !/^\d+$/.test(offset ?? '')) throw invalid
  return Number(offset)
}

function eventJson(event: FakeCloudTrailEvent): Record<string, unknown> {
  return {
    EventId: event.eventId,
    EventName: event.eventName,
    ReadOnly: String(readOnlyOf(event)),
    AccessKeyId: event.accessKeyId,
    EventTime: event.eventTime.getTime() / 1000,
    EventSource: event.eventSource,
    Username: event.username,
    Resources: (event.resources ?? []).map((r) => ({
      ResourceType: r.resourceType,
      ResourceName: r.resourceName
    })),
    CloudTrailEvent: event.cloudTrailEvent
  }
}

function lookupEvents(ctx: Ctx): Record<string, unknown> {
  const query = lookupQuery(ctx)
  const offset = decodeNextToken(ctx.json.NextToken, query.fingerprint)
  if (ctx.json.EventCategory === 'insight') return { Events: [] }
  const events = matchingEvents(ctx, query)
  const page = events.slice(offset, offset + query.maxResults)
  const next = offset + query.maxResults
  const nextToken =
    next < events.length
      ? Buffer.from(`${next}:${query.fingerprint}`).toString('base64')
      : undefined
  return { Events: page.map(eventJson), NextToken: nextToken }
}

const CLOUDTRAIL_HANDLERS: Record<string, JsonHandler> = {
  LookupEvents: lookupEvents
}

const CLOUDTRAIL_TARGET_PREFIX = 'CloudTrail_20131101.'

// ---------------------------------------------------------------------------------------------
// Organizations: the accounts, root and OUs, for the management account or a delegated admin
// ---------------------------------------------------------------------------------------------

const ORGANIZATIONS_TARGET_PREFIX = 'AWSOrganizationsV20161128.'
const PARENT_ID = /^(r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$/

const orgError = (code: string, message: string): AwsError => new AwsError(400, code, message)

/** The organization the caller belongs to; `admin` also requires the right to list it. */
function callerOrganization(ctx: Ctx, admin: boolean): FakeOrganization {
  const org = ctx.state.options.organization
  const accountId = ctx.caller.account.accountId
  const member = org?.accounts.some((a) => a.accountId === accountId)
  if (!org || (!member && org.managementAccountId !== accountId)) {
    throw orgError(
      'AWSOrganizationsNotInUseException',
      'Your account is not a member of an organization.'
    )
  }
  const allowed =
    org.managementAccountId === accountId || (org.delegatedAdministrators ?? []).includes(accountId)
  if (admin && !allowed) {
    throw orgError('AccessDeniedException', "You don't have permissions to access this resource.")
  }
  return org
}

const orgArn = (org: FakeOrganization, kind: string, id: string): string =>
  `arn:aws:organizations::${org.managementAccountId}:${kind}/${org.id}/${id}`

/** Pages of at most min(pageSize, MaxResults) items; the token names the query it belongs to. */
function orgPage<T>(
  ctx: Ctx,
  all: readonly T[],
  scope: string
): { items: T[]; NextToken?: string } {
  const max = ctx.json.MaxResults ?? 20
  if (typeof max !== 'number' || !Number.isInteger(max) || max < 1 || max > 20) {
    throw orgError('InvalidInputException', 'You specified an invalid value for MaxResults.')
  }
  const owner = `${ctx.action}:${scope}`
  let start = 0
  if (ctx.json.NextToken !== undefined) {
    const [offset, tokenOwner] = Buffer.from(String(ctx.json.NextToken), 'base64')
      .toString('utf8')
      .split('|')
    if (tokenOwner !== owner || !/^\d+$/.test(offset ?? '')) {
      throw orgError('InvalidInputException', 'The provided token is invalid.')
    }
    start = Number(offset)
  }
  const limit = Math.min(ctx.state.options.pageSize, max)
  const items = all.slice(start, start + limit)
  const next = start + limit
  if (next >= all.length) return { items }
  return { items, NextToken: Buffer.from(`${next}|${owner}`).toString('base64') }
}

function accountJson(org: FakeOrganization, a: FakeOrganizationAccount): Record<string, unknown> {
  const state = a.state ?? 'ACTIVE'
  return {
    Id: a.accountId,
    Arn: orgArn(org, 'account', a.accountId),
    Email: a.email ?? `aws+${a.accountId}@example.com`,
    Name: a.name,
    // Status is being retired in favour of State; AWS still sends both (CLOSED has no Status).
    Status: state === 'CLOSED' ? undefined : state,
    State: state,
    JoinedMethod: a.accountId === org.managementAccountId ? 'INVITED' : 'CREATED',
    JoinedTimestamp: DEFAULT_DATE.getTime() / 1000
  }
}

function requireParent(ctx: Ctx, org: FakeOrganization): string {
  const parentId = ctx.json.ParentId
  if (typeof parentId !== 'string') {
    throw orgError('InvalidInputException', 'You must specify a value for ParentId.')
  }
  if (!PARENT_ID.test(parentId)) {
    throw orgError(
      'InvalidInputException',
      'You provided a value that does not match the required pattern.'
    )
  }
  if (parentId !== org.rootId && !(org.units ?? []).some((u) => u.id === parentId)) {
    throw orgError(
      'ParentNotFoundException',
      "We can't find a root or OU with the ParentId that you specified."
    )
  }
  return parentId
}

function describeOrganization(ctx: Ctx): Record<string, unknown> {
  const org = callerOrganization(ctx, false)
  return {
    Organization: {
      Id: org.id,
      Arn: orgArn(org, 'organization', org.id).replace(`/${org.id}/${org.id}`, `/${org.id}`),
      FeatureSet: 'ALL',
      MasterAccountArn: orgArn(org, 'account', org.managementAccountId),
      MasterAccountId: org.managementAccountId,
      MasterAccountEmail: `aws+${org.managementAccountId}@example.com`,
      AvailablePolicyTypes: []
    }
  }
}

function listAccounts(ctx: Ctx): Record<string, unknown> {
  const org = callerOrganization(ctx, true)
  const page = orgPage(ctx, org.accounts, 'all')
  return { Accounts: page.items.map((a) => accountJson(org, a)), NextToken: page.NextToken }
}

function listRoots(ctx: Ctx): Record<string, unknown> {
  const org = callerOrganization(ctx, true)
  const root = { Id: org.rootId, Arn: orgArn(org, 'root', org.rootId), Name: 'Root' }
  const page = orgPage(ctx, [{ ...root, PolicyTypes: [] }], 'roots')
  return { Roots: page.items, NextToken: page.NextToken }
}

function listOrganizationalUnitsForParent(ctx: Ctx): Record<string, unknown> {
  const org = callerOrganization(ctx, true)
  const parentId = requireParent(ctx, org)
  const units = (org.units ?? []).filter((u) => u.parentId === parentId)
  const page = orgPage(ctx, units, parentId)
  const json = page.items.map((u) => ({ Id: u.id, Arn: orgArn(org, 'ou', u.id), Name: u.name }))
  return { OrganizationalUnits: json, NextToken: page.NextToken }
}

function listAccountsForParent(ctx: Ctx): Record<string, unknown> {
  const org = callerOrganization(ctx, true)
  const parentId = requireParent(ctx, org)
  const accounts = org.accounts.filter((a) => a.parentId === parentId)
  const page = orgPage(ctx, accounts, parentId)
  return { Accounts: page.items.map((a) => accountJson(org, a)), NextToken: page.NextToken }
}

const ORGANIZATIONS_HANDLERS: Record<string, JsonHandler> = {
  DescribeOrganization: describeOrganization,
  ListAccounts: listAccounts,
  ListRoots: listRoots,
  ListOrganizationalUnitsForParent: listOrganizationalUnitsForParent,
  ListAccountsForParent: listAccountsForParent
}

// ---------------------------------------------------------------------------------------------
// Rate limiting: token buckets, refilled continuously
// ---------------------------------------------------------------------------------------------

class TokenBucket {
  private tokens: number
  private last = Date.now()

  constructor(
    private readonly perSecond: number,
    private readonly burst: number
  ) {
    this.tokens = burst
  }

  take(): boolean {
    const now = Date.now()
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.perSecond)
    this.last = now
    if (this.tokens < 1) return false
    this.tokens -= 1
    return true
  }
}

// ---------------------------------------------------------------------------------------------
// Answers: Query XML envelopes and JSON 1.1 bodies
// ---------------------------------------------------------------------------------------------

interface Reply {
  status: number
  headers: Record<string, string>
  body: string
}

const NAMESPACES: Record<AwsService, string> = {
  iam: 'https://iam.amazonaws.com/doc/2010-05-08/',
  sts: 'https://sts.amazonaws.com/doc/2011-06-15/',
  sns: 'http://sns.amazonaws.com/doc/2010-03-31/',
  cloudtrail: 'http://cloudtrail.amazonaws.com/doc/2013-11-01/',
  organizations: 'http://organizations.amazonaws.com/doc/2016-11-28/'
}

const isJsonService = (service: AwsService): boolean =>
  service === 'cloudtrail' || service === 'organizations'

/** `<ActionResponse><ActionResult>…</ActionResult><ResponseMetadata>…</ResponseMetadata>`. */
function queryReply(
  service: AwsService,
  action: string,
  result: XmlFields | undefined,
  requestId: string
): Reply {
  const resultXml =
    result === undefined ? '' : `<${action}Result>${fields(result)}</${action}Result>`
  const metadata = fields({ ResponseMetadata: { RequestId: requestId } })
  const body = rootElement(`${action}Response`, NAMESPACES[service], resultXml + metadata)
  return { status: 200, headers: { 'content-type': 'text/xml' }, body }
}

function queryErrorReply(service: AwsService, error: AwsError, requestId: string): Reply {
  const type = error.status >= 500 ? 'Receiver' : 'Sender'
  const inner = fields({
    Error: { Type: type, Code: error.code, Message: error.message },
    RequestId: requestId
  })
  const body = rootElement('ErrorResponse', NAMESPACES[service], inner)
  return { status: error.status, headers: { 'content-type': 'text/xml' }, body }
}

const JSON_CONTENT_TYPE = 'application/x-amz-json-1.1'

function jsonReply(result: Record<string, unknown>): Reply {
  return {
    status: 200,
    headers: { 'content-type': JSON_CONTENT_TYPE },
    body: JSON.stringify(result)
  }
}

function jsonErrorReply(error: AwsError): Reply {
  const headers = { 'content-type': JSON_CONTENT_TYPE, 'x-amzn-errortype': error.code }
  const body = JSON.stringify({ __type: error.code, message: error.message })
  return { status: error.status, headers, body }
}

function errorReply(service: AwsService, error: AwsError, requestId: string): Reply {
  return isJsonService(service) ? jsonErrorReply(error) : queryErrorReply(service, error, requestId)
}

/** An injected error; throttling codes get AWS's own 'Rate exceeded' message by default. */
function faultError(fault: { status: number; code: string; message?: string }): AwsError {
  const fallback = /thrott|limit/i.test(fault.code)
    ? 'Rate exceeded'
    : `Injected fault: ${fault.code}`
  return new AwsError(fault.status, fault.code, fault.message ?? fallback)
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

// ---------------------------------------------------------------------------------------------
// The server
// ---------------------------------------------------------------------------------------------

const READ_ONLY_ACTION = /^(Get|List|Lookup|Describe|AssumeRole)/
/** STS federation calls are the only ones AWS accepts without a signature. */
const UNSIGNED_ACTIONS = new Set(['AssumeRoleWithWebIdentity', 'AssumeRoleWithSAML'])

interface ActiveFault extends FaultRule {
  left: number
}

export class FakeAws {
  readonly calls: RecordedCall[] = []
  readonly published: PublishedMessage[] = []
  /** IAM calls answered Throttling by the `iamRateLimit` bucket. */
  iamThrottled = 0
  private readonly state: State
  private readonly iamBucket?: TokenBucket
  private readonly trailBuckets = new Map<string, TokenBucket>()
  private faults: ActiveFault[] = []
  private onCall?: (call: RecordedCall) => void
  private server?: Server

  constructor(
    accounts: FakeAccount | FakeAccount[],
    private readonly options: FakeAwsOptions = {}
  ) {
    const list = Array.isArray(accounts) ? accounts : [accounts]
    if (list.length === 0) throw new Error('FakeAws needs at least one account')
    this.state = {
      accounts: list,
      options: {
        pageSize: options.pageSize ?? 2,
        latencyMs: options.latencyMs ?? 0,
        expectedAudience: options.expectedAudience ?? 'sts.amazonaws.com',
        maxSessionDurationSeconds: options.maxSessionDurationSeconds ?? 3600,
        cloudTrailRetentionDays: options.cloudTrailRetentionDays ?? 90,
        credentialReport: {
          generationMs: options.credentialReport?.generationMs ?? 0,
          reuseMs: options.credentialReport?.reuseMs ?? 0,
          now: options.credentialReport?.now ?? Date.now,
          unquoted: options.credentialReport?.unquoted ?? false,
          generatedAgeMs: options.credentialReport?.generatedAgeMs ?? 0
        },
        organization: options.organization
      },
      sessions: new Map(),
      reports: new Map(),
      published: this.published,
      fifoSeen: new Map(),
      nextSequence: 10_000_000_000_000_000_000n
    }
    const limit = options.iamRateLimit
    if (limit) this.iamBucket = new TokenBucket(limit.perSecond, limit.burst ?? limit.perSecond)
  }

  /** Listens on 127.0.0.1 at a random port; resolves to the endpoint URL. */
  async start(): Promise<string> {
    const server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        console.error('FakeAws handler crashed', error)
        res.destroy()
      })
    })
    this.server = server
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  }

  /** Stops listening and drops keep-alive connections so jest can exit. */
  async stop(): Promise<void> {
    const server = this.server
    if (!server) return
    this.server = undefined
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  }

  callsTo(action: string): RecordedCall[] {
    return this.calls.filter((c) => c.action === action)
  }

  /** Every call that might change something, whatever its outcome. */
  mutatingCalls(): RecordedCall[] {
    return this.calls.filter(
      (c) => !READ_ONLY_ACTION.test(c.action) && c.action !== 'GenerateCredentialReport'
    )
  }

  addFault(rule: FaultRule): void {
    this.faults.push({ ...rule, left: rule.times ?? Infinity })
  }

  clearFaults(): void {
    this.faults = []
  }

  /** The live model of an account (the first by default). */
  account(accountId?: string): FakeAccount {
    const account =
      accountId === undefined
        ? this.state.accounts[0]
        : this.state.accounts.find((a) => a.accountId === accountId)
    if (!account) throw new Error(`FakeAws has no account ${accountId ?? ''}`)
    return account
  }

  setOnCall(hook: ((call: RecordedCall) => void) | undefined): void {
    this.onCall = hook
  }

  /** The account and role of credentials the fake issued (AssumeRole*), to check where a call went. */
  sessionOf(accessKeyId: string | undefined): { accountId: string; roleArn: string } | undefined {
    const session = accessKeyId === undefined ? undefined : this.state.sessions.get(accessKeyId)
    return session && { accountId: session.account.accountId, roleArn: session.roleArn }
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const incoming = parseIncoming(req, await readBody(req))
    const call = this.record(incoming)
    const requestId = randomUUID()
    const hookFailure = this.runOnCall(call)
    const fault = hookFailure ? undefined : this.takeFault(call)
    if (fault && 'reset' in fault) {
      req.socket.destroy()
      return
    }
    if (fault && 'delayMs' in fault) await sleep(fault.delayMs)
    if (fault && 'rawBody' in fault) {
      call.status = fault.status ?? 200
      res.writeHead(call.status, { 'content-type': 'text/xml', 'x-amzn-requestid': requestId })
      res.end(fault.rawBody)
      return
    }
    const injected = hookFailure ?? (fault && 'code' in fault ? faultError(fault) : undefined)
    const reply = injected
      ? errorReply(incoming.service, injected, requestId)
      : this.answer(incoming, requestId)
    if (this.state.options.latencyMs > 0) await sleep(this.state.options.latencyMs)
    call.status = reply.status
    res.writeHead(reply.status, {
      ...reply.headers,
      'content-length': String(Buffer.byteLength(reply.body)),
      'x-amzn-requestid': requestId,
      date: new Date().toUTCString()
    })
    res.end(reply.body)
  }

  private record(incoming: Incoming): RecordedCall {
    const call: RecordedCall = definedOnly({
      service: incoming.service,
      action: incoming.action,
      region: incoming.region,
      params: incoming.params,
      body: incoming.body,
      accessKeyId: incoming.auth?.accessKeyId,
      status: 0,
      at: Date.now()
    })
    this.calls.push(call)
    return call
  }

  /** A throwing hook is a test bug: answer 500 with its message rather than hang up. */
  private runOnCall(call: RecordedCall): AwsError | undefined {
    try {
      this.onCall?.(call)
      return undefined
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error)
      return new AwsError(500, 'InternalFailure', `setOnCall hook threw: ${message}`)
    }
  }

  /** The first matching rule with uses left applies, and uses one up. */
  private takeFault(call: RecordedCall): Fault | undefined {
    const rule = this.faults.find(
      (f) =>
        f.left > 0 &&
        (f.service === undefined || f.service === call.service) &&
        (f.action === undefined || f.action === call.action) &&
        (f.match === undefined || f.match(call))
    )
    if (!rule) return undefined
    rule.left -= 1
    return rule.fault
  }

  /** Authentication, rate limits, then the operation; any failure becomes an error answer. */
  private answer(incoming: Incoming, requestId: string): Reply {
    const { service, action } = incoming
    try {
      if (incoming.parseError) throw incoming.parseError
      const caller = this.authenticate(incoming)
      this.throttle(service, incoming.region)
      const ctx: Ctx = {
        state: this.state,
        action,
        region: incoming.region,
        params: incoming.params,
        json: incoming.json,
        caller
      }
      if (isJsonService(service)) return jsonReply(this.jsonHandler(incoming)(ctx))
      return queryReply(service, action, this.queryHandler(service, action)(ctx), requestId)
    } catch (error) {
      if (error instanceof AwsError) return errorReply(service, error, requestId)
      const message = error instanceof Error ? error.message : String(error)
      return errorReply(service, new AwsError(500, 'InternalFailure', message), requestId)
    }
  }

  private queryHandler(service: AwsService, action: string): QueryHandler {
    const table = service === 'iam' ? IAM_HANDLERS : service === 'sts' ? STS_HANDLERS : SNS_HANDLERS
    const handler = Object.hasOwn(table, action) ? table[action] : undefined
    if (!handler) {
      const message = `The action ${action} is not valid for this web service.`
      throw new AwsError(400, 'InvalidAction', message)
    }
    return handler
  }

  private jsonHandler(incoming: Incoming): JsonHandler {
    const target = headerValue(incoming.req, 'x-amz-target')
    const table = target.startsWith(CLOUDTRAIL_TARGET_PREFIX)
      ? CLOUDTRAIL_HANDLERS
      : target.startsWith(ORGANIZATIONS_TARGET_PREFIX)
        ? ORGANIZATIONS_HANDLERS
        : {}
    const handler = Object.hasOwn(table, incoming.action) ? table[incoming.action] : undefined
    if (!handler) {
      throw new AwsError(400, 'UnknownOperationException', `Unknown operation ${target}`)
    }
    return handler
  }

  /**
   * Unsigned calls may only federate. Issued session keys need their token and must not have
   * expired; keys whose secret the fake knows must sign correctly; any other key is accepted as
   * the default identity of the first account.
   */
  private authenticate(incoming: Incoming): Caller {
    const { auth, action, service } = incoming
    const json = isJsonService(service)
    const defaultAccount = this.account()
    if (!auth) {
      if (UNSIGNED_ACTIONS.has(action)) return defaultCaller(defaultAccount)
      throw authError('missing', json)
    }
    const session = this.state.sessions.get(auth.accessKeyId)
    if (session) return this.sessionCallerFor(incoming, auth, session)
    const modelled = findModelKey(this.state.accounts, auth.accessKeyId)
    if (!modelled) return defaultCaller(defaultAccount)
    if (modelled.key.status !== 'Active') throw authError('invalid', json)
    const secret = modelled.key.secretAccessKey
    if (secret !== undefined && !signatureMatches(incoming, auth, secret)) {
      throw authError('signature', json)
    }
    return userCaller(modelled.account, modelled.user)
  }

  private sessionCallerFor(incoming: Incoming, auth: SigV4, session: Session): Caller {
    const json = isJsonService(incoming.service)
    const token = headerValue(incoming.req, 'x-amz-security-token')
    if (token !== session.sessionToken) throw authError('invalid', json)
    if (session.expiration.getTime() <= Date.now()) throw authError('expired', json)
    const signed = signatureMatches(incoming, auth, session.secretAccessKey)
    if (!signed) throw authError('signature', json)
    return sessionCaller(session)
  }

  private throttle(service: AwsService, region: string): void {
    if (service === 'iam' && this.iamBucket && !this.iamBucket.take()) {
      this.iamThrottled++
      throw new AwsError(400, 'Throttling', 'Rate exceeded')
    }
    const bucket = service === 'cloudtrail' ? this.trailBucket(region) : undefined
    if (bucket && !bucket.take()) throw new AwsError(400, 'ThrottlingException', 'Rate exceeded')
  }

  /** CloudTrail's LookupEvents limit applies per region. */
  private trailBucket(region: string): TokenBucket | undefined {
    const limit = this.options.cloudTrailRateLimit
    if (!limit) return undefined
    let bucket = this.trailBuckets.get(region)
    if (!bucket) {
      bucket = new TokenBucket(limit.perSecond, limit.perSecond)
      this.trailBuckets.set(region, bucket)
    }
    return bucket
  }
}
