// The inputs of mode secret-scanning: which alerts (the repository's or its organization's) and
// the token that may read and resolve them.
import type { SecretScanningScope } from '../domain/secret-scanning.js'
import type { SecretScanningSettings } from '../domain/settings.js'
import type { InputGetter, Reader } from './reader.js'

export function readSecretScanning(
  r: Reader,
  get: InputGetter,
  enabled: boolean,
  githubToken: string
): SecretScanningSettings['secretScanning'] | undefined {
  const scope = r.oneOf<SecretScanningScope>('secret-scanning-scope', [
    'repository',
    'organization'
  ])
  // Tokens never go into an error message, so they are read outside the Reader.
  const own = get('secret-scanning-token').trim()
  if (!enabled) {
    if (own !== '') {
      r.problems.push(
        "'secret-scanning-token' is only used with mode secret-scanning: set 'mode' to secret-scanning, or remove it."
      )
    }
    return undefined
  }
  const token = own || githubToken
  if (token === '') {
    r.problems.push(
      'mode secret-scanning needs a token that may read and resolve secret-scanning alerts: set \'secret-scanning-token\' (a fine-grained token with "Secret scanning alerts" read and write, or a classic token with security_events).'
    )
  }
  return {
    scope,
    token,
    tokenInput: own ? 'secret-scanning-token' : 'github-token'
  }
}
