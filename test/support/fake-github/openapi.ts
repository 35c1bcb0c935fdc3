// GitHub's own REST description as the judge of every exchange with the fake GitHub, so the fake
// cannot agree with the action's mistakes (or make its own): the request's operation, path and
// query parameters and body, and the answer's status, body and Link header, each checked against
// @octokit/openapi's api.github.com description by openapi-backend (Ajv with formats). The
// description is read and prepared once per module registry (once per jest test file), and each
// operation's validators are compiled the first time it is used.
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import formats from 'ajv-formats'
import {
  OpenAPIBackend,
  type Document,
  type Operation,
  type ValidationResult,
  ValidationContext
} from 'openapi-backend'

// Ajv's error, from the Ajv that openapi-backend compiles with.
type ErrorObject = NonNullable<ValidationResult['errors']>[number]

/** One request to the fake and its answer, as they crossed the wire. */
export interface Exchange {
  method: string
  /** The path as sent (percent-encoded) and the query string without `?`. */
  path: string
  query: string
  headers: Record<string, string | string[]>
  /** The parsed JSON body, or the raw text when it was not JSON; undefined when empty. */
  body: unknown
  status: number
  responseBody: unknown
  responseHeaders: Record<string, string>
  /** Answered by an injected fault: a status GitHub does not document is then allowed. */
  injected: boolean
}

/** One way an exchange differs from GitHub's description. */
export interface ApiViolation {
  /** `METHOD /path?query` as the action sent it. */
  request: string
  /** GitHub's operationId, when the request matched one. */
  operation?: string
  side: 'request' | 'response'
  message: string
}

const LINK_RELS = new Set(['next', 'prev', 'first', 'last'])
const PAGE_PARAMS = new Set(['page', 'before', 'after'])
const MAX_ERRORS = 8

/**
 * GitHub's description is OpenAPI 3.0, whose `nullable: true` allows null beside whatever the
 * schema allows. Ajv reads `nullable` only beside `type`, and not into `enum`: GitHub writes it
 * beside `oneOf`, `anyOf`, `allOf` or alone, and beside enums (`state_reason`, `resolution`) whose
 * null it answers. So an enum of a nullable schema also lists null, and a nullable schema without
 * a type becomes "null, or the rest" (a bare one allows anything anyway).
 */
function adaptNullable(value: unknown): void {
  if (Array.isArray(value)) {
    for (const item of value) adaptNullable(item)
    return
  }
  if (typeof value !== 'object' || value === null) return
  const schema = value as Record<string, unknown>
  for (const child of Object.values(schema)) adaptNullable(child)
  // A schema's keyword, not a property of that name in a `properties` map.
  if (typeof schema.nullable !== 'boolean') return
  if (schema.nullable && Array.isArray(schema.enum) && !schema.enum.includes(null)) {
    schema.enum = [...(schema.enum as unknown[]), null]
  }
  if (schema.type !== undefined) return
  const nullable = schema.nullable
  delete schema.nullable
  const rest = { ...schema }
  const constrains = Object.keys(rest).some((key) => key !== 'description' && key !== 'readOnly')
  if (!nullable || !constrains) return
  for (const key of Object.keys(schema)) delete schema[key]
  schema.anyOf = [{ type: 'null' }, rest]
}

async function loadBackend(): Promise<OpenAPIBackend> {
  const require = createRequire(import.meta.url)
  const file = require.resolve('@octokit/openapi/generated/api.github.com.json')
  const definition = JSON.parse(await readFile(file, 'utf8')) as Document
  adaptNullable(definition)
  const backend = new OpenAPIBackend({
    definition,
    // Quick: no validation of GitHub's description itself, a synchronous dereference, and each
    // operation's validators compiled on first use (a run touches a dozen of its ~1,100).
    quick: true,
    ajvOpts: { allErrors: true, strict: false },
    customizeAjv: (ajv) => {
      // A CommonJS module: its function is also its `default`.
      formats.default(ajv)
      return ajv
    }
  })
  await backend.init()
  return backend
}

let loading: Promise<GitHubApiContract> | undefined

function describeError(error: ErrorObject): string {
  const where = error.instancePath === '' ? '' : `${error.instancePath} `
  const params = error.params as Record<string, unknown>
  const detail =
    params.allowedValues !== undefined
      ? ` (${(params.allowedValues as unknown[]).map(String).join(', ')})`
      : params.additionalProperty !== undefined
        ? `: ${String(params.additionalProperty)}`
        : ''
  return `${where}${error.message ?? error.keyword}${detail}`
}

/** Ajv's errors, without the "must match a schema in anyOf" noise its branches already explain. */
function describeErrors(errors: ErrorObject[] | null | undefined): string[] {
  const messages = (errors ?? [])
    .filter((error) => !['anyOf', 'oneOf', 'if'].includes(error.keyword))
    .map(describeError)
  const unique = [...new Set(messages)]
  return unique.length > MAX_ERRORS
    ? [...unique.slice(0, MAX_ERRORS), `… and ${unique.length - MAX_ERRORS} more`]
    : unique
}

export class GitHubApiContract {
  /** GitHub's error body (`basic-error`), for errors the description does not give a schema. */
  private readonly errorBody: (body: unknown) => string[]

  private constructor(private readonly backend: OpenAPIBackend) {
    const schemas = (backend.definition.components?.schemas ?? {}) as Record<string, object>
    const validate = backend.validator
      .getAjv(ValidationContext.Response)
      .compile(schemas['basic-error'] ?? {})
    this.errorBody = (body) => (validate(body) ? [] : describeErrors(validate.errors))
  }

  /** The contract, read and prepared on first use, then shared by every fake. */
  static load(): Promise<GitHubApiContract> {
    loading ??= loadBackend().then((backend) => new GitHubApiContract(backend))
    return loading
  }

  /** Every way the exchange differs from GitHub's description; empty when it matches. */
  check(exchange: Exchange): ApiViolation[] {
    const request = `${exchange.method} ${exchange.path}${exchange.query ? `?${exchange.query}` : ''}`
    const operation = this.match(exchange.method, exchange.path, exchange.query)
    if (!operation) {
      const message = `GitHub's REST API has no operation ${exchange.method} ${exchange.path}`
      return [{ request, side: 'request', message }]
    }
    const found = (side: ApiViolation['side'], messages: string[]): ApiViolation[] =>
      messages.map((message) => ({ request, operation: operation.operationId, side, message }))
    return [
      ...found('request', this.requestErrors(exchange, operation)),
      ...found('response', this.responseErrors(exchange, operation))
    ]
  }

  private match(method: string, path: string, query: string): Operation | undefined {
    return this.backend.router.matchOperation({
      method: method.toLowerCase(),
      path,
      query,
      headers: {}
    })
  }

  private requestErrors(exchange: Exchange, operation: Operation): string[] {
    const result = this.backend.validator.validateRequest(
      {
        method: exchange.method.toLowerCase(),
        path: exchange.path,
        query: exchange.query,
        headers: exchange.headers,
        body: exchange.body
      },
      operation
    )
    return describeErrors(result.errors)
  }

  private responseErrors(exchange: Exchange, operation: Operation): string[] {
    const responses = (operation.responses ?? {}) as Record<string, { content?: object }>
    const status = String(exchange.status)
    const documented = responses[status] ?? responses[`${status[0]}XX`] ?? responses.default
    const schema = (documented?.content as Record<string, { schema?: unknown }> | undefined)?.[
      'application/json'
    ]?.schema
    if (schema !== undefined) {
      const result = this.backend.validator.validateResponse(
        exchange.responseBody,
        operation,
        exchange.status
      )
      return [...describeErrors(result.errors), ...this.linkErrors(exchange, operation)]
    }
    // GitHub's REST docs describe its errors for every operation ("Troubleshooting the REST
    // API", "Rate limits"): 400 for bad JSON, 401, 403 and 404 for access and absence, 422 for
    // invalid fields, 429 and 5xx; the description lists only some of them, often without a
    // schema. Any error is allowed, its body GitHub's error shape.
    if (exchange.status >= 400) {
      return exchange.responseBody === undefined ? [] : this.errorBody(exchange.responseBody)
    }
    if (!documented) {
      if (exchange.injected) return []
      const known = Object.keys(responses).join(', ')
      return [`status ${status} is not one GitHub documents for it (${known})`]
    }
    return exchange.responseBody === undefined
      ? []
      : [`GitHub documents no body for status ${status}`]
  }

  /** The Link header GitHub documents for list operations, each URL a request for the same list. */
  private linkErrors(exchange: Exchange, operation: Operation): string[] {
    const link = exchange.responseHeaders.link
    if (link === undefined) return []
    // GitHub's pagination docs: any list that takes `page` (or the `before`/`after` cursors)
    // answers a Link header, whether or not the description lists the header for it.
    const params = (operation.parameters ?? []) as { name?: string; in?: string }[]
    const paginated = params.some((p) => p.in === 'query' && PAGE_PARAMS.has(p.name ?? ''))
    if (!paginated) return ['a Link header on an operation that does not paginate']
    return link.split(',').flatMap((part) => {
      const parsed = /^\s*<([^<>]+)>;\s*rel="([^"]+)"\s*$/.exec(part)
      if (!parsed?.[1] || !parsed[2])
        return [`Link part ${JSON.stringify(part)} is not <url>; rel="…"`]
      if (!LINK_RELS.has(parsed[2]))
        return [`Link rel "${parsed[2]}" is not next, prev, first or last`]
      let url: URL
      try {
        url = new URL(parsed[1])
      } catch {
        return [`Link URL ${parsed[1]} is not absolute`]
      }
      const query = url.search.replace(/^\?/, '')
      const next = this.match(exchange.method, url.pathname, query)
      if (next?.operationId !== operation.operationId) {
        return [`Link rel="${parsed[2]}" points at another operation: ${url.pathname}`]
      }
      const invalid = this.requestErrors(
        { ...exchange, path: url.pathname, query, body: undefined },
        operation
      )
      return invalid.map((error) => `Link rel="${parsed[2]}" URL: ${error}`)
    })
  }
}

/** A violation as one line of a failure message. */
export function formatViolation(violation: ApiViolation): string {
  const operation = violation.operation ? ` [${violation.operation}]` : ''
  return `${violation.request}${operation} ${violation.side}: ${violation.message}`
}
