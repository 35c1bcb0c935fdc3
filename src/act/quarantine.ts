// AWS's own containment: the AWSCompromisedKeyQuarantine* policy AWS attaches to the user of a
// key it finds exposed. Read to be reported, never changed: AWS asks that it stay until its
// support case is followed, so nothing in this action detaches a managed policy.
import { attachedPolicyArns, type IAMClient } from '../aws/iam-writes.js'
import { QUARANTINE_POLICY } from '../domain/exposure.js'
import type { IncidentKeyResult, QuarantineCheck } from '../domain/incident.js'
import { errorMessage } from '../kit/errors.js'

/** Which quarantine policies the user carries; a failed read is reported, not fatal. */
async function quarantineOf(iam: IAMClient, userName: string): Promise<QuarantineCheck> {
  try {
    const arns = await attachedPolicyArns(iam, userName)
    return { policies: arns.filter((arn) => QUARANTINE_POLICY.test(arn)).sort() }
  } catch (error) {
    return { policies: [], error: errorMessage(error) }
  }
}

/**
 * Each result's user checked once (two keys of one user share the answer). A key whose user is
 * unknown is not checked. Dry runs check too: it is a read.
 */
export async function withQuarantine(
  iam: IAMClient,
  results: readonly IncidentKeyResult[]
): Promise<IncidentKeyResult[]> {
  const byUser = new Map<string, Promise<QuarantineCheck>>()
  return Promise.all(
    results.map(async (result) => {
      const userName = result.userName
      if (!userName || result.unusableEntity) return result
      let check = byUser.get(userName)
      if (!check) {
        check = quarantineOf(iam, userName)
        byUser.set(userName, check)
      }
      return { ...result, quarantine: await check }
    })
  )
}
