// The IAM reads of the preflight (mode: check): a role's trust policy (iam:GetRole) and IAM's
// policy simulator on the run's own role (iam:SimulatePrincipalPolicy). Both only read; the
// simulator evaluates the role's policies without performing any of the actions it is asked about.
import { GetRoleCommand, paginateSimulatePrincipalPolicy } from '@aws-sdk/client-iam'
import type { SimulatedDecision, SimulationResult } from '../domain/preflight.js'
import type { IamClient } from './clients.js'

export interface RoleTrust {
  /** The role's ARN with its path, as IAM names it. */
  arn: string
  /** The trust policy (AssumeRolePolicyDocument), URL-decoded JSON text. */
  trustPolicy: string
}

/** iam:GetRole. IAM answers the document URL-encoded (RFC 3986); the SDK leaves it so. */
export async function readRoleTrust(iam: IamClient, roleName: string): Promise<RoleTrust> {
  const role = (await iam.send(new GetRoleCommand({ RoleName: roleName }))).Role
  const encoded = role?.AssumeRolePolicyDocument ?? ''
  let trustPolicy = encoded
  try {
    trustPolicy = decodeURIComponent(encoded)
  } catch {
    // Not encoded after all: read as is.
  }
  return { arn: role?.Arn ?? '', trustPolicy }
}

/**
 * iam:SimulatePrincipalPolicy of `actions` on `resourceArns` (none: "*"), every page. Only the
 * principal's own policies (and its permissions boundary and the organization's SCPs) are
 * evaluated: session policies and resource policies are not.
 */
export async function simulatePrincipal(
  iam: IamClient,
  principalArn: string,
  actions: readonly string[],
  resourceArns: readonly string[] = []
): Promise<SimulationResult[]> {
  const results: SimulationResult[] = []
  const pages = paginateSimulatePrincipalPolicy(
    { client: iam },
    {
      PolicySourceArn: principalArn,
      ActionNames: [...actions],
      ...(resourceArns.length > 0 ? { ResourceArns: [...resourceArns] } : {})
    }
  )
  for await (const page of pages) {
    for (const r of page.EvaluationResults ?? []) {
      results.push({
        action: r.EvalActionName ?? '',
        decision: (r.EvalDecision ?? 'implicitDeny') as SimulatedDecision,
        missingContext: [...(r.MissingContextValues ?? [])]
      })
    }
  }
  return results
}
