// The safety inputs of aws-actions/configure-aws-credentials, end to end through the built
// action: allowed-account-ids refusing a foreign account before any read (in every mode),
// session policies that scope a run below its role, role-external-id on sts:AssumeRole, and the
// proxy variables honoured by every AWS and GitHub client, and the http-proxy and no-proxy inputs.
import { afterEach, describe, expect, it } from '@jest/globals'
import type { FakeAccount, FakeOrganization } from '../support/fake-aws/index.js'
import { startFakes, readReport, type Fakes } from '../support/harness.js'
import { LoopbackProxy } from '../support/loopback-proxy.js'
import { SAMPLE_ACCOUNT_ID, SAMPLE_EXPECTED, sampleAccount } from '../support/sample-account.js'

const FOREIGN = '999999999999'
const HUB_ACCOUNT = '200000000002'
const MEMBER_ACCOUNT = '300000000003'
const HUB = `arn:aws:iam::${HUB_ACCOUNT}:role/iam-key-sentinel-hub`
const MEMBER = `arn:aws:iam::${MEMBER_ACCOUNT}:role/iam-key-sentinel-member`
const MGMT = '100000000001'
const ORG_READER = `arn:aws:iam::${MGMT}:role/iam-key-sentinel-org-reader`

const DENY_WRITES = JSON.stringify(
  {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: '*', Resource: '*' },
      {
        Effect: 'Deny',
        Action: ['iam:Update*', 'iam:Delete*', 'iam:Tag*', 'iam:Untag*'],
        Resource: '*'
      }
    ]
  },
  null,
  2
)

let fakes: Fakes | undefined
let proxy: LoopbackProxy | undefined
afterEach(async () => {
  await fakes?.stop()
  await proxy?.stop()
  fakes = undefined
  proxy = undefined
})

const log = (r: { stdout: string; stderr: string }): string => `${r.stdout}\n${r.stderr}`

function chainAccounts(): FakeAccount[] {
  const member = sampleAccount()
  return [
    { accountId: HUB_ACCOUNT, roles: [HUB], users: [] },
    { ...member, accountId: MEMBER_ACCOUNT, roles: [MEMBER] }
  ]
}

describe('allowed-account-ids', () => {
  it('refuses a foreign account right after GetCallerIdentity: no IAM call, no issue, no report', async () => {
    fakes = await startFakes()
    const result = await fakes.run({ 'allowed-account-ids': FOREIGN, action: 'deactivate' })
    expect(result.code).toBe(1)
    expect(result.stdout).toContain(
      `::error::The AWS credentials are for account ${SAMPLE_ACCOUNT_ID}, which 'allowed-account-ids' does not list (${FOREIGN}): nothing was read or changed.`
    )
    expect(fakes.aws.calls.map((c) => `${c.service}:${c.action}`)).toEqual([
      'sts:AssumeRoleWithWebIdentity',
      'sts:GetCallerIdentity'
    ])
    expect(fakes.github.requests.filter((r) => r.path.startsWith('/repos/'))).toEqual([])
    expect(result.outputs['report-path']).toBeUndefined()
  })

  it('lets a listed account run as usual', async () => {
    fakes = await startFakes()
    const result = await fakes.run({
      'allowed-account-ids': `${FOREIGN}, ${SAMPLE_ACCOUNT_ID}`,
      'fail-on': 'never',
      'create-issues': 'false'
    })
    expect([result.code, log(result)]).toEqual([0, expect.any(String)])
    expect(result.outputs['account-id']).toBe(SAMPLE_ACCOUNT_ID)
    expect(fakes.aws.callsTo('ListUsers').length).toBeGreaterThan(0)
  })

  it('checks the member account after role chaining, not the hub', async () => {
    fakes = await startFakes(chainAccounts())
    const result = await fakes.run({
      'role-to-assume': HUB,
      'member-role-arn': MEMBER,
      'allowed-account-ids': HUB_ACCOUNT
    })
    expect(result.code).toBe(1)
    expect(result.stdout).toContain(`account ${MEMBER_ACCOUNT}, which 'allowed-account-ids'`)
    expect(fakes.aws.calls.filter((c) => c.service === 'iam')).toEqual([])
    expect(fakes.aws.calls.map((c) => c.action)).toEqual([
      'AssumeRoleWithWebIdentity',
      'AssumeRole',
      'GetCallerIdentity'
    ])
  })

  it('checks the management account in list-accounts before any Organizations call', async () => {
    const organization: FakeOrganization = {
      id: 'o-exampleorg1',
      managementAccountId: MGMT,
      rootId: 'r-ab12',
      units: [],
      accounts: [
        { accountId: MGMT, name: 'Management', parentId: 'r-ab12' },
        { accountId: MEMBER_ACCOUNT, name: 'Prod', parentId: 'r-ab12' }
      ]
    }
    fakes = await startFakes([{ accountId: MGMT, roles: [ORG_READER], users: [] }], {
      organization
    })
    const refused = await fakes.run({
      mode: 'list-accounts',
      'role-to-assume': ORG_READER,
      'allowed-account-ids': MEMBER_ACCOUNT
    })
    expect(refused.code).toBe(1)
    expect(refused.stdout).toContain(`account ${MGMT}, which 'allowed-account-ids'`)
    expect(fakes.aws.calls.filter((c) => c.service === 'organizations')).toEqual([])
    expect(refused.outputs.matrix).toBeUndefined()

    fakes.aws.calls.length = 0
    const allowed = await fakes.run({
      mode: 'list-accounts',
      'role-to-assume': ORG_READER,
      'allowed-account-ids': MGMT
    })
    expect([allowed.code, log(allowed)]).toEqual([0, expect.any(String)])
    expect(fakes.aws.callsTo('ListAccounts').length).toBeGreaterThan(0)
  })
})

describe('session policies and role-external-id', () => {
  it('a session policy that denies writes makes deactivate fail on every key, changing nothing', async () => {
    fakes = await startFakes()
    const before = JSON.stringify(fakes.aws.account().users)
    const result = await fakes.run({ action: 'deactivate', 'inline-session-policy': DENY_WRITES })
    expect(result.code).toBe(1)
    // The policy goes to STS packed, as STS counts its characters.
    const [exchange] = fakes.aws.callsTo('AssumeRoleWithWebIdentity')
    expect(exchange?.params.Policy).toBe(JSON.stringify(JSON.parse(DENY_WRITES)))
    const report = await readReport(result)
    const changes = report.remediation?.changes ?? []
    const due = Object.entries(SAMPLE_EXPECTED).filter(([, c]) => c === 'overdue' || c === 'unused')
    expect(changes.length).toBeGreaterThan(0)
    expect(changes.length).toBeLessThanOrEqual(due.length)
    for (const change of changes) {
      expect([change.accessKeyId, change.result]).toEqual([change.accessKeyId, 'failed'])
      // The first write of a change is the claim on the key (a user tag), so that is what the
      // session policy refuses; the key itself is never reached.
      expect(change.detail).toMatch(
        /^Could not claim the key before the change: .*not authorized to perform: iam:TagUser with an explicit deny/
      )
    }
    // Nothing changed: no write went through, and the account is as it was.
    const writes = fakes.aws.calls.filter(
      (c) => c.service === 'iam' && /^(Update|Delete|Tag|Untag)/.test(c.action)
    )
    expect(writes.length).toBeGreaterThan(0)
    expect(writes.filter((c) => c.status !== 403)).toEqual([])
    expect(JSON.stringify(fakes.aws.account().users)).toBe(before)
    expect(result.stdout).toMatch(/::error::(\d+) of \1 key changes failed/)
  })

  it('scopes the last session of a chain, sends role-external-id with every sts:AssumeRole', async () => {
    fakes = await startFakes(chainAccounts())
    const managed = 'arn:aws:iam::aws:policy/SecurityAudit'
    const result = await fakes.run({
      'role-to-assume': HUB,
      'member-role-arn': MEMBER,
      'role-external-id': 'acme-sentinel-2026',
      'managed-session-policies': managed,
      'fail-on': 'never',
      'create-issues': 'false'
    })
    expect([result.code, log(result)]).toEqual([0, expect.any(String)])
    const [web] = fakes.aws.callsTo('AssumeRoleWithWebIdentity')
    const [hop] = fakes.aws.callsTo('AssumeRole')
    // The OIDC exchange takes no external ID; the hub session stays unscoped, so it may chain.
    expect(web?.params.ExternalId).toBeUndefined()
    expect(web?.params['PolicyArns.member.1.arn']).toBeUndefined()
    expect(hop?.params.ExternalId).toBe('acme-sentinel-2026')
    expect(hop?.params['PolicyArns.member.1.arn']).toBe(managed)
    const iam = fakes.aws.calls.find((c) => c.service === 'iam')
    expect(fakes.aws.sessionOf(iam?.accessKeyId)).toEqual({
      accountId: MEMBER_ACCOUNT,
      roleArn: MEMBER,
      policyArns: [managed]
    })
  })
})

describe('proxy variables and inputs', () => {
  // Hostnames that do not resolve: the fakes are reachable under them only through the proxy,
  // which answers every host from 127.0.0.1.
  const viaProxy = (url: string, host: string): string => url.replace('127.0.0.1', host)

  it('sends every AWS and GitHub request through HTTPS_PROXY / HTTP_PROXY', async () => {
    fakes = await startFakes()
    proxy = new LoopbackProxy()
    const proxyUrl = await proxy.start()
    const result = await fakes.run(
      { 'fail-on': 'never' },
      {
        awsEndpoint: viaProxy(fakes.awsEndpoint, 'aws.sentinel.test'),
        githubUrl: viaProxy(fakes.github.url, 'api.github.sentinel.test'),
        oidcUrl: viaProxy(fakes.github.oidcUrl(), 'api.github.sentinel.test'),
        env: { HTTPS_PROXY: proxyUrl, HTTP_PROXY: proxyUrl }
      }
    )
    expect([result.code, log(result)]).toEqual([0, expect.any(String)])
    expect(proxy.hosts()).toEqual(new Set(['aws.sentinel.test', 'api.github.sentinel.test']))
    // A proxy can route only absolute-form requests and CONNECT tunnels.
    expect(proxy.requests.filter((r) => r.form === 'origin')).toEqual([])
    // Every AWS call the fake answered came through the proxy, STS and IAM alike.
    const awsThroughProxy = proxy.requests.filter((r) => r.target.startsWith('aws.'))
    expect(awsThroughProxy.length).toBeGreaterThan(0)
    expect(fakes.aws.callsTo('AssumeRoleWithWebIdentity')).toHaveLength(1)
    expect(fakes.aws.callsTo('ListUsers').length).toBeGreaterThan(0)
    // The OIDC token and the issues went through it too.
    expect(fakes.github.issues.length).toBeGreaterThan(0)
  })

  it('sends every AWS request, and only those, through the http-proxy input', async () => {
    fakes = await startFakes()
    proxy = new LoopbackProxy()
    const proxyUrl = await proxy.start()
    // No proxy variable: GitHub (the OIDC token, the issues) is reached directly on loopback;
    // AWS (STS and IAM) only under a name that resolves through the proxy.
    const result = await fakes.run(
      { 'fail-on': 'never', 'http-proxy': proxyUrl },
      { awsEndpoint: viaProxy(fakes.awsEndpoint, 'aws.sentinel.test') }
    )
    expect([result.code, log(result)]).toEqual([0, expect.any(String)])
    expect(proxy.hosts()).toEqual(new Set(['aws.sentinel.test']))
    expect(fakes.aws.callsTo('AssumeRoleWithWebIdentity')).toHaveLength(1)
    expect(fakes.aws.callsTo('ListUsers').length).toBeGreaterThan(0)
    expect(fakes.github.issues.length).toBeGreaterThan(0)
  })

  it('reaches a host of the no-proxy input directly', async () => {
    fakes = await startFakes()
    proxy = new LoopbackProxy()
    const proxyUrl = await proxy.start()
    // Listed as a domain: sent directly to a name that does not resolve, and fails, rather
    // than through the proxy.
    const result = await fakes.run(
      {
        'fail-on': 'never',
        'retry-max-attempts': '1',
        'http-proxy': proxyUrl,
        'no-proxy': '.sentinel.test'
      },
      { awsEndpoint: viaProxy(fakes.awsEndpoint, 'aws.sentinel.test') }
    )
    expect(result.code).toBe(1)
    expect(proxy.requests).toEqual([])
    expect(fakes.aws.calls).toEqual([])
    expect(log(result)).toMatch(/ENOTFOUND|EAI_AGAIN/)
  })

  it('reaches loopback endpoints directly, as the GitHub clients do, whatever the proxy variables', async () => {
    fakes = await startFakes()
    proxy = new LoopbackProxy()
    const proxyUrl = await proxy.start()
    const result = await fakes.run(
      { 'fail-on': 'never', 'create-issues': 'false' },
      { env: { HTTPS_PROXY: proxyUrl, HTTP_PROXY: proxyUrl } }
    )
    expect([result.code, log(result)]).toEqual([0, expect.any(String)])
    expect(proxy.requests).toEqual([])
    expect(fakes.aws.callsTo('ListUsers').length).toBeGreaterThan(0)
  })

  it('honours NO_PROXY: a listed host is reached directly', async () => {
    fakes = await startFakes()
    proxy = new LoopbackProxy()
    const proxyUrl = await proxy.start()
    // GitHub through the proxy; AWS listed in NO_PROXY, so it is sent directly to a name
    // that does not resolve, and fails, rather than through the proxy.
    const result = await fakes.run(
      { 'fail-on': 'never', 'retry-max-attempts': '1' },
      {
        awsEndpoint: viaProxy(fakes.awsEndpoint, 'aws.sentinel.test'),
        githubUrl: viaProxy(fakes.github.url, 'api.github.sentinel.test'),
        oidcUrl: viaProxy(fakes.github.oidcUrl(), 'api.github.sentinel.test'),
        env: { HTTP_PROXY: proxyUrl, NO_PROXY: 'localhost,aws.sentinel.test' }
      }
    )
    expect(result.code).toBe(1)
    expect(proxy.hosts()).toEqual(new Set(['api.github.sentinel.test']))
    expect(fakes.aws.calls).toEqual([])
    expect(log(result)).toMatch(/ENOTFOUND|EAI_AGAIN/)
  })
})
