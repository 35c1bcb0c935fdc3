// The secret-scanning adapter with the real Octokit against the fake GitHub: every page of the
// open AWS key alerts (Link headers), the organization's alerts with their repositories, the
// update GitHub documents, and what a refused token is told.
import { afterEach, describe, expect, it } from '@jest/globals'
import * as github from '@actions/github'
import { listOpenKeyAlerts, resolveAlertAsRevoked } from '../../../src/github/secret-scanning.js'
import { FakeGitHub, faults } from '../../support/fake-github/index.js'

let fake: FakeGitHub
afterEach(() => fake.stop())

async function start(): Promise<ReturnType<typeof github.getOctokit>> {
  fake = new FakeGitHub({ owner: 'acme', repo: 'security', maxPerPage: 2 })
  await fake.start()
  return github.getOctokit(fake.token, { baseUrl: fake.url })
}

const REPO = { kind: 'repository' as const, repo: { owner: 'acme', repo: 'security' } }

describe('listOpenKeyAlerts', () => {
  it('reads every page of open aws_access_key_id alerts, newest first, keeping only key IDs', async () => {
    const octokit = await start()
    fake.seedSecretScanningAlert({ secret: 'AKIAAAAAAAAAAAAAAAA1' })
    fake.seedSecretScanningAlert({ secret: 'AKIAAAAAAAAAAAAAAAA2', state: 'resolved' })
    fake.seedSecretScanningAlert({ secret: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' })
    fake.seedSecretScanningAlert({ secret: 'x', secret_type: 'slack_api_token' })
    fake.seedSecretScanningAlert({ secret: 'AKIAAAAAAAAAAAAAAAA5' })
    fake.seedSecretScanningAlert({ secret: 'AKIAAAAAAAAAAAAAAAA6' })

    const alerts = await listOpenKeyAlerts(octokit, REPO, 'github-token')

    expect(alerts.map((a) => [a.number, a.accessKeyId])).toEqual([
      [6, 'AKIAAAAAAAAAAAAAAAA6'],
      [5, 'AKIAAAAAAAAAAAAAAAA5'],
      [3, undefined],
      [1, 'AKIAAAAAAAAAAAAAAAA1']
    ])
    expect(JSON.stringify(alerts)).not.toContain('EXAMPLEKEY')
    expect(alerts[0]).toMatchObject({
      repository: 'acme/security',
      htmlUrl: 'https://github.com/acme/security/security/secret-scanning/6',
      secretType: 'aws_access_key_id'
    })
    const pages = fake.requests.filter((r) => r.path.endsWith('/secret-scanning/alerts'))
    expect(pages.map((r) => r.query.page ?? '1')).toEqual(['1', '2'])
  })

  it('reads the organization’s alerts with the repository of each', async () => {
    const octokit = await start()
    fake.seedSecretScanningAlert({ secret: 'AKIAAAAAAAAAAAAAAAA1', repository: 'acme/website' })
    fake.seedSecretScanningAlert({ secret: 'AKIAAAAAAAAAAAAAAAA2', repository: 'other/repo' })
    const alerts = await listOpenKeyAlerts(octokit, { kind: 'organization', org: 'acme' }, 'x')
    expect(alerts.map((a) => a.repository)).toEqual(['acme/website'])
  })

  it('names the token input and the permission on a 403', async () => {
    const octokit = await start()
    fake.addFault(faults.notAccessible({ path: '/repos/acme/security/secret-scanning/alerts' }))
    await expect(listOpenKeyAlerts(octokit, REPO, 'secret-scanning-token')).rejects.toThrow(
      /HTTP 403.*give 'secret-scanning-token' a fine-grained token .*"Secret scanning alerts" read and write/
    )
  })
})

describe('resolveAlertAsRevoked', () => {
  it('resolves the alert as revoked with the comment, in its own repository', async () => {
    const octokit = await start()
    const seeded = fake.seedSecretScanningAlert({
      secret: 'AKIAAAAAAAAAAAAAAAA1',
      repository: 'acme/website'
    })
    await resolveAlertAsRevoked(octokit, seeded, 'Revoked. Run: https://example.test/1', 'x')
    expect(seeded).toMatchObject({
      state: 'resolved',
      resolution: 'revoked',
      resolution_comment: 'Revoked. Run: https://example.test/1'
    })
    expect(fake.writes().map((r) => [r.method, r.path, r.body])).toEqual([
      [
        'PATCH',
        '/repos/acme/website/secret-scanning/alerts/1',
        {
          state: 'resolved',
          resolution: 'revoked',
          resolution_comment: 'Revoked. Run: https://example.test/1'
        }
      ]
    ])
  })

  it('the fake refuses a resolved state without a resolution, as GitHub does', async () => {
    const octokit = await start()
    fake.seedSecretScanningAlert({ secret: 'AKIAAAAAAAAAAAAAAAA1' })
    const answer = await octokit
      .request('PATCH /repos/{owner}/{repo}/secret-scanning/alerts/{alert_number}', {
        owner: 'acme',
        repo: 'security',
        alert_number: 1,
        state: 'resolved'
      })
      .catch((e: { status: number }) => e)
    expect((answer as { status: number }).status).toBe(422)
    expect(fake.secretScanningAlerts[0]?.state).toBe('open')
  })
})
