// Identifiers, names, times and small helpers the handlers share.
import { createHash, randomBytes } from 'node:crypto'
import type { FakeAccount, FakeUser } from './types.js'

export const DEFAULT_DATE = new Date('2020-01-01T00:00:00Z')
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
export const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'
export const SECRET_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'

export function randomChars(alphabet: string, length: number): string {
  return Array.from(randomBytes(length), (b) => alphabet.charAt(b % alphabet.length)).join('')
}

/** AWS unique ids look like AIDA + 17 base32 characters; derive them stably from a seed. */
export function stableId(prefix: string, seed: string): string {
  const bytes = createHash('sha256').update(seed).digest()
  return prefix + Array.from(bytes.subarray(0, 17), (b) => BASE32.charAt(b % 32)).join('')
}

export const userPath = (user: FakeUser): string => user.path ?? '/'
export const userArn = (account: FakeAccount, user: FakeUser): string =>
  `arn:aws:iam::${account.accountId}:user${userPath(user)}${user.userName}`
export const userIdOf = (account: FakeAccount, user: FakeUser): string =>
  user.userId ?? stableId('AIDA', `${account.accountId}/${user.userName}`)

export const sameName = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase()
export const byName = (a: string, b: string): number =>
  a.toLowerCase() < b.toLowerCase() ? -1 : a.toLowerCase() > b.toLowerCase() ? 1 : 0

/** byName order, lower-casing each name once: accounts of 10,000 users are listed page by page. */
export function sortedByName(users: readonly FakeUser[]): FakeUser[] {
  return users
    .map((user) => ({ user, key: user.userName.toLowerCase() }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map((entry) => entry.user)
}

export const lowerFirst = (name: string): string => name.charAt(0).toLowerCase() + name.slice(1)

/** Truncates to whole seconds, the precision every timestamp has on the wire. */
export const wholeSeconds = (ms: number): Date => new Date(Math.floor(ms / 1000) * 1000)

export const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms))

export function encodeRfc3986(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`
  )
}

export const sha256Hex = (data: string | Buffer): string =>
  createHash('sha256').update(data).digest('hex')

/** Drops undefined members, so recorded entries also satisfy toStrictEqual. */
export function definedOnly<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
