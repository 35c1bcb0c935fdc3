// IAM: GetRole (with its trust policy) and the policy simulator, SimulatePrincipalPolicy, for the
// preflight (mode: check). moto 5.2.1 answers GetRole but has no SimulatePrincipalPolicy at all,
// so these follow AWS's IAM API reference: GetRole's Role carries AssumeRolePolicyDocument
// URL-encoded (RFC 3986); SimulatePrincipalPolicy takes PolicySourceArn, ActionNames.member.N and
// ResourceArns.member.N (none: "*"), answers one EvaluationResult per action and resource with
// EvalActionName, EvalResourceName, EvalDecision (allowed, explicitDeny, implicitDeny),
// MatchedStatements and MissingContextValues, pages with Marker/IsTruncated, and NoSuchEntity for
// an unknown principal.
//
// What the fake evaluates: a role's identity policies (`roleIdentityPolicies`, or Allow * when
// the test models none, as every call to the fake is allowed) and its inline policies
// (`rolePolicies`). Action and Resource match with IAM's `*` and `?` wildcards (actions without
// regard to case); an explicit Deny wins. A statement with a Condition is not applied, and its
// keys are named in MissingContextValues, as AWS does for a condition key given no value.
import type { Ctx } from './context.js'
import { noSuchEntity, validationError } from './errors.js'
import { pageFields, paginate } from './iam-pagination.js'
import { required, scalarList } from './query-protocol.js'
import type { FakeAccount } from './types.js'
import { encodeRfc3986, isRecord, sameName } from './util.js'
import { xmlList, type XmlFields } from './xml.js'

/** The trust policy a modelled role has unless the test gives one: GitHub OIDC, pinned. */
function defaultTrustPolicy(accountId: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: {
          Federated: `arn:aws:iam::${accountId}:oidc-provider/token.actions.githubusercontent.com`
        },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: {
          StringEquals: {
            'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
            'token.actions.githubusercontent.com:sub': 'repo:acme/security:ref:refs/heads/main'
          }
        }
      }
    ]
  })
}

function findRole(account: FakeAccount, name: string): string {
  const arn = (account.roles ?? []).find((a) => sameName(a.split('/').pop() ?? '', name))
  if (!arn) throw noSuchEntity(`The role with name ${name} cannot be found.`)
  return arn
}

export function getRole(ctx: Ctx): XmlFields {
  const account = ctx.caller.account
  const arn = findRole(account, required(ctx, 'RoleName'))
  const name = arn.split('/').pop() ?? ''
  const path = arn.slice(arn.indexOf(':role') + ':role'.length, arn.length - name.length)
  const trust = account.roleTrustPolicies?.[name] ?? defaultTrustPolicy(account.accountId)
  return {
    Role: {
      Path: path || '/',
      RoleName: name,
      RoleId: `AROA${name
        .toUpperCase()
        .replace(/[^A-Z0-9]/g, '')
        .padEnd(17, 'X')
        .slice(0, 17)}`,
      Arn: arn,
      CreateDate: new Date('2026-01-01T00:00:00Z'),
      AssumeRolePolicyDocument: encodeRfc3986(trust),
      MaxSessionDuration: 3600
    }
  }
}

const glob = (pattern: string, flags = ''): RegExp =>
  new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    flags
  )
const list = (v: unknown): string[] =>
  (Array.isArray(v) ? v : v === undefined ? [] : [v]).map(String)

interface Statement {
  effect: string
  actions: string[]
  notActions: string[]
  resources: string[]
  notResources: string[]
  conditionKeys: string[]
}

function statementsOf(document: string): Statement[] {
  const parsed: unknown = JSON.parse(document)
  const raw = isRecord(parsed) ? parsed.Statement : undefined
  return (Array.isArray(raw) ? raw : [raw]).filter(isRecord).map((s) => ({
    effect: String(s.Effect),
    actions: list(s.Action),
    notActions: list(s.NotAction),
    resources: list(s.Resource),
    notResources: list(s.NotResource),
    conditionKeys: isRecord(s.Condition)
      ? Object.values(s.Condition).flatMap((keys) => (isRecord(keys) ? Object.keys(keys) : []))
      : []
  }))
}

function applies(s: Statement, action: string, resource: string): boolean {
  const actionMatches =
    s.actions.length > 0
      ? s.actions.some((a) => glob(a, 'i').test(action))
      : !s.notActions.some((a) => glob(a, 'i').test(action))
  const resourceMatches =
    s.resources.length > 0
      ? s.resources.some((r) => glob(r).test(resource))
      : !s.notResources.some((r) => glob(r).test(resource))
  return actionMatches && resourceMatches
}

function decide(statements: Statement[], action: string, resource: string): XmlFields {
  const matching = statements.filter((s) => applies(s, action, resource))
  const unconditional = matching.filter((s) => s.conditionKeys.length === 0)
  const missing = [...new Set(matching.flatMap((s) => s.conditionKeys))]
  const decision = unconditional.some((s) => s.effect === 'Deny')
    ? 'explicitDeny'
    : unconditional.some((s) => s.effect === 'Allow')
      ? 'allowed'
      : 'implicitDeny'
  return {
    EvalActionName: action,
    EvalResourceName: resource,
    EvalDecision: decision,
    MatchedStatements: xmlList(
      unconditional.map((_, i) => ({ SourcePolicyId: `policy-${i + 1}`, SourcePolicyType: 'role' }))
    ),
    MissingContextValues: xmlList(decision === 'allowed' ? [] : missing)
  }
}

export function simulatePrincipalPolicy(ctx: Ctx): XmlFields {
  const account = ctx.caller.account
  const source = required(ctx, 'PolicySourceArn')
  const actions = scalarList(ctx.params, 'ActionNames')
  if (actions.length === 0) throw validationError('ActionNames must not be empty.')
  const roleArn = (account.roles ?? []).find((a) => a === source)
  if (!roleArn) throw noSuchEntity(`The role with ARN ${source} cannot be found.`)
  const name = roleArn.split('/').pop() ?? ''
  const documents = [
    ...(account.roleIdentityPolicies?.[name] ?? [
      JSON.stringify({ Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] })
    ]),
    ...Object.values(account.rolePolicies?.[name] ?? {})
  ]
  const statements = documents.flatMap(statementsOf)
  const resources = scalarList(ctx.params, 'ResourceArns')
  const results = actions.flatMap((action) =>
    (resources.length > 0 ? resources : ['*']).map((resource) =>
      decide(statements, action, resource)
    )
  )
  const page = paginate(
    ctx,
    results,
    (r) => `${String(r.EvalActionName)} ${String(r.EvalResourceName)}`,
    source
  )
  return { EvaluationResults: xmlList(page.items), ...pageFields(page) }
}
