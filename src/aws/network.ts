// How every AWS client reaches AWS: how many attempts a request gets (retry-max-attempts) and
// through which proxy (http-proxy, no-proxy, the proxy variables). Set once from the inputs
// (main.ts), read by the one client factory (src/aws/clients.ts), so no client is built with
// other settings.
import { getProxyUrl } from '@actions/http-client'
import { checkBypass } from '@actions/http-client/lib/proxy'
import { ProxyAgent } from 'proxy-agent'
import { DEFAULT_RETRY_MAX_ATTEMPTS, type ProxySettings } from '../domain/settings.js'

// retry-max-attempts' default (src/domain/settings.ts): enough for a large scan to ride out IAM
// throttling.
let maxAttempts = DEFAULT_RETRY_MAX_ATTEMPTS

export function setRetryMaxAttempts(attempts: number): void {
  maxAttempts = attempts
}

/** The most times one AWS request is sent, the first try included (retry-max-attempts). */
export function retryMaxAttempts(): number {
  return maxAttempts
}

let proxy: ProxySettings = { noProxy: [] }

export function setProxy(settings: ProxySettings): void {
  proxy = settings
}

export interface Timeouts {
  connectionTimeout: number
  requestTimeout: number
}

const PROXY_VARIABLES = ['https_proxy', 'HTTPS_PROXY', 'http_proxy', 'HTTP_PROXY']

/**
 * Whether no-proxy lists the URL's host: `*`, the host, host:port, or a domain the host is in
 * (`example.com` and `.example.com` as NO_PROXY means them to @actions/http-client, `*.example.com`
 * as configure-aws-credentials also accepts).
 */
function listedInNoProxy(url: URL, entries: readonly string[]): boolean {
  const host = url.hostname.toLowerCase()
  const port = url.port || (url.protocol === 'https:' ? '443' : '80')
  return entries.some((entry) => {
    if (entry === '*') return true
    const [, name = '', entryPort] = /^(.*?)(?::(\d+))?$/.exec(entry.toLowerCase()) ?? []
    const domain = name.replace(/^\*?\./, '')
    return (!entryPort || entryPort === port) && (host === domain || host.endsWith(`.${domain}`))
  })
}

/**
 * The proxy for one AWS request, '' for none: loopback hosts, NO_PROXY's hosts (the rule
 * @actions/http-client applies to the GitHub clients and the OIDC token request) and no-proxy's
 * go directly; then http-proxy for every scheme, else HTTPS_PROXY for https and HTTP_PROXY for
 * http.
 */
function proxyFor(target: string): string {
  const url = new URL(target)
  if (checkBypass(url) || listedInNoProxy(url, proxy.noProxy)) return ''
  return proxy.httpProxy ?? getProxyUrl(target)
}

/**
 * The SDK's request handler options. The AWS SDK for JavaScript v3 ignores HTTPS_PROXY and
 * HTTP_PROXY (AWS documents passing a proxy agent instead), so when a proxy is set (http-proxy or
 * a variable) each request picks its own with `proxyFor`.
 */
function awsRequestHandler(
  timeouts: Timeouts,
  env: NodeJS.ProcessEnv = process.env
): Timeouts & { httpAgent?: ProxyAgent; httpsAgent?: ProxyAgent } {
  if (!proxy.httpProxy && !PROXY_VARIABLES.some((name) => env[name])) return timeouts
  const agent = (keepAlive: boolean): ProxyAgent =>
    new ProxyAgent({ keepAlive, maxSockets: 50, getProxyForUrl: proxyFor })
  // https goes through a CONNECT tunnel, kept alive as the SDK's own agents are. Plain http is
  // forwarded, and http-proxy-agent sends a reused keep-alive socket's next request in origin
  // form (GET /path), which a proxy cannot route: one connection per request there.
  return { ...timeouts, httpAgent: agent(false), httpsAgent: agent(true) }
}

// IAM answers in milliseconds; a request still open after 10 s is stuck, so it is abandoned and
// retried rather than left to hang the job.
export const DEFAULT_TIMEOUTS: Timeouts = { connectionTimeout: 5_000, requestTimeout: 10_000 }

/** What every SDK client gets: attempts, timeouts and the proxy. */
export function awsClientConfig(options: { maxAttempts?: number; timeouts?: Timeouts } = {}): {
  maxAttempts: number
  requestHandler: ReturnType<typeof awsRequestHandler>
} {
  return {
    maxAttempts: options.maxAttempts ?? maxAttempts,
    requestHandler: awsRequestHandler(options.timeouts ?? DEFAULT_TIMEOUTS)
  }
}
