// Which mode the run is in, and for an incident the keys to revoke: from the revoke-access-key-ids input
// or else from a repository_dispatch exposure event.
import { ACCESS_KEY_ID, type ExposedKey, type ExposureEvent } from '../domain/exposure.js'
import { EventError, parseExposureEvent } from './exposure-event.js'
import type { Reader } from './reader.js'

type IncidentMode = 'audit' | 'revoke'
export type FleetMode = 'list-accounts' | 'aggregate'

/** Keys to revoke, from the revoke-access-key-ids input or else from a repository_dispatch exposure event. */
export function readIncident(
  r: Reader,
  env: NodeJS.ProcessEnv,
  payload: unknown
): {
  mode: IncidentMode
  fleetMode?: FleetMode
  /** mode: secret-scanning: the keys come from GitHub's alerts at run time. */
  secretScanning: boolean
  /** mode: check: the preflight, with the audit's inputs, which changes nothing. */
  check: boolean
  keys: ExposedKey[]
  source: 'input' | ExposureEvent['source']
  event?: ExposureEvent
} {
  const ids = r.list(
    'revoke-access-key-ids',
    ACCESS_KEY_ID,
    'access key IDs: 20 upper-case letters and digits starting with AKIA'
  )
  let event: ExposureEvent | undefined
  if (env.GITHUB_EVENT_NAME === 'repository_dispatch') {
    try {
      event = parseExposureEvent(payload)
    } catch (error) {
      if (!(error instanceof EventError)) throw error
      r.problems.push(
        `The repository_dispatch event is not a usable exposure event: ${error.message}`
      )
    }
  }
  const keys: ExposedKey[] =
    ids.length > 0 ? [...new Set(ids)].map((accessKeyId) => ({ accessKeyId })) : (event?.keys ?? [])
  const source = ids.length > 0 ? 'input' : (event?.source ?? 'input')
  const mode = r.oneOf<'auto' | IncidentMode | FleetMode | 'secret-scanning' | 'check'>('mode', [
    'auto',
    'audit',
    'revoke',
    'list-accounts',
    'aggregate',
    'secret-scanning',
    'check'
  ])
  const check = mode === 'check'
  const secretScanning = mode === 'secret-scanning'
  const fleetMode = mode === 'list-accounts' || mode === 'aggregate' ? mode : undefined
  const resolved: IncidentMode =
    mode === 'auto'
      ? keys.length > 0
        ? 'revoke'
        : 'audit'
      : mode === 'revoke'
        ? 'revoke'
        : 'audit'
  if (resolved === 'revoke' && keys.length === 0 && r.problems.length === 0) {
    r.problems.push(
      "'mode' is revoke but no key was given: set 'revoke-access-key-ids' (one or more AKIA... IDs) or trigger the workflow with an AWS exposure event."
    )
  }
  if ((mode === 'audit' || fleetMode || secretScanning || check) && ids.length > 0) {
    r.problems.push(
      "'revoke-access-key-ids' is only used in incident mode: set 'mode' to revoke or auto, or remove 'revoke-access-key-ids'."
    )
  }
  return {
    mode: resolved,
    ...(fleetMode ? { fleetMode } : {}),
    secretScanning,
    check,
    keys,
    source,
    ...(event && ids.length === 0 ? { event } : {})
  }
}
