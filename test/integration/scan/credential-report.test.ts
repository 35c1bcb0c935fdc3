// The credential-report method against the loopback fake AWS with the real SDK client:
// polling, errors, the calls it makes, auto's choice and fallback, and identical findings.
import { afterEach, describe, expect, it } from '@jest/globals'
import { IAMClient } from '@aws-sdk/client-iam'
import { classifyAccount, type Audit } from '../../../src/classify/findings.js'
import { scanAccount } from '../../../src/scan/account.js'
import { fetchCredentialReport } from '../../../src/scan/credential-report/fetch.js'
import { scanWithCredentialReport } from '../../../src/scan/credential-report/scan.js'
import { readSettings } from '../../../src/inputs/settings.js'
import { settingsOf } from '../../support/settings.js'
import { AUTO_REPORT_ABOVE_USERS, scanKeys, type KeyScanOptions } from '../../../src/scan/method.js'
import type { Finding } from '../../../src/domain/types.js'
import { FakeAws, type FakeAccount, type FakeAwsOptions } from '../../support/fake-aws/index.js'
import { VARIED_INPUTS, variedAccount } from '../../support/varied-account.js'

const DAY = 86_400_000
const at = new Date()
const t = { maxAgeDays: 90, warnDays: 14, unusedDays: 30 }
const fast = { firstDelayMs: 20, maxDelayMs: 40 }

let fake: FakeAws | undefined
afterEach(async () => {
  await fake?.stop()
  fake = undefined
})

async function serve(account: FakeAccount, options: FakeAwsOptions = {}): Promise<IAMClient> {
  fake = new FakeAws(account, { pageSize: 1000, ...options })
  const endpoint = await fake.start()
  return new IAMClient({
    region: 'us-east-1',
    endpoint,
    credentials: { accessKeyId: 'AKIATEST', secretAccessKey: 'x' },
    maxAttempts: 1
  })
}

const actions = (): string[] => fake?.calls.map((c) => c.action) ?? []
const count = (action: string): number => actions().filter((a) => a === action).length

/** Many ok users and a few flagged ones, so the report method has something to skip. */
function largeAccount(users: number): FakeAccount {
  return {
    accountId: '123456789012',
    users: Array.from({ length: users }, (_, u) => ({
      userName: `u${String(u).padStart(4, '0')}`,
      keys: [
        {
          accessKeyId: `AKIALARGE${String(u).padStart(11, '0')}`,
          status: 'Active' as const,
          createDate: new Date(
            Math.floor((at.getTime() - (u % 10 === 0 ? 120 : 10) * DAY) / 1000) * 1000
          )
        }
      ]
    }))
  }
}

describe('fetchCredentialReport', () => {
  it('takes a ready report in two calls', async () => {
    const iam = await serve(largeAccount(3))
    const report = await fetchCredentialReport(iam, fast)
    expect(actions()).toEqual(['GenerateCredentialReport', 'GetCredentialReport'])
    expect(Buffer.from(report.content).toString('utf8')).toMatch(/^user,arn,/)
    expect(report.generatedAt).toBeInstanceOf(Date)
  })

  it('polls with backoff while the report is STARTED or INPROGRESS', async () => {
    // One simulated clock for the fake's report generation and the poller: sleeping advances it,
    // so the waits cannot depend on how busy the machine is.
    let now = Date.now()
    const clock = () => now
    const iam = await serve(largeAccount(3), { credentialReport: { generationMs: 70, now: clock } })
    const waits: number[] = []
    const sleep = async (ms: number) => {
      waits.push(ms)
      now += ms
    }
    await fetchCredentialReport(iam, { firstDelayMs: 20, maxDelayMs: 80, sleep, clock })
    // Ready at 70 ms: not after 20 or 20 + 40, ready after 20 + 40 + 80.
    expect(waits).toEqual([20, 40, 80])
    expect(actions()).toEqual([
      'GenerateCredentialReport',
      'GenerateCredentialReport',
      'GenerateCredentialReport',
      'GenerateCredentialReport',
      'GetCredentialReport'
    ])
  })

  it('by default polls after 0.5 s, then every second: a ready report is seen within a second', async () => {
    let now = Date.now()
    const clock = () => now
    const iam = await serve(largeAccount(3), {
      credentialReport: { generationMs: 10_000, now: clock }
    })
    const waits: number[] = []
    const sleep = async (ms: number) => {
      waits.push(ms)
      now += ms
    }
    await fetchCredentialReport(iam, { sleep, clock })
    // Ready at 10 s: seen at 0.5 + 10 × 1 = 10.5 s.
    expect(waits).toEqual([500, ...new Array(10).fill(1000)])
  })

  it('refuses a report older than AWS 4-hour reuse window', async () => {
    const iam = await serve(largeAccount(3), {
      credentialReport: { generatedAgeMs: 4 * 3_600_000 + 60_000 }
    })
    await expect(fetchCredentialReport(iam, fast)).rejects.toMatchObject({
      name: 'StaleReportError',
      message: expect.stringContaining('more than 4 hours ago')
    })
  })

  it('takes a report just inside the 4-hour window', async () => {
    const iam = await serve(largeAccount(3), {
      credentialReport: { generatedAgeMs: 4 * 3_600_000 - 60_000 }
    })
    const report = await fetchCredentialReport(iam, fast)
    expect(report.content.length).toBeGreaterThan(0)
  })

  it('stops waiting when the caller no longer needs the report', async () => {
    const iam = await serve(largeAccount(3), { credentialReport: { generationMs: 60_000 } })
    const abandon = new AbortController()
    // A wait that would never end unless the signal cuts it short.
    const sleep = () => new Promise<void>(() => abandon.abort())
    await expect(
      fetchCredentialReport(iam, { firstDelayMs: 60_000, sleep, signal: abandon.signal })
    ).rejects.toMatchObject({ name: 'ReportAbandoned' })
    expect(count('GenerateCredentialReport')).toBe(1)
  })

  it.each([
    ['ReportInProgress', 404, 'GetCredentialReport', 2],
    ['LimitExceeded', 409, 'GenerateCredentialReport', 2],
    ['ReportNotPresent', 410, 'GetCredentialReport', 2],
    ['ReportExpired', 410, 'GetCredentialReport', 2]
  ])('rides out %s and gets the report', async (code, status, action, generations) => {
    const iam = await serve(largeAccount(3))
    fake?.addFault({ action, times: 1, fault: { status, code } })
    const report = await fetchCredentialReport(iam, fast)
    expect(report.content.length).toBeGreaterThan(0)
    expect(count('GenerateCredentialReport')).toBe(generations)
  })

  it('fails with the permission to grant when the report is denied', async () => {
    const iam = await serve(largeAccount(3))
    fake?.addFault({
      action: 'GenerateCredentialReport',
      fault: { status: 403, code: 'AccessDenied', message: 'not allowed' }
    })
    await expect(fetchCredentialReport(iam, fast)).rejects.toMatchObject({
      message: expect.stringContaining('iam:GenerateCredentialReport'),
      hint: expect.stringContaining('Grant iam:GenerateCredentialReport')
    })
  })

  it('gives up when the report is not ready in time', async () => {
    const iam = await serve(largeAccount(3), { credentialReport: { generationMs: 60_000 } })
    await expect(fetchCredentialReport(iam, { ...fast, maxWaitMs: 100 })).rejects.toThrow(
      'The credential report was not ready after 0 s.'
    )
  })
})

describe('scanKeys', () => {
  const options = (method: KeyScanOptions['method']): KeyScanOptions => ({
    method,
    concurrency: 4,
    thresholds: t,
    at,
    report: fast
  })

  it('credential-report: the report, then ListAccessKeys for the candidate users only', async () => {
    const iam = await serve(largeAccount(200))
    const scan = await scanKeys(iam, options('credential-report'))
    expect(scan.info).toMatchObject({
      requested: 'credential-report',
      method: 'credential-report',
      credentialReport: { candidateUsers: 20, unlistedOkKeys: 180 },
      rootAccessKeys: []
    })
    expect(count('ListAccessKeys')).toBe(20)
    // Every candidate key is overdue: its class does not hang on its last use.
    expect(count('GetAccessKeyLastUsed')).toBe(0)
    expect(actions().length).toBeLessThanOrEqual(3 + 1 + 20)
    // Users listed live after the report: one the report does not show is read too.
    expect(count('ListUsers')).toBe(1)
    expect(scan.userCount).toBe(200)
    expect(scan.keys).toHaveLength(20)
    expect(scan.unlistedOkAgeDays).toEqual(new Array(180).fill(10))
  })

  it(`auto: the API walk up to ${AUTO_REPORT_ABOVE_USERS} users, listed once`, async () => {
    const iam = await serve(largeAccount(AUTO_REPORT_ABOVE_USERS))
    const scan = await scanKeys(iam, options('auto'))
    expect(scan.info).toEqual({
      requested: 'auto',
      method: 'api',
      reason: `auto: ${AUTO_REPORT_ABOVE_USERS} users (at most ${AUTO_REPORT_ABOVE_USERS}), so every user was read live`
    })
    expect(count('ListUsers')).toBe(1)
    expect(count('GenerateCredentialReport')).toBe(0)
    expect(count('ListAccessKeys')).toBe(AUTO_REPORT_ABOVE_USERS)
  })

  it('auto: the credential report above the threshold', async () => {
    const iam = await serve(largeAccount(AUTO_REPORT_ABOVE_USERS + 1))
    const scan = await scanKeys(iam, options('auto'))
    expect(scan.info.method).toBe('credential-report')
    expect(scan.info.fallbackReason).toBeUndefined()
    // A probe page of 101 tells the account is large; the report is requested before the rest.
    expect(actions().slice(0, 2)).toEqual(['ListUsers', 'GenerateCredentialReport'])
    expect(count('ListUsers')).toBe(2)
    // Users are read while the report is generated, so how many depends on when it is ready;
    // every candidate (the 11 users with an overdue key) is read, and no user twice.
    const read = fake?.callsTo('ListAccessKeys').map((c) => c.params.UserName) ?? []
    expect(new Set(read).size).toBe(read.length)
    for (let u = 0; u <= AUTO_REPORT_ABOVE_USERS; u += 10) {
      expect(read).toContain(`u${String(u).padStart(4, '0')}`)
    }
    expect(scan.keys.filter((k) => k.createDate.getTime() < at.getTime() - 100 * DAY)).toHaveLength(
      11
    )
    expect(scan.keys.length + scan.unlistedOkAgeDays.length).toBe(AUTO_REPORT_ABOVE_USERS + 1)
  })

  it('auto: a walk whose measured pace projects past the race stops and waits for the report', async () => {
    const iam = await serve(largeAccount(200), { credentialReport: { generationMs: 200 } })
    // Each look at the clock is a second later: after the first users, the walk projects 200
    // users far past raceMs, so it stops racing and the report chooses whom to read.
    let now = 0
    const scan = await scanWithCredentialReport(iam, {
      concurrency: 4,
      thresholds: t,
      at,
      fetch: fast,
      readWhileWaiting: true,
      clock: () => (now += 1000),
      raceMs: 10_000
    })
    expect(scan.report).toBeDefined()
    const read = fake?.callsTo('ListAccessKeys').map((c) => c.params.UserName) ?? []
    // The 20 users with an overdue key, and the few read before the pace was measured.
    for (let u = 0; u < 200; u += 10) expect(read).toContain(`u${String(u).padStart(4, '0')}`)
    expect(read.length).toBeLessThanOrEqual(20 + 8)
    expect(scan.keys.length + (scan.report?.unlistedOkAgeDays.length ?? 0)).toBe(200)
  })

  it('auto: a walk on pace to finish first races on, and the report it beats is abandoned', async () => {
    const iam = await serve(largeAccount(150), { credentialReport: { generationMs: 600_000 } })
    const scan = await scanWithCredentialReport(iam, {
      concurrency: 4,
      thresholds: t,
      at,
      fetch: { firstDelayMs: 600_000, maxWaitMs: 3_600_000 },
      readWhileWaiting: true,
      clock: () => 0,
      raceMs: 10_000
    })
    expect(scan.report).toBeUndefined()
    expect(count('ListAccessKeys')).toBe(150)
    expect(count('GetCredentialReport')).toBe(0)
  })

  it('auto: falls back to the API walk when the report is denied, and says why', async () => {
    const iam = await serve(largeAccount(150))
    fake?.addFault({
      action: 'GenerateCredentialReport',
      fault: { status: 403, code: 'AccessDenied', message: 'no reports for you' }
    })
    const scan = await scanKeys(iam, options('auto'))
    expect(scan.info).toMatchObject({ requested: 'auto', method: 'api' })
    expect(scan.info.fallbackReason).toContain('AccessDenied: no reports for you')
    expect(scan.info.fallbackReason).toContain('Grant iam:GenerateCredentialReport')
    expect(scan.keys).toHaveLength(150)
    expect(scan.unlistedOkAgeDays).toEqual([])
    expect(count('ListAccessKeys')).toBe(150)
  })

  it('auto: a report that never becomes ready costs no time: the walk reads every user', async () => {
    const iam = await serve(largeAccount(150), { credentialReport: { generationMs: 600_000 } })
    const scan = await scanKeys(iam, {
      ...options('auto'),
      report: { firstDelayMs: 600_000, maxWaitMs: 3_600_000 }
    })
    expect(scan.info).toMatchObject({
      method: 'api',
      reason: 'auto: every user was read live before the credential report was ready'
    })
    expect(scan.info.fallbackReason).toBeUndefined()
    expect(count('ListAccessKeys')).toBe(150)
    expect(count('GetCredentialReport')).toBe(0)
  })

  it.each(['auto', 'credential-report'] as const)(
    '%s: a report older than 4 hours is not trusted: the walk reads every user, and says why',
    async (method) => {
      const iam = await serve(largeAccount(150), {
        credentialReport: { generatedAgeMs: 5 * 3_600_000 }
      })
      const scan = await scanKeys(iam, options(method))
      expect(scan.info.method).toBe('api')
      expect(scan.info.fallbackReason).toContain('more than 4 hours ago')
      expect(scan.keys).toHaveLength(150)
      expect(scan.unlistedOkAgeDays).toEqual([])
    }
  )

  it('credential-report: a denial fails the scan with the permission to grant', async () => {
    const iam = await serve(largeAccount(5))
    fake?.addFault({
      action: 'GetCredentialReport',
      fault: { status: 403, code: 'AccessDenied', message: 'no' }
    })
    await expect(scanKeys(iam, options('credential-report'))).rejects.toMatchObject({
      hint: expect.stringContaining('Grant iam:GetCredentialReport')
    })
  })

  it("reports the root user's access keys from the report", async () => {
    const account = largeAccount(3)
    account.rootKeys = [
      { accessKeyId: 'AKIAROOT', status: 'Active', createDate: new Date(Date.UTC(2020, 0, 2)) }
    ]
    const iam = await serve(account)
    const scan = await scanKeys(iam, options('credential-report'))
    expect(scan.info.rootAccessKeys).toEqual([
      {
        slot: 1,
        active: true,
        createDate: new Date(Date.UTC(2020, 0, 2)),
        ageDays: Math.floor((at.getTime() - Date.UTC(2020, 0, 2)) / DAY),
        lastUse: { kind: 'never' }
      }
    ])
    expect(scan.keys.map((k) => k.accessKeyId)).not.toContain('AKIAROOT')
  })
})

describe('identical findings across methods', () => {
  async function audit(method: string, account: FakeAccount): Promise<Audit & { calls: number }> {
    const iam = await serve(account)
    const settings = settingsOf(
      readSettings((name) =>
        name === 'scan-method' ? method : ((VARIED_INPUTS as Record<string, string>)[name] ?? '')
      ),
      'audit'
    )
    const scan = await scanAccount(iam, settings, at, { report: fast })
    const result = classifyAccount(scan, settings, { accountId: '1' }, at)
    const calls = count('GetAccessKeyLastUsed')
    await fake?.stop()
    fake = undefined
    return { ...result, calls }
  }

  const notOk = (keys: readonly Finding[]): Finding[] => keys.filter((k) => k.class !== 'ok')

  it.each([
    ['a small account (ok keys with their last use)', 40],
    ['a larger one (ok keys beyond 50: last use not read)', 120]
  ])('on %s', async (_, users) => {
    const account = variedAccount(users, at)
    const api = await audit('api', account)
    const report = await audit('credential-report', account)

    // The account really is varied: every class shows up.
    for (const cls of ['overdue', 'due-soon', 'unused', 'inactive', 'exempt', 'ok'] as const) {
      expect(api.report.counts[cls]).toBeGreaterThan(0)
    }
    expect(report.report.counts).toEqual(api.report.counts)
    expect(report.report.userCount).toBe(api.report.userCount)
    expect(notOk(report.report.keys)).toEqual(notOk(api.report.keys))
    // Every key the report method lists is the API walk's finding for it, to the field.
    const byId = new Map(api.report.keys.map((k) => [k.accessKeyId, k]))
    for (const key of report.report.keys) expect(key).toEqual(byId.get(key.accessKeyId))
    // The rest are ok keys of users the report showed to be fine: counted, not listed.
    const unlisted = api.report.keys.length - report.report.keys.length
    expect(report.scan.credentialReport?.unlistedOkKeys).toBe(unlisted)
    expect(report.unlistedOkAgeDays).toHaveLength(unlisted)
    expect(api.report.errors).toEqual([])
    expect(report.report.errors).toEqual([])
    expect(report.scan.rootAccessKeys).toHaveLength(1)
    expect(api.scan.rootAccessKeys).toBeUndefined()
    // The report's last use served wherever the class does not hang on it.
    expect(report.calls).toBeLessThan(api.calls)
  })

  it('a due-soon key of a user with nothing else flagged: the same finding, named by slot', async () => {
    const account = variedAccount(40, at)
    const created = new Date(Math.floor((at.getTime() - 80 * DAY) / 1000) * 1000)
    const used = new Date(Math.floor((at.getTime() - DAY) / 1000) * 1000)
    account.users.push({
      userName: 'dora',
      keys: [
        {
          accessKeyId: 'AKIADORADUESOON00001',
          status: 'Active',
          createDate: created,
          lastUsed: { date: used, serviceName: 's3', region: 'eu-west-1' }
        }
      ]
    })
    const api = await audit('api', account)
    const report = await audit('credential-report', account)
    expect(report.report.counts).toEqual(api.report.counts)
    const byId = api.report.keys.find((k) => k.userName === 'dora')
    const facts = { ...byId, accessKeyId: undefined }
    expect(facts).toMatchObject({ class: 'due-soon' })
    expect(report.report.keys.find((k) => k.userName === 'dora')).toBeUndefined()
    expect(report.report.keysBySlot).toEqual([{ ...facts, slot: 1 }])
    // Every other flagged key is the API walk's finding, by ID.
    expect(notOk(report.report.keys)).toEqual(
      notOk(api.report.keys).filter((k) => k.userName !== 'dora')
    )
  })
})
