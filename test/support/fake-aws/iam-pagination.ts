// IAM pagination: Marker/MaxItems/IsTruncated with opaque markers.
import type { Ctx } from './context.js'
import { validationError } from './errors.js'
import { optionalInt } from './query-protocol.js'
import type { XmlFields } from './xml.js'

interface Page<T> {
  items: T[]
  marker?: string
}

/** A marker names the last item returned, so deleting items between pages skips nothing. */
export function paginate<T>(
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

export function pageFields(page: Page<unknown>): XmlFields {
  return { IsTruncated: page.marker !== undefined, Marker: page.marker }
}
