// Which proxy each AWS request takes: http-proxy and no-proxy as configure-aws-credentials means
// them, the proxy variables when http-proxy is empty, and loopback and NO_PROXY always direct.
import { afterEach, describe, expect, it } from '@jest/globals'
import type { ClientRequest } from 'node:http'
import { awsClientConfig, setProxy } from '../../../src/aws/network.js'

const VARIABLES = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'NO_PROXY', 'no_proxy']
const saved = Object.fromEntries(VARIABLES.map((name) => [name, process.env[name]]))

afterEach(() => {
  setProxy({ noProxy: [] })
  for (const name of VARIABLES) {
    if (saved[name] === undefined) delete process.env[name]
    else process.env[name] = saved[name]
  }
})

function clearVariables(): void {
  for (const name of VARIABLES) delete process.env[name]
}

/** The proxy the SDK's https agent picks for a URL ('' for none), or undefined without agents. */
async function proxyOf(url: string): Promise<string | undefined> {
  const agent = awsClientConfig().requestHandler.httpsAgent
  return agent ? await agent.getProxyForUrl(url, {} as ClientRequest) : undefined
}

describe('AWS proxy', () => {
  it('uses no proxy agent when neither http-proxy nor a variable is set', async () => {
    clearVariables()
    expect(await proxyOf('https://iam.amazonaws.com/')).toBeUndefined()
  })

  it('sends https and http through http-proxy, ahead of HTTPS_PROXY', async () => {
    clearVariables()
    process.env.HTTPS_PROXY = 'http://variable-proxy:8080'
    setProxy({ httpProxy: 'http://input-proxy:3128', noProxy: [] })
    expect(await proxyOf('https://iam.amazonaws.com/')).toBe('http://input-proxy:3128')
    const http = awsClientConfig().requestHandler.httpAgent
    expect(await http?.getProxyForUrl('http://169.254.170.2/x', {} as ClientRequest)).toBe(
      'http://input-proxy:3128'
    )
  })

  it.each([
    ['sts.us-east-1.amazonaws.com', 'https://sts.us-east-1.amazonaws.com/', ''],
    ['sts.us-east-1.amazonaws.com:443', 'https://sts.us-east-1.amazonaws.com/', ''],
    ['sts.us-east-1.amazonaws.com:8443', 'https://sts.us-east-1.amazonaws.com/', 'proxy'],
    ['amazonaws.com', 'https://iam.amazonaws.com/', ''],
    ['.amazonaws.com', 'https://iam.amazonaws.com/', ''],
    ['*.amazonaws.com', 'https://iam.amazonaws.com/', ''],
    ['*', 'https://iam.amazonaws.com/', ''],
    ['example.com', 'https://iam.amazonaws.com/', 'proxy'],
    ['zonaws.com', 'https://iam.amazonaws.com/', 'proxy']
  ])('no-proxy %s for %s: %s', async (entry, url, expected) => {
    clearVariables()
    setProxy({ httpProxy: 'http://input-proxy:3128', noProxy: [entry] })
    expect(await proxyOf(url)).toBe(expected === 'proxy' ? 'http://input-proxy:3128' : '')
  })

  it('adds no-proxy to NO_PROXY, and keeps loopback direct, with a variable proxy too', async () => {
    clearVariables()
    process.env.HTTPS_PROXY = 'http://variable-proxy:8080'
    process.env.NO_PROXY = 'sns.us-east-1.amazonaws.com'
    setProxy({ noProxy: ['iam.amazonaws.com'] })
    expect(await proxyOf('https://iam.amazonaws.com/')).toBe('')
    expect(await proxyOf('https://sns.us-east-1.amazonaws.com/')).toBe('')
    expect(await proxyOf('https://127.0.0.1:4566/')).toBe('')
    expect(await proxyOf('https://sts.amazonaws.com/')).toBe('http://variable-proxy:8080/')
  })
})
