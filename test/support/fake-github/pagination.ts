// GitHub's REST pagination: per_page and page, and the Link header paginate follows.
import { intParam, json, type Reply } from './http.js'

export interface Paging {
  /** per_page when the caller sends none. */
  pageSize: number
  maxPerPage: number
  /** Absolute base of the Link header's URLs. */
  baseUrl: string
}

/** One page of `items` plus GitHub's Link header (prev, next, last, first as they apply). */
export function pageReply<T>(items: T[], url: URL, paging: Paging): Reply {
  const perPage = Math.min(
    Math.max(intParam(url, 'per_page') ?? paging.pageSize, 1),
    paging.maxPerPage
  )
  const page = Math.max(intParam(url, 'page') ?? 1, 1)
  const lastPage = Math.max(Math.ceil(items.length / perPage), 1)
  const link = linkHeader(url, page, lastPage, paging.baseUrl)
  const slice = items.slice((page - 1) * perPage, page * perPage)
  return json(200, slice, link ? { link } : undefined)
}

function linkHeader(url: URL, page: number, lastPage: number, baseUrl: string): string | undefined {
  const rels: [string, number][] = []
  if (page > 1) rels.push(['prev', Math.min(page - 1, lastPage)])
  if (page < lastPage) rels.push(['next', page + 1], ['last', lastPage])
  if (page > 1) rels.push(['first', 1])
  const parts = rels.map(([rel, number]) => `<${pageUrl(url, number, baseUrl)}>; rel="${rel}"`)
  return parts.length > 0 ? parts.join(', ') : undefined
}

/** Same request with another page number; absolute, because paginate follows it verbatim. */
function pageUrl(url: URL, page: number, baseUrl: string): string {
  const next = new URL(url.pathname + url.search, baseUrl)
  next.searchParams.set('page', String(page))
  return next.toString()
}
