// The one face of the runner's protocol: log lines, masking and the OIDC token, for the stages
// that are handed them by the jobs.
import * as core from '@actions/core'
import type { Log, MaskSecret } from '../kit/log.js'

export const runnerLog: Log = {
  debug: (m) => core.debug(m),
  info: (m) => core.info(m),
  warning: (m) => core.warning(m),
  error: (m) => core.error(m)
}

export const maskSecret: MaskSecret = (secret) => core.setSecret(secret)

export const getIdToken = (audience: string): Promise<string> => core.getIDToken(audience)
