// Who is calling: SigV4 signatures recomputed for keys whose secret the fake knows, sessions it
// issued, modelled users' keys, and the default identity for any other key.
import { createHmac } from 'node:crypto'
import type { Caller, Session, State } from './context.js'
import { authError } from './errors.js'
import { isJsonService } from './json-protocol.js'
import type { FakeAccount, FakeKey, FakeUser } from './types.js'
import { encodeRfc3986, sha256Hex, stableId, userArn, userIdOf } from './util.js'
import { headerValue, type Incoming, type SigV4 } from './wire.js'

/** STS federation calls are the only ones AWS accepts without a signature. */
const UNSIGNED_ACTIONS = new Set(['AssumeRoleWithWebIdentity', 'AssumeRoleWithSAML'])

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

export function sessionCaller(session: Session): Caller {
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

/**
 * Unsigned calls may only federate. Issued session keys need their token and must not have
 * expired; keys whose secret the fake knows must sign correctly; any other key is accepted as
 * the default identity of the first account.
 */
export function authenticate(
  state: State,
  incoming: Incoming,
  defaultAccount: FakeAccount
): Caller {
  const { auth, action, service } = incoming
  const json = isJsonService(service)
  if (!auth) {
    if (UNSIGNED_ACTIONS.has(action)) return defaultCaller(defaultAccount)
    throw authError('missing', json)
  }
  const session = state.sessions.get(auth.accessKeyId)
  if (session) return sessionCallerFor(incoming, auth, session)
  const modelled = findModelKey(state.accounts, auth.accessKeyId)
  if (!modelled) return defaultCaller(defaultAccount)
  if (modelled.key.status !== 'Active') throw authError('invalid', json)
  const secret = modelled.key.secretAccessKey
  if (secret !== undefined && !signatureMatches(incoming, auth, secret)) {
    throw authError('signature', json)
  }
  return userCaller(modelled.account, modelled.user)
}

function sessionCallerFor(incoming: Incoming, auth: SigV4, session: Session): Caller {
  const json = isJsonService(incoming.service)
  const token = headerValue(incoming.req, 'x-amz-security-token')
  if (token !== session.sessionToken) throw authError('invalid', json)
  if (session.expiration.getTime() <= Date.now()) throw authError('expired', json)
  const signed = signatureMatches(incoming, auth, session.secretAccessKey)
  if (!signed) throw authError('signature', json)
  return sessionCaller(session)
}
