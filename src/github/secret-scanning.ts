// GitHub's secret-scanning alerts: the open alerts of one repository or of an organization,
// every page, and resolving one. Listing needs the "Secret scanning alerts" read permission
// (fine-grained token or GitHub App) or a classic token with `security_events` (`repo` also
// works; `public_repo` for public repositories only), and a user who administers the
// repository or is an organization owner or security manager; resolving needs write.
import { AWS_KEY_SECRET_TYPES, type LeakAlert } from '../domain/secret-scanning.js'
import { ACCESS_KEY_ID } from '../domain/exposure.js'
import { errorMessage } from '../kit/errors.js'
import { httpStatus, type Octokit, type Repo } from './client.js'

export type AlertScope = { kind: 'repository'; repo: Repo } | { kind: 'organization'; org: string }

/** GitHub refused the token (403) or cannot see secret scanning there (404): what to change. */
class SecretScanningAccessError extends Error {
  constructor(what: string, tokenInput: string, cause: unknown) {
    const status = httpStatus(cause)
    const hint =
      status === 404
        ? 'GitHub answers 404 when secret scanning is not enabled there, or the token cannot see the repository or organization.'
        : `GitHub answers 403 when the token lacks the permission: give '${tokenInput}' a fine-grained token (or GitHub App) with "Secret scanning alerts" read and write, or a classic token with the security_events scope, of a user who administers the repository (an organization owner or security manager for the organization scope). The job's GITHUB_TOKEN cannot read secret-scanning alerts.`
    super(`GitHub refused to ${what} (HTTP ${status ?? '?'}): ${errorMessage(cause)}. ${hint}`, {
      cause
    })
    this.name = 'SecretScanningAccessError'
  }
}

interface AlertJson {
  number?: number
  html_url?: string
  secret_type?: string
  secret?: string
  repository?: { full_name?: string }
}

function leakAlert(alert: AlertJson, fallbackRepo: string): LeakAlert | undefined {
  if (typeof alert.number !== 'number') return undefined
  const secret = alert.secret ?? ''
  return {
    number: alert.number,
    repository: alert.repository?.full_name ?? fallbackRepo,
    htmlUrl: alert.html_url ?? '',
    secretType: alert.secret_type ?? '',
    ...(ACCESS_KEY_ID.test(secret) ? { accessKeyId: secret } : {})
  }
}

/**
 * Every open alert of the AWS key secret type, newest first. The alert's secret is read only
 * when it is an access key ID; anything else (a pasted secret key) is never kept.
 */
export async function listOpenKeyAlerts(
  octokit: Octokit,
  scope: AlertScope,
  tokenInput: string
): Promise<LeakAlert[]> {
  const query = {
    state: 'open' as const,
    secret_type: AWS_KEY_SECRET_TYPES.join(','),
    per_page: 100
  }
  try {
    if (scope.kind === 'organization') {
      const alerts = await octokit.paginate(octokit.rest.secretScanning.listAlertsForOrg, {
        org: scope.org,
        ...query
      })
      return alerts.flatMap((a) => leakAlert(a as AlertJson, '') ?? [])
    }
    const { owner, repo } = scope.repo
    const alerts = await octokit.paginate(octokit.rest.secretScanning.listAlertsForRepo, {
      owner,
      repo,
      ...query
    })
    return alerts.flatMap((a) => leakAlert(a as AlertJson, `${owner}/${repo}`) ?? [])
  } catch (error) {
    const status = httpStatus(error)
    if (status === 403 || status === 404) {
      throw new SecretScanningAccessError('list secret-scanning alerts', tokenInput, error)
    }
    throw error
  }
}

/** Resolves one alert as revoked, with a comment; throws SecretScanningAccessError on 403. */
export async function resolveAlertAsRevoked(
  octokit: Octokit,
  alert: Pick<LeakAlert, 'repository' | 'number'>,
  comment: string,
  tokenInput: string
): Promise<void> {
  const [owner = '', repo = ''] = alert.repository.split('/')
  try {
    await octokit.rest.secretScanning.updateAlert({
      owner,
      repo,
      alert_number: alert.number,
      state: 'resolved',
      resolution: 'revoked',
      resolution_comment: comment
    })
  } catch (error) {
    if (httpStatus(error) === 403) {
      throw new SecretScanningAccessError(`resolve alert ${alert.number}`, tokenInput, error)
    }
    throw error
  }
}
