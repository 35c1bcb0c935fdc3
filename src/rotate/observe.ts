// What rotation reads live before it plans: for each user in the rotation map, the user's keys
// (whatever the scan method listed), its tags (the rotation and staged-delete records) and, for
// rotations waiting on the cutover, both keys' last use from GetAccessKeyLastUsed.
import { readLiveKeys, type IAMClient } from '../aws/iam-writes.js'
import { lastUseOf, readTagsOf } from '../aws/iam-read.js'
import { classify } from '../domain/classify.js'
import type { RotationMap } from '../domain/rotation.js'
import { rotationStates } from '../domain/rotation-state.js'
import type { Finding, LastUse, ScanError, Thresholds } from '../domain/types.js'
import { errorMessage } from '../kit/errors.js'

export interface RotationView {
  /** The mapped users' keys: the scan's finding where it has one, else classed from the live read. */
  findings: Finding[]
  tags: Map<string, Map<string, string>>
  lastUse: Map<string, LastUse>
  /** Users that could not be read: nothing of theirs is rotated. */
  errors: ScanError[]
}

export async function observeRotations(
  iam: IAMClient,
  input: {
    map: RotationMap
    scanned: readonly Finding[]
    thresholds: Thresholds
    now: Date
  }
): Promise<RotationView> {
  const view: RotationView = { findings: [], tags: new Map(), lastUse: new Map(), errors: [] }
  const scanned = new Map(input.scanned.map((f) => [f.accessKeyId, f]))
  const mapped = new Set(input.map.users.keys())
  const users = [...new Set(input.scanned.map((f) => f.userName))].filter((u) =>
    mapped.has(u.toLowerCase())
  )
  for (const userName of users) {
    try {
      const keys = await readLiveKeys(iam, userName)
      const tags = await readTagsOf(iam, userName)
      view.tags.set(userName, tags)
      for (const key of keys) {
        const seen = scanned.get(key.accessKeyId)
        view.findings.push(
          seen && seen.status === key.status
            ? seen
            : classify(
                {
                  userName,
                  accessKeyId: key.accessKeyId,
                  status: key.status,
                  createDate: key.createDate ?? input.now,
                  lastUse: seen?.lastUse ?? { kind: 'unknown' }
                },
                input.now,
                input.thresholds
              )
        )
      }
      for (const state of rotationStates(tags).entries()) {
        const [oldId, s] = state
        if (s.step !== 'delivered' && s.step !== 'retiring') continue
        for (const id of [oldId, s.newAccessKeyId]) {
          if (keys.some((k) => k.accessKeyId === id)) view.lastUse.set(id, await lastUseOf(iam, id))
        }
      }
    } catch (error) {
      view.errors.push({
        scope: userName,
        operation: 'rotation read',
        message: errorMessage(error)
      })
    }
  }
  return view
}
