// GitHub secret scanning as a source of exposed keys, end to end: the open alerts for AWS access
// key IDs are read page by page, each key is mapped to its account with sts:GetAccessKeyInfo,
// this account's keys are revoked through the incident path, and only then are their alerts
// resolved as revoked; another account's key is listed for its own run and its alert left open.
import { afterEach, describe, expect, it } from '@jest/globals'
import type { FakeAccount } from '../support/fake-aws/index.js'
import { faults } from '../support/fake-github/index.js'
import { keyStatus, startFakes, type Fakes } from '../support/harness.js'
import { assumeRoleCall } from '../support/cloudtrail-events.js'
import { SAMPLE_ACCOUNT_ID, SAMPLE_TOPIC_ARN, sampleAccount } from '../support/sample-account.js'

let fakes: Fakes
afterEach(() => fakes.stop())

const OTHER_ACCOUNT = '444455556666'
const OTHER_KEY = 'AKIAOTHERACCOUNT0001'
const ALICE = 'AKIASAMPLEALICE00001'

function accounts(): FakeAccount[] {
  const other: FakeAccount = {
    accountId: OTHER_ACCOUNT,
    users: [
      {
        userName: 'mallory',
        keys: [{ accessKeyId: OTHER_KEY, status: 'Active', createDate: new Date('2026-01-01') }]
      }
    ]
  }
  return [sampleAccount(), other]
}

/** Two alerts for alice's key (two places), one for another account's key, one already closed. */
async function start(): Promise<Fakes> {
  const f = await startFakes(accounts(), {}, { maxPerPage: 2 })
  f.github.seedSecretScanningAlert({ secret: ALICE })
  f.github.seedSecretScanningAlert({ secret: OTHER_KEY })
  f.github.seedSecretScanningAlert({ secret: ALICE })
  f.github.seedSecretScanningAlert({
    secret: 'AKIASAMPLEBOBOLD0001',
    state: 'resolved',
    resolution: 'false_positive'
  })
  return f
}

const scan = (f: Fakes, inputs: Record<string, string> = {}) =>
  f.run(
    {
      mode: 'secret-scanning',
      'github-token': f.github.token,
      'sns-topic-arn': SAMPLE_TOPIC_ARN,
      ...inputs
    },
    { eventName: 'schedule' }
  )

const alertWrites = (f: Fakes) =>
  f.github.writes().filter((r) => r.path.includes('/secret-scanning/alerts/'))

const alert = (f: Fakes, n: number) => f.github.secretScanningAlerts.find((a) => a.number === n)

describe('mode secret-scanning', () => {
  it('revokes this account’s key, resolves its alerts after verifying, lists the other account’s, and a rerun does nothing', async () => {
    fakes = await start()
    const result = await scan(fakes)

    expect(result.code).toBe(0)
    // Read every page of the open AWS key alerts (per_page 2 → two pages of three).
    const lists = fakes.github.requests.filter(
      (r) => r.method === 'GET' && r.path === '/repos/acme/security/secret-scanning/alerts'
    )
    expect(lists.length).toBe(2)
    expect(lists[0]?.query).toMatchObject({ state: 'open', secret_type: 'aws_access_key_id' })
    // Each distinct key mapped once.
    expect(
      fakes.aws
        .callsTo('GetAccessKeyInfo')
        .map((c) => c.params.AccessKeyId)
        .sort()
    ).toEqual([OTHER_KEY, ALICE])

    // This account's key: deactivated, its sessions revoked, both its alerts resolved as revoked.
    expect(keyStatus(fakes.aws.account(), ALICE)).toBe('Inactive')
    expect(fakes.aws.callsTo('UpdateAccessKey')).toHaveLength(1)
    for (const n of [1, 3]) {
      expect(alert(fakes, n)).toMatchObject({ state: 'resolved', resolution: 'revoked' })
      expect(alert(fakes, n)?.resolution_comment).toContain(
        'https://github.com/acme/security/actions/runs/'
      )
    }
    // Resolved only after the revocation was verified.
    const revokedAt = fakes.aws.callsTo('UpdateAccessKey')[0]?.at ?? Infinity
    const verifiedAt = Math.max(...fakes.aws.callsTo('ListAccessKeys').map((c) => c.at))
    for (const patch of alertWrites(fakes)) expect(patch.at).toBeGreaterThanOrEqual(verifiedAt)
    expect(verifiedAt).toBeGreaterThan(revokedAt)
    expect(alertWrites(fakes).map((r) => r.path)).toEqual([
      '/repos/acme/security/secret-scanning/alerts/3',
      '/repos/acme/security/secret-scanning/alerts/1'
    ])

    // The other account's key: untouched, listed by account, its alert left open.
    expect(alert(fakes, 2)?.state).toBe('open')
    expect(JSON.parse(result.outputs['other-account-keys'] ?? '{}')).toEqual({
      include: [{ 'account-id': OTHER_ACCOUNT, 'access-key-ids': OTHER_KEY }]
    })
    expect(alert(fakes, 4)).toMatchObject({ state: 'resolved', resolution: 'false_positive' })
    const outcomes = JSON.parse(result.outputs['secret-scanning-alerts'] ?? '[]') as {
      number: number
      outcome: string
      accountId?: string
    }[]
    expect(outcomes.map((o) => [o.number, o.outcome, o.accountId])).toEqual([
      [3, 'resolved', '111122223333'],
      [2, 'other-account', OTHER_ACCOUNT],
      [1, 'resolved', '111122223333']
    ])
    expect(result.summary).toContain('reported by GitHub secret scanning')
    expect(result.summary).toContain('## IAM Key Sentinel: GitHub secret scanning')
    expect(result.summary).toContain('### Keys of other accounts')
    expect(fakes.aws.published[0]?.message).toContain('Source:   GitHub secret scanning')

    // A rerun: only the other account's alert is open; nothing is revoked or resolved.
    fakes.github.clearRequests()
    const writesBefore = fakes.aws.calls.length
    const again = await scan(fakes)
    expect(again.code).toBe(0)
    const newCalls = fakes.aws.calls.slice(writesBefore).map((c) => c.action)
    expect(newCalls.filter((a) => /^(Update|Delete|Put|Tag|Untag)/.test(a))).toEqual([])
    expect(alertWrites(fakes)).toEqual([])
    expect(JSON.parse(again.outputs['secret-scanning-alerts'] ?? '[]')).toHaveLength(1)
    expect(fakes.aws.published).toHaveLength(1)
  })

  it('revoke-role-sessions: the roles the leaked key reached get the deny, as in incident mode', async () => {
    const deploy = `arn:aws:iam::${SAMPLE_ACCOUNT_ID}:role/deploy`
    const [mine, other] = accounts() as [FakeAccount, FakeAccount]
    mine.roles = [...(mine.roles ?? []), deploy]
    mine.cloudTrail = [
      assumeRoleCall({
        region: 'us-east-1',
        accountId: SAMPLE_ACCOUNT_ID,
        accessKeyId: ALICE,
        caller: 'alice',
        time: new Date(Date.now() - 2 * 3_600_000),
        roleArn: deploy,
        sessionKeyId: 'ASIAROLEDEPLOY000001'
      })
    ]
    fakes = await startFakes([mine, other], {}, { maxPerPage: 2 })
    fakes.github.seedSecretScanningAlert({ secret: ALICE })
    const result = await scan(fakes, { 'revoke-role-sessions': 'true' })

    expect(result.code).toBe(0)
    expect(keyStatus(fakes.aws.account(), ALICE)).toBe('Inactive')
    expect(
      fakes.aws.callsTo('PutRolePolicy').map((c) => `${c.params.RoleName} ${c.params.PolicyName}`)
    ).toEqual(['deploy AWSRevokeOlderSessions'])
    expect(result.summary).toContain(
      'aws iam delete-role-policy --role-name deploy --policy-name AWSRevokeOlderSessions'
    )
  })

  it('dry run: shows what would be revoked and resolved, and changes nothing', async () => {
    fakes = await start()
    const result = await scan(fakes, { 'dry-run': 'true' })

    expect(result.code).toBe(0)
    expect(keyStatus(fakes.aws.account(), ALICE)).toBe('Active')
    expect(alertWrites(fakes)).toEqual([])
    expect(fakes.github.secretScanningAlerts.filter((a) => a.state === 'open')).toHaveLength(3)
    expect(result.summary).toContain('would be resolved (dry run)')
    expect(result.summary).toContain('📝 planned (dry run)')
  })

  it('a key already deleted is no new work: its alert is resolved on the next run', async () => {
    fakes = await start()
    // The first run deletes the key, but GitHub refuses to resolve one alert.
    fakes.github.addFault(
      faults.notAccessible({
        method: 'PATCH',
        path: '/repos/acme/security/secret-scanning/alerts/1',
        times: 1
      })
    )
    const first = await scan(fakes, { action: 'delete' })
    expect(first.code).toBe(1)
    expect(keyStatus(fakes.aws.account(), ALICE)).toBe('Deleted')
    expect(alert(fakes, 1)?.state).toBe('open')
    expect(first.stdout + first.stderr).toContain("give 'github-token' a fine-grained token")

    const calls = fakes.aws.calls.length
    const second = await scan(fakes, { action: 'delete' })
    expect(second.code).toBe(0)
    expect(
      fakes.aws.calls.slice(calls).filter((c) => /^(Update|Delete|Put)/.test(c.action))
    ).toEqual([])
    expect(alert(fakes, 1)).toMatchObject({ state: 'resolved', resolution: 'revoked' })
    expect(alert(fakes, 1)?.resolution_comment).toContain('The key no longer exists')
  })

  it('more leaked keys than max-actions: nothing is revoked, the alerts stay open, the step fails', async () => {
    fakes = await start()
    fakes.github.seedSecretScanningAlert({ secret: 'AKIASAMPLECAROL00001' })
    const result = await scan(fakes, { 'max-actions': '1' })
    expect(result.code).toBe(1)
    expect(fakes.aws.callsTo('UpdateAccessKey')).toEqual([])
    expect(alertWrites(fakes)).toEqual([])
    expect(result.summary).toContain('more than max-actions (1)')
  })

  it('a token GitHub refuses fails clearly, naming the token input, before any IAM call', async () => {
    fakes = await start()
    fakes.github.addFault(
      faults.notAccessible({ method: 'GET', path: '/repos/acme/security/secret-scanning/alerts' })
    )
    const result = await scan(fakes)
    expect(result.code).toBe(1)
    expect(result.summary).toContain('The alerts could not be read')
    expect(result.summary).toContain('Secret scanning alerts')
    expect(result.stdout + result.stderr).toContain("give 'github-token'")
    expect(
      fakes.aws.calls.filter((c) => c.service === 'iam' && c.action !== 'ListAccountAliases')
    ).toEqual([])
  })

  it('organization scope: reads the organization’s alerts and resolves each in its own repository', async () => {
    fakes = await startFakes(accounts())
    fakes.github.seedSecretScanningAlert({ secret: ALICE, repository: 'acme/website' })
    fakes.github.seedSecretScanningAlert({ secret: OTHER_KEY, repository: 'acme/security' })
    fakes.github.seedSecretScanningAlert({ secret: ALICE, repository: 'elsewhere/repo' })
    const result = await scan(fakes, { 'secret-scanning-scope': 'organization' })

    expect(result.code).toBe(0)
    expect(
      fakes.github.requests.some(
        (r) => r.method === 'GET' && r.path === '/orgs/acme/secret-scanning/alerts'
      )
    ).toBe(true)
    expect(alertWrites(fakes).map((r) => r.path)).toEqual([
      '/repos/acme/website/secret-scanning/alerts/1'
    ])
    expect(
      fakes.github.secretScanningAlerts.find((a) => a.repository === 'elsewhere/repo')?.state
    ).toBe('open')
  })
})
