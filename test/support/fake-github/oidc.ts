// The Actions OIDC token endpoint's tokens: JWTs with the claims GitHub issues, signed with random
// bytes (the fake AWS reads the claims without verifying them).
import { randomBytes, randomUUID } from 'node:crypto'
import { asRecord } from './http.js'

export const OIDC_PATH = '/_oidc/token'
const OIDC_ISSUER = 'https://token.actions.githubusercontent.com'
export const DEFAULT_AUDIENCE = 'sts.amazonaws.com'
const ID_TOKEN_LIFETIME_SECONDS = 300

function base64urlJson(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url')
}

/** Reads a JWT's claims without verifying anything (the fake's signatures are random bytes). */
export function decodeJwtPayload(token: string): Record<string, unknown> {
  const payload = token.split('.')[1]
  if (payload === undefined) throw new Error('Not a JWT: expected header.payload.signature')
  return asRecord(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')))
}

export function mintIdToken(owner: string, repo: string, audience: string): string {
  const iat = Math.floor(Date.now() / 1000)
  const claims = {
    jti: randomUUID(),
    sub: `repo:${owner}/${repo}:ref:refs/heads/main`,
    aud: audience,
    ref: 'refs/heads/main',
    repository: `${owner}/${repo}`,
    repository_owner: owner,
    event_name: 'schedule',
    runner_environment: 'github-hosted',
    iss: OIDC_ISSUER,
    nbf: iat,
    iat,
    exp: iat + ID_TOKEN_LIFETIME_SECONDS
  }
  const header = { alg: 'RS256', typ: 'JWT', kid: 'fake-github-key' }
  return [base64urlJson(header), base64urlJson(claims), randomBytes(32).toString('base64url')].join(
    '.'
  )
}
