// The examples' CloudFormation templates as the contract tests read them: the YAML short-form
// intrinsics in their long JSON form, a resolver that renders a value the way CloudFormation
// would for given parameters (defaults, pseudo parameters, conditions, Fn::If, Fn::Sub in both
// forms, AWS::NoValue), and an evaluator of the trust-policy conditions STS applies to a GitHub
// OIDC token (StringEquals and StringLike, as IAM documents them). moto 5.2.1 cannot do this:
// its AssumeRoleWithWebIdentity (moto/sts/models.py) is AssumeRole without the token, for any
// role ARN, existing or not, and no trust policy or condition is read. So this is where the
// templates' subjects are proven to accept and refuse the right tokens.
import { readFileSync } from 'node:fs'
import { parseDocument, type CollectionTag, type ScalarTag } from 'yaml'

type Json = unknown
type Obj = Record<string, unknown>

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)

const INTRINSICS = [
  'Ref',
  'Condition',
  'GetAtt',
  'Sub',
  'If',
  'Equals',
  'Not',
  'And',
  'Or',
  'Join',
  'Select',
  'Split',
  'FindInMap',
  'GetAZs',
  'ImportValue',
  'Base64',
  'Cidr'
]

export const cfnTags = INTRINSICS.flatMap((name): (ScalarTag | CollectionTag)[] => {
  const key = name === 'Ref' || name === 'Condition' ? name : `Fn::${name}`
  const scalar = (value: string): Json =>
    name === 'GetAtt'
      ? [value.slice(0, value.indexOf('.')), value.slice(value.indexOf('.') + 1)]
      : value
  return [
    { tag: `!${name}`, resolve: (value: string) => ({ [key]: scalar(value) }) },
    { tag: `!${name}`, collection: 'seq', resolve: (value) => ({ [key]: value.toJSON() }) },
    { tag: `!${name}`, collection: 'map', resolve: (value) => ({ [key]: value.toJSON() }) }
  ]
})

/** A template file parsed with the intrinsics; the YAML's errors and warnings are returned too. */
export function loadTemplate(path: string): { value: Obj; problems: string[] } {
  const doc = parseDocument(readFileSync(path, 'utf8'), { customTags: cfnTags })
  const value: unknown = doc.toJS()
  if (!isObj(value)) throw new Error(`${path} is not a mapping`)
  return { value, problems: [...doc.errors, ...doc.warnings].map((e) => e.message) }
}

interface TemplateLike {
  Parameters?: Record<string, { Default?: Json }>
  Conditions?: Record<string, Json>
}

const PSEUDO: Record<string, string> = {
  'AWS::AccountId': '123456789012',
  'AWS::Partition': 'aws',
  'AWS::Region': 'us-east-1',
  'AWS::StackName': 'iam-key-sentinel',
  'AWS::URLSuffix': 'amazonaws.com'
}
const NO_VALUE = Symbol('AWS::NoValue')

/**
 * Renders `value` as CloudFormation would with `parameters` (the rest at their defaults; a
 * pseudo parameter such as AWS::Region may be given too).
 * A resource's Ref or GetAtt becomes `<Name>` or `<Name.Attr>`: what matters here is the text
 * around it.
 */
export function resolve(template: TemplateLike, value: Json, parameters: Obj = {}): Json {
  const param = (name: string): Json => {
    if (name in parameters) return parameters[name]
    if (name in PSEUDO) return PSEUDO[name]
    const declared = template.Parameters?.[name]
    if (declared) {
      if (declared.Default === undefined) throw new Error(`parameter ${name} has no value`)
      return declared.Default
    }
    return `<${name}>`
  }
  const condition = (name: string): boolean => {
    const c = template.Conditions?.[name]
    if (c === undefined) throw new Error(`no condition ${name}`)
    return truth(c)
  }
  const truth = (c: Json): boolean => {
    const v = walk(c)
    if (typeof v !== 'boolean') throw new Error(`${JSON.stringify(c)} is not a condition`)
    return v
  }
  const text = (v: Json): string => {
    const r = walk(v)
    if (typeof r !== 'string') throw new Error(`${JSON.stringify(v)} is not a string`)
    return r
  }
  const sub = (body: string, vars: Obj): string =>
    body.replace(/\$\{([^}!][^}]*)\}/g, (_, name: string) => {
      if (name in vars) return text(vars[name])
      const dot = name.indexOf('.')
      if (dot > 0 && !name.startsWith('AWS::')) return `<${name}>`
      const v = param(name)
      return Array.isArray(v) ? v.join(',') : String(v)
    })
  const walk = (v: Json): Json => {
    if (Array.isArray(v)) return v.map(walk).filter((x) => x !== NO_VALUE)
    if (!isObj(v)) return v
    const keys = Object.keys(v)
    if (keys.length === 1) {
      const [key] = keys as [string]
      const arg = v[key]
      switch (key) {
        case 'Ref':
          return arg === 'AWS::NoValue' ? NO_VALUE : param(String(arg))
        case 'Condition':
          return condition(String(arg))
        case 'Fn::GetAtt':
          return `<${(arg as string[]).join('.')}>`
        case 'Fn::Sub': {
          const [body, vars] = Array.isArray(arg) ? (arg as [string, Obj]) : [arg as string, {}]
          return sub(body, vars)
        }
        case 'Fn::If': {
          const [name, whenTrue, whenFalse] = arg as [string, Json, Json]
          return walk(condition(name) ? whenTrue : whenFalse)
        }
        case 'Fn::Equals': {
          const [a, b] = (arg as Json[]).map(walk)
          return JSON.stringify(a) === JSON.stringify(b)
        }
        case 'Fn::Not':
          return !truth((arg as Json[])[0])
        case 'Fn::And':
          return (arg as Json[]).every(truth)
        case 'Fn::Or':
          return (arg as Json[]).some(truth)
        case 'Fn::Join': {
          const [sep, list] = arg as [string, Json]
          return (walk(list) as Json[]).map(String).join(sep)
        }
        case 'Fn::Split': {
          const [sep, s] = arg as [string, Json]
          return text(s).split(sep)
        }
        case 'Fn::Select': {
          const [i, list] = arg as [number | string, Json]
          return (walk(list) as Json[])[Number(i)]
        }
      }
    }
    return Object.fromEntries(
      Object.entries(v)
        .map(([k, x]) => [k, walk(x)] as const)
        .filter(([, x]) => x !== NO_VALUE)
    )
  }
  return walk(value)
}

const GITHUB_OIDC = 'token.actions.githubusercontent.com'

/** The claims of a GitHub Actions OIDC token the trust policy can test, by their IAM keys. */
export function githubToken(sub: string, aud = 'sts.amazonaws.com'): Record<string, string> {
  return { [`${GITHUB_OIDC}:sub`]: sub, [`${GITHUB_OIDC}:aud`]: aud }
}

const wildcard = (pattern: string): RegExp =>
  new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`
  )
const OPERATORS: Record<string, (actual: string, expected: string) => boolean> = {
  StringEquals: (a, e) => a === e,
  StringLike: (a, e) => wildcard(e).test(a)
}

/**
 * Whether one resolved trust statement lets a web identity with these claims assume the role:
 * the action and effect, then every condition operator and key (values of a key are ORed, keys
 * and operators ANDed; a claim the token lacks fails its condition). Other operators throw, so a
 * template cannot slip a condition past this check.
 */
export function trusts(statement: Obj, claims: Record<string, string>): boolean {
  if (statement.Effect !== 'Allow') return false
  const actions = [statement.Action].flat()
  if (!actions.includes('sts:AssumeRoleWithWebIdentity')) return false
  const conditions = (statement.Condition ?? {}) as Record<string, Record<string, Json>>
  return Object.entries(conditions).every(([operator, keys]) => {
    const test = OPERATORS[operator]
    if (!test) throw new Error(`unsupported condition operator ${operator}`)
    return Object.entries(keys).every(([key, expected]) => {
      const actual = claims[key]
      return actual !== undefined && [expected].flat().some((e) => test(actual, String(e)))
    })
  })
}
