// GitHub's secret-scanning alert endpoints as documented for the REST API (2022-11-28): list
// for a repository or an organization (state, secret_type as a comma-separated list,
// per_page/page with Link headers, newest first) and update one alert (state, resolution,
// resolution_comment; `resolved` requires a resolution). Org lists carry each alert's
// `repository`; updates always go through the alert's repository.
import { simpleRepositoryJson, userJson } from './account-json.js'
import { commaList, invalidRequest, json, notFound, nowIso, sameName, type Reply } from './http.js'
import { pageReply, type Paging } from './pagination.js'
import type { FakeSecretScanningAlert } from './types.js'

const RESOLUTIONS = ['false_positive', 'wont_fix', 'revoked', 'used_in_tests'] as const
const DISPLAY_NAMES: Record<string, string> = {
  aws_access_key_id: 'Amazon AWS Access Key ID',
  aws_secret_access_key: 'Amazon AWS Secret Access Key',
  aws_temporary_access_key_id: 'Amazon AWS Temporary Access Key ID'
}

export class FakeSecretScanning {
  readonly alerts: FakeSecretScanningAlert[] = []

  constructor(
    private readonly home: string,
    private readonly paging: () => Paging
  ) {}

  seed(fields: Partial<FakeSecretScanningAlert> & { secret: string }): FakeSecretScanningAlert {
    const repository = fields.repository ?? this.home
    const number =
      fields.number ??
      Math.max(0, ...this.alerts.filter((a) => a.repository === repository).map((a) => a.number)) +
        1
    const alert: FakeSecretScanningAlert = {
      secret_type: 'aws_access_key_id',
      state: 'open',
      resolution: null,
      resolution_comment: null,
      resolved_at: null,
      created_at: new Date(Date.UTC(2026, 0, 1, 0, number)).toISOString(),
      ...fields,
      repository,
      number
    }
    this.alerts.push(alert)
    return alert
  }

  /** The reply for a secret-scanning path, or undefined when the path is not one. */
  route(method: string, url: URL, body: Record<string, unknown>): Reply | undefined {
    const path = url.pathname
    const org = /^\/orgs\/([^/]+)\/secret-scanning\/alerts$/.exec(path)
    if (org?.[1] && method === 'GET') {
      const owner = org[1]
      return this.list(url, (a) => sameName(a.repository.split('/')[0] ?? '', owner), true)
    }
    const repo = /^\/repos\/([^/]+\/[^/]+)\/secret-scanning\/alerts(?:\/(\d+))?$/.exec(path)
    if (!repo?.[1]) return undefined
    const full = repo[1]
    const inRepo = (a: FakeSecretScanningAlert) => sameName(a.repository, full)
    if (repo[2] === undefined) return method === 'GET' ? this.list(url, inRepo, false) : notFound()
    const alert = this.alerts.find((a) => inRepo(a) && a.number === Number(repo[2]))
    if (!alert) return notFound()
    if (method === 'GET') return json(200, this.view(alert, url, false))
    if (method === 'PATCH') return this.update(alert, body, url)
    return notFound()
  }

  private list(
    url: URL,
    scope: (a: FakeSecretScanningAlert) => boolean,
    withRepository: boolean
  ): Reply {
    const state = url.searchParams.get('state')
    if (state !== null && state !== 'open' && state !== 'resolved') {
      return invalidRequest(`Invalid property /state: \`${state}\` is not a possible value.`)
    }
    const types = commaList(url.searchParams.get('secret_type'))
    const items = this.alerts
      .filter(scope)
      .filter((a) => state === null || a.state === state)
      .filter((a) => types.length === 0 || types.includes(a.secret_type))
      .sort((a, b) => Date.parse(b.created_at) - Date.parse(a.created_at))
      .map((a) => this.view(a, url, withRepository))
    return pageReply(items, url, this.paging())
  }

  private update(alert: FakeSecretScanningAlert, body: Record<string, unknown>, url: URL): Reply {
    const { state, resolution, resolution_comment: comment } = body
    if (state !== 'open' && state !== 'resolved') {
      return invalidRequest('Invalid property /state: must be one of open, resolved.')
    }
    if (state === 'resolved') {
      if (!RESOLUTIONS.includes(resolution as (typeof RESOLUTIONS)[number])) {
        return json(422, {
          message: 'A resolution must be provided when the state is resolved.',
          documentation_url: 'https://docs.github.com/rest/secret-scanning'
        })
      }
      alert.state = 'resolved'
      alert.resolution = resolution as FakeSecretScanningAlert['resolution']
      alert.resolution_comment = typeof comment === 'string' ? comment : null
      alert.resolved_at = nowIso()
    } else {
      alert.state = 'open'
      alert.resolution = null
      alert.resolved_at = null
    }
    return json(200, this.view(alert, url, false))
  }

  private view(a: FakeSecretScanningAlert, url: URL, withRepository: boolean) {
    const base = `${url.protocol}//${url.host}`
    const [owner, name] = a.repository.split('/')
    return {
      number: a.number,
      created_at: a.created_at,
      updated_at: a.resolved_at ?? a.created_at,
      url: `${base}/repos/${a.repository}/secret-scanning/alerts/${a.number}`,
      html_url: `https://github.com/${a.repository}/security/secret-scanning/${a.number}`,
      locations_url: `${base}/repos/${a.repository}/secret-scanning/alerts/${a.number}/locations`,
      state: a.state,
      resolution: a.resolution,
      resolved_at: a.resolved_at,
      resolved_by: a.resolved_at ? userJson(base, 'github-actions[bot]') : null,
      resolution_comment: a.resolution_comment,
      secret_type: a.secret_type,
      secret_type_display_name: DISPLAY_NAMES[a.secret_type] ?? a.secret_type,
      secret: a.secret,
      validity: 'unknown',
      publicly_leaked: false,
      multi_repo: false,
      ...(withRepository ? { repository: simpleRepositoryJson(base, owner ?? '', name ?? '') } : {})
    }
  }
}
