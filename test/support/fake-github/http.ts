// Replies and request parsing shared by every route: JSON answers and GitHub's error shapes,
// the body, the path, and the small parsers of names and parameters.
import type { IncomingMessage, ServerResponse } from 'node:http'

export const DOCS_URL = 'https://docs.github.com/rest'

/** What a handler produces; `send` turns it into an HTTP response. */
export interface Reply {
  status: number
  body?: unknown
  headers?: Record<string, string>
}

export interface Route {
  method: string
  pattern: RegExp
  handle: (params: string[], url: URL, body: Record<string, unknown>) => Reply
}

export function json(status: number, body: unknown, headers?: Record<string, string>): Reply {
  return { status, body, headers }
}

export function githubError(status: number, message: string): Reply {
  return json(status, { message, documentation_url: DOCS_URL, status: String(status) })
}

export function notFound(): Reply {
  return githubError(404, 'Not Found')
}

export function validationFailed(errors: Record<string, unknown>[]): Reply {
  return json(422, { message: 'Validation Failed', errors, documentation_url: DOCS_URL })
}

/** GitHub's answer when a body fails its JSON schema (e.g. a missing required field). */
export function invalidRequest(detail: string): Reply {
  return json(422, { message: `Invalid request.\n\n${detail}`, documentation_url: DOCS_URL })
}

/** GitHub timestamps have second precision. */
export function nowIso(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z')
}

export function sameName(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase()
}

export function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {}
}

/** Accepts `['a', 'b']`, `[{ name: 'a' }]` or `'a'`, the shapes GitHub accepts for names. */
export function nameList(value: unknown, key = 'name'): string[] | undefined {
  if (value === undefined || value === null) return undefined
  const items = Array.isArray(value) ? value : [value]
  return items
    .map((item) => (typeof item === 'string' ? item : asRecord(item)[key]))
    .filter((item): item is string => typeof item === 'string' && item !== '')
}

export function commaList(value: string | null): string[] {
  return (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '')
}

export function intParam(url: URL, name: string): number | undefined {
  const parsed = Number.parseInt(url.searchParams.get(name) ?? '', 10)
  return Number.isFinite(parsed) ? parsed : undefined
}

export function credential(authorization: string | undefined): string | undefined {
  return /^(?:token|bearer)\s+(\S+)$/i.exec(authorization ?? '')?.[1]
}

export function bearer(authorization: string | undefined): string | undefined {
  return /^bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1]
}

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

/** `undefined` for an empty body; `invalid` when the text is not JSON. */
export function parseJson(text: string): { value: unknown; invalid: boolean } {
  if (text === '') return { value: undefined, invalid: false }
  try {
    return { value: JSON.parse(text) as unknown, invalid: false }
  } catch {
    return { value: undefined, invalid: true }
  }
}

export function decodePath(pathname: string): string {
  try {
    return decodeURIComponent(pathname)
  } catch {
    return pathname
  }
}

export function send(res: ServerResponse, reply: Reply): void {
  const hasBody = reply.body !== undefined && reply.status !== 204
  const headers = {
    ...(hasBody ? { 'content-type': 'application/json; charset=utf-8' } : {}),
    ...reply.headers
  }
  res.writeHead(reply.status, headers)
  res.end(hasBody ? JSON.stringify(reply.body) : undefined)
}
