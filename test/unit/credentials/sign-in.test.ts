import { beforeEach, describe, expect, it, jest } from '@jest/globals'
import { AssumeRoleWithWebIdentityCommand, STSClient } from '@aws-sdk/client-sts'
import { mockClient } from 'aws-sdk-client-mock'
import * as core from '../../../__fixtures__/core.js'

jest.unstable_mockModule('@actions/core', () => core)
const { assumeRoleWithOidc } = await import('../../../src/credentials/sign-in.js')
const { getIdToken, maskSecret, runnerLog } = await import('../../../src/deliver/runner.js')
const { isTransientStsError } = await import('../../../src/aws/errors.js')
const runner = { getIdToken, maskSecret, log: runnerLog }

const stsMock = mockClient(STSClient)
const settings = {
  roleToAssume: 'arn:aws:iam::123456789012:role/audit',
  audience: 'sts.amazonaws.com',
  roleSessionName: 'iam-key-sentinel-1-1',
  roleDurationSeconds: 3600,
  awsRegion: 'us-east-1'
}
const noWait = { attempts: 3, baseDelayMs: 1, sleep: async () => {} }
const credentials = {
  AccessKeyId: 'ASIAEXAMPLEEXAMPLE01',
  SecretAccessKey: 'secret/secret/secret',
  SessionToken: 'session-token',
  Expiration: new Date('2030-01-01T00:00:00Z')
}

function stsError(name: string, status: number): Error {
  return Object.assign(new Error(`${name} happened`), {
    name,
    $metadata: { httpStatusCode: status }
  })
}

/** Two transient failures, then the credentials. */
function failTwiceThenAnswer(): void {
  stsMock
    .on(AssumeRoleWithWebIdentityCommand)
    .rejectsOnce(stsError('IDPCommunicationError', 400))
    .rejectsOnce(stsError('ServiceUnavailable', 503))
    .resolves({ Credentials: credentials })
}

beforeEach(() => {
  jest.clearAllMocks()
  stsMock.reset()
  process.env.ACTIONS_ID_TOKEN_REQUEST_URL = 'http://127.0.0.1:1/token'
  process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN = 'request-token'
  core.getIDToken.mockResolvedValue('header.payload.signature')
})

describe('assumeRoleWithOidc', () => {
  it('exchanges the GitHub token for role credentials and masks all of them', async () => {
    stsMock.on(AssumeRoleWithWebIdentityCommand).resolves({ Credentials: credentials })

    const result = await assumeRoleWithOidc(settings, runner, noWait)

    expect(core.getIDToken).toHaveBeenCalledWith('sts.amazonaws.com')
    expect(stsMock.commandCalls(AssumeRoleWithWebIdentityCommand)[0]?.args[0].input).toEqual({
      RoleArn: settings.roleToAssume,
      RoleSessionName: 'iam-key-sentinel-1-1',
      WebIdentityToken: 'header.payload.signature',
      DurationSeconds: 3600
    })
    expect(result).toMatchObject({
      accessKeyId: credentials.AccessKeyId,
      sessionToken: 'session-token'
    })
    const masked = core.setSecret.mock.calls.map((call) => call[0])
    expect(masked).toEqual(
      expect.arrayContaining([
        'header.payload.signature',
        credentials.AccessKeyId,
        credentials.SecretAccessKey,
        credentials.SessionToken
      ])
    )
  })

  it('retries a transient STS failure', async () => {
    failTwiceThenAnswer()
    await expect(assumeRoleWithOidc(settings, runner, noWait)).resolves.toMatchObject({
      accessKeyId: credentials.AccessKeyId
    })
    expect(stsMock.commandCalls(AssumeRoleWithWebIdentityCommand)).toHaveLength(3)
  })

  it('logs each failed attempt it retries, and nothing for a call that worked first time', async () => {
    stsMock.on(AssumeRoleWithWebIdentityCommand).resolves({ Credentials: credentials })
    await assumeRoleWithOidc(settings, runner, noWait)
    expect(core.info).not.toHaveBeenCalled()
    stsMock.reset()
    failTwiceThenAnswer()
    await assumeRoleWithOidc(settings, runner, noWait)
    const lines = core.info.mock.calls.map((call) => call[0])
    expect(lines).toHaveLength(2)
    expect(lines[0]).toMatch(
      /^sts:AssumeRoleWithWebIdentity into arn:aws:iam::123456789012:role\/audit: attempt 1 of 3 failed: IDPCommunicationError happened\. Retrying in /
    )
    expect(lines[1]).toMatch(/attempt 2 of 3 failed: ServiceUnavailable happened\. Retrying in /)
    expect(core.warning).not.toHaveBeenCalled()
  })

  it('does not retry a refusal and names the role and the trust policy to check', async () => {
    stsMock.on(AssumeRoleWithWebIdentityCommand).rejects(stsError('AccessDenied', 403))
    await expect(assumeRoleWithOidc(settings, runner, noWait)).rejects.toMatchObject({
      message: expect.stringContaining(`Assuming ${settings.roleToAssume}`),
      hint: expect.stringContaining("role's trust policy")
    })
    expect(stsMock.commandCalls(AssumeRoleWithWebIdentityCommand)).toHaveLength(1)
  })

  it("names the subject of the job's token the trust policy refused, with the immutable form", async () => {
    const sub = 'repo:acme@1234567/security@7654321:ref:refs/heads/main'
    const payload = Buffer.from(JSON.stringify({ sub, aud: 'sts.amazonaws.com' })).toString(
      'base64url'
    )
    core.getIDToken.mockResolvedValue(`e30.${payload}.signature`)
    stsMock.on(AssumeRoleWithWebIdentityCommand).rejects(stsError('AccessDenied', 403))
    await expect(assumeRoleWithOidc(settings, runner, noWait)).rejects.toMatchObject({
      hint: expect.stringContaining(`matching this job's token, "${sub}"`)
    })
    // Not a JWT: the generic form, and no failure of its own.
    core.getIDToken.mockResolvedValue('not-a-jwt')
    await expect(assumeRoleWithOidc(settings, runner, noWait)).rejects.toMatchObject({
      hint: expect.stringMatching(/\(repo:OWNER\/REPO:\.\.\.\).*repo:OWNER@OWNER_ID\/REPO@REPO_ID/)
    })
  })

  it('says to add id-token: write when the job has no OIDC token, before calling STS', async () => {
    delete process.env.ACTIONS_ID_TOKEN_REQUEST_URL
    await expect(assumeRoleWithOidc(settings, runner, noWait)).rejects.toMatchObject({
      hint: expect.stringContaining('permissions: id-token: write')
    })
    expect(core.getIDToken).not.toHaveBeenCalled()
    expect(stsMock.calls()).toHaveLength(0)
  })

  it('retries the token request, then explains the permission when it keeps failing', async () => {
    core.getIDToken.mockRejectedValue(new Error('Failed to get ID Token. Error Code : 403'))
    await expect(assumeRoleWithOidc(settings, runner, noWait)).rejects.toMatchObject({
      message: expect.stringContaining('Requesting the GitHub OIDC token failed'),
      hint: expect.stringContaining('id-token: write')
    })
    expect(core.getIDToken).toHaveBeenCalledTimes(3)
  })

  it('logs every failed token request, the last one as not retried', async () => {
    core.getIDToken.mockRejectedValue(new Error('Failed to get ID Token. Error Code : 403'))
    await assumeRoleWithOidc(settings, runner, noWait).catch(() => undefined)
    expect(core.info.mock.calls.map((call) => call[0])).toEqual([
      expect.stringMatching(
        /^Requesting the GitHub OIDC token: attempt 1 of 3 failed: .*403\. Retrying in /
      ),
      expect.stringMatching(
        /^Requesting the GitHub OIDC token: attempt 2 of 3 failed: .*403\. Retrying in /
      ),
      'Requesting the GitHub OIDC token: attempt 3 of 3 failed: Failed to get ID Token. Error Code : 403. Not retried.'
    ])
  })
})

describe('isTransientStsError', () => {
  it.each([
    [stsError('Throttling', 400), true],
    [stsError('InternalError', 500), true],
    [Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), true],
    [stsError('AccessDenied', 403), false],
    [stsError('InvalidIdentityToken', 400), false],
    [stsError('ExpiredTokenException', 400), false]
  ])('%p → %p', (error, expected) => {
    expect(isTransientStsError(error)).toBe(expected)
  })
})
