// The deployable examples (examples/): the one-stack CloudFormation template, the workflows, the
// sample events and the deployment guide, checked offline for the mistakes that only show at
// deploy or incident time: a typo in a property name, a dangling Ref, a policy wider or narrower
// than the code needs, a trust policy with a wildcard or one that refuses the repository's OIDC
// subject (evaluated as STS would, in both subject forms), an event pattern that never matches, a
// dispatch body GitHub rejects, a file the guide does not mention.
import { HEALTH_RISK_CODES } from '../../src/domain/exposure.js'
import { describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse, parseDocument, type CollectionTag, type ScalarTag } from 'yaml'
import { parseExposureEvent } from '../../src/inputs/exposure-event.js'
import { cfnTags, githubToken, resolve, trusts } from '../support/cloudformation.js'

type Json = unknown
type Obj = Record<string, unknown>

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)
const asArray = <T>(v: T | T[] | undefined): T[] =>
  v === undefined ? [] : Array.isArray(v) ? v : [v]
const readJson = (path: string): Json => JSON.parse(readFileSync(path, 'utf8'))

// ---------------------------------------------------------------------------------------------
// CloudFormation YAML: the short-form intrinsic functions become their long JSON form
// (test/support/cloudformation.ts).

function parseYaml(path: string, tags: (ScalarTag | CollectionTag)[] = []): Obj {
  const doc = parseDocument(readFileSync(path, 'utf8'), { customTags: tags })
  const problems = [...doc.errors, ...doc.warnings].map((e) => e.message)
  expect([path, problems]).toEqual([path, []])
  const value: unknown = doc.toJS()
  if (!isObj(value)) throw new Error(`${path} is not a mapping`)
  return value
}

interface Resource {
  Type: string
  Condition?: string
  DependsOn?: string | string[]
  DeletionPolicy?: string
  UpdateReplacePolicy?: string
  Properties?: Obj
}
interface Template {
  AWSTemplateFormatVersion: string
  Description: string
  Parameters: Record<string, Obj>
  Conditions: Record<string, Json>
  Resources: Record<string, Resource>
  Outputs: Record<string, { Description?: string; Condition?: string; Value: Json }>
  Rules?: Record<
    string,
    { RuleCondition?: Json; Assertions: { Assert: Json; AssertDescription?: string }[] }
  >
}

const TEMPLATE_PATH = 'examples/aws/iam-key-sentinel.yml'
const templateText = readFileSync(TEMPLATE_PATH, 'utf8')
const template = parseYaml(TEMPLATE_PATH, cfnTags) as unknown as Template
const permissions = readJson('examples/aws/permissions.json') as {
  audit: string[]
  check: string[]
  remediation: string[]
  member: string[]
  hub: string[]
  'organization-reader': string[]
  rotation: string[]
  'security-hub': string[]
}
// The name the organization workflow, member StackSet and README use for the hub role.
const HUB_ROLE_NAME = 'iam-key-sentinel-hub'

// Properties (required ones first, marked *) and GetAtt attributes of every type the template
// may use, from the CloudFormation resource reference.
const SCHEMA: Record<string, { props: string[]; attrs: string[] }> = {
  'AWS::IAM::OIDCProvider': {
    props: ['Url', 'ClientIdList', 'ThumbprintList', 'Tags'],
    attrs: ['Arn']
  },
  'AWS::IAM::Role': {
    props: [
      '*AssumeRolePolicyDocument',
      'Description',
      'ManagedPolicyArns',
      'MaxSessionDuration',
      'Path',
      'PermissionsBoundary',
      'Policies',
      'RoleName',
      'Tags'
    ],
    attrs: ['Arn', 'RoleId']
  },
  'AWS::IAM::Policy': {
    props: ['*PolicyDocument', '*PolicyName', 'Groups', 'Roles', 'Users'],
    attrs: ['Id']
  },
  'AWS::KMS::Key': {
    props: [
      'BypassPolicyLockoutSafetyCheck',
      'Description',
      'Enabled',
      'EnableKeyRotation',
      'KeyPolicy',
      'KeySpec',
      'KeyUsage',
      'MultiRegion',
      'Origin',
      'PendingWindowInDays',
      'RotationPeriodInDays',
      'Tags'
    ],
    attrs: ['Arn', 'KeyId']
  },
  'AWS::KMS::Alias': { props: ['*AliasName', '*TargetKeyId'], attrs: [] },
  'AWS::SNS::Topic': {
    props: [
      'ArchivePolicy',
      'ContentBasedDeduplication',
      'DataProtectionPolicy',
      'DeliveryStatusLogging',
      'DisplayName',
      'FifoThroughputScope',
      'FifoTopic',
      'KmsMasterKeyId',
      'SignatureVersion',
      'Subscription',
      'Tags',
      'TopicName',
      'TracingConfig'
    ],
    attrs: ['TopicArn', 'TopicName']
  },
  'AWS::SNS::TopicPolicy': { props: ['*PolicyDocument', '*Topics'], attrs: ['Id'] },
  'AWS::IAM::RolePolicy': { props: ['*PolicyDocument', '*PolicyName', '*RoleName'], attrs: [] },
  'AWS::SNS::Subscription': {
    props: [
      '*Protocol',
      '*TopicArn',
      'DeliveryPolicy',
      'Endpoint',
      'FilterPolicy',
      'FilterPolicyScope',
      'RawMessageDelivery',
      'RedrivePolicy',
      'Region',
      'ReplayPolicy',
      'SubscriptionRoleArn'
    ],
    attrs: ['Arn']
  },
  'AWS::SecretsManager::Secret': {
    props: [
      'Description',
      'GenerateSecretString',
      'KmsKeyId',
      'Name',
      'ReplicaRegions',
      'SecretString',
      'Tags'
    ],
    attrs: ['Id']
  },
  'AWS::Events::Connection': {
    props: [
      'AuthorizationType',
      'AuthParameters',
      'Description',
      'InvocationConnectivityParameters',
      'KmsKeyIdentifier',
      'Name'
    ],
    attrs: ['Arn', 'ArnForPolicy', 'SecretArn']
  },
  'AWS::Events::ApiDestination': {
    props: [
      '*ConnectionArn',
      '*HttpMethod',
      '*InvocationEndpoint',
      'Description',
      'InvocationRateLimitPerSecond',
      'Name'
    ],
    attrs: ['Arn', 'ArnForPolicy']
  },
  'AWS::Events::Rule': {
    props: [
      'Description',
      'EventBusName',
      'EventPattern',
      'Name',
      'RoleArn',
      'ScheduleExpression',
      'State',
      'Targets'
    ],
    attrs: ['Arn']
  },
  'AWS::SQS::Queue': {
    props: [
      'ContentBasedDeduplication',
      'DeduplicationScope',
      'DelaySeconds',
      'FifoQueue',
      'FifoThroughputLimit',
      'KmsDataKeyReusePeriodSeconds',
      'KmsMasterKeyId',
      'MaximumMessageSize',
      'MessageRetentionPeriod',
      'QueueName',
      'ReceiveMessageWaitTimeSeconds',
      'RedriveAllowPolicy',
      'RedrivePolicy',
      'SqsManagedSseEnabled',
      'Tags',
      'VisibilityTimeout'
    ],
    attrs: ['Arn', 'QueueName', 'QueueUrl']
  },
  'AWS::SQS::QueuePolicy': { props: ['*PolicyDocument', '*Queues'], attrs: ['Id'] },
  'AWS::CloudWatch::Alarm': {
    props: [
      '*ComparisonOperator',
      '*EvaluationPeriods',
      'ActionsEnabled',
      'AlarmActions',
      'AlarmDescription',
      'AlarmName',
      'DatapointsToAlarm',
      'Dimensions',
      'EvaluateLowSampleCountPercentile',
      'ExtendedStatistic',
      'InsufficientDataActions',
      'MetricName',
      'Metrics',
      'Namespace',
      'OKActions',
      'Period',
      'Statistic',
      'Tags',
      'Threshold',
      'ThresholdMetricId',
      'TreatMissingData',
      'Unit'
    ],
    attrs: ['Arn']
  }
}
const RESOURCE_ATTRIBUTES = [
  'Type',
  'Condition',
  'DependsOn',
  'DeletionPolicy',
  'UpdateReplacePolicy'
]
const TARGET_KEYS = ['Id', 'Arn', 'RoleArn', 'InputTransformer', 'RetryPolicy', 'DeadLetterConfig']
const PSEUDO = [
  'AWS::AccountId',
  'AWS::NotificationARNs',
  'AWS::NoValue',
  'AWS::Partition',
  'AWS::Region',
  'AWS::StackId',
  'AWS::StackName',
  'AWS::URLSuffix'
]

function resource(name: string): Resource {
  const r = template.Resources[name]
  if (!r) throw new Error(`no resource ${name}`)
  return r
}
const props = (name: string): Obj => resource(name).Properties ?? {}
const ofType = (type: string): string[] =>
  Object.keys(template.Resources).filter((name) => resource(name).Type === type)

/** The one resource the value refers to with { Ref } or { Fn::GetAtt: [name, attr] }. */
function target(value: Json, attr?: string): string {
  if (isObj(value) && typeof value.Ref === 'string' && attr === undefined) return value.Ref
  if (isObj(value) && Array.isArray(value['Fn::GetAtt']) && value['Fn::GetAtt'][1] === attr)
    return String(value['Fn::GetAtt'][0])
  throw new Error(`${JSON.stringify(value)} is not a ${attr ? `GetAtt .${attr}` : 'Ref'}`)
}

/** Every `${Name}` or `${Resource.Attr}` a Fn::Sub string refers to (not `${!Literal}`). */
function subVariables(text: string): string[] {
  return [...text.matchAll(/\$\{([^}!][^}]*)\}/g)].map((m) => m[1] as string)
}

const SAMPLE_PARAMETERS: Record<string, string> = { GitHubOrg: 'acme', GitHubRepo: 'security' }

/** The string a value renders to, with the parameter defaults and SAMPLE_PARAMETERS. */
function render(value: Json, parameters: Record<string, string> = {}): string {
  const v = resolve(template, value, { ...SAMPLE_PARAMETERS, ...parameters })
  if (typeof v !== 'string') throw new Error(`${JSON.stringify(value)} does not render to a string`)
  return v
}

interface Reference {
  from: string
  kind: 'Ref' | 'GetAtt' | 'If' | 'DependsOn'
  name: string
  attr?: string
  /** Conditions known true where the reference stands (inside Fn::If true branches). */
  under: string[]
}

/** Every reference in a value: Ref, Fn::GetAtt, Fn::Sub variables and Fn::If conditions. */
function references(from: string, value: Json, under: string[] = []): Reference[] {
  if (Array.isArray(value)) return value.flatMap((v) => references(from, v, under))
  if (!isObj(value)) return []
  const keys = Object.keys(value)
  if (keys.length === 1) {
    const [key] = keys as [string]
    const arg = value[key]
    if (key === 'Ref') return [{ from, kind: 'Ref', name: String(arg), under }]
    if (key === 'Fn::GetAtt') {
      const [name, attr] = arg as [string, string]
      return [{ from, kind: 'GetAtt', name, attr, under }]
    }
    if (key === 'Fn::Sub') {
      const [text, vars] = Array.isArray(arg) ? (arg as [string, Obj]) : [arg as string, {}]
      const local = Object.keys(vars)
      return [
        ...references(from, Object.values(vars), under),
        ...subVariables(text)
          .filter((v) => !local.includes(v))
          .map((v): Reference => {
            const dot = v.indexOf('.')
            return dot > 0 && !v.startsWith('AWS::')
              ? { from, kind: 'GetAtt', name: v.slice(0, dot), attr: v.slice(dot + 1), under }
              : { from, kind: 'Ref', name: v, under }
          })
      ]
    }
    if (key === 'Fn::If') {
      const [condition, whenTrue, whenFalse] = arg as [string, Json, Json]
      return [
        { from, kind: 'If', name: condition, under },
        ...references(from, whenTrue, [...under, condition]),
        ...references(from, whenFalse, under)
      ]
    }
  }
  return Object.values(value).flatMap((v) => references(from, v, under))
}

function allReferences(): Reference[] {
  return [
    ...Object.entries(template.Resources).flatMap(([name, r]) => [
      ...references(name, r.Properties ?? {}),
      ...asArray(r.DependsOn).map((d): Reference => ({
        from: name,
        kind: 'DependsOn',
        name: d,
        under: []
      }))
    ]),
    ...Object.entries(template.Outputs).flatMap(([name, o]) => references(`Outputs.${name}`, o)),
    ...Object.entries(template.Conditions).flatMap(([name, c]) =>
      references(`Conditions.${name}`, c)
    )
  ]
}

// ---------------------------------------------------------------------------------------------
// IAM policies

interface Statement {
  Sid?: string
  Effect: 'Allow' | 'Deny'
  Principal?: Json
  Action?: string | string[]
  NotAction?: string | string[]
  Resource?: Json
  Condition?: Record<string, Record<string, Json>>
}

const statements = (document: Json): Statement[] =>
  asArray((document as { Statement: Statement | Statement[] }).Statement)

function roleStatements(name: string): Statement[] {
  const policies = asArray(props(name).Policies as { PolicyName: string; PolicyDocument: Json }[])
  return policies.flatMap((p) => statements(p.PolicyDocument))
}

function allowedActions(name: string): string[] {
  const actions = roleStatements(name)
    .filter((s) => s.Effect === 'Allow')
    .flatMap((s) => asArray(s.Action))
  return [...new Set(actions)].sort()
}

const USER_ARN = { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:user/*' }
const ROLE_ARN = { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/*' }
/** The role-session deny's writes: on the account's roles, never on the action's own. */
const ROLE_ACTIONS = ['iam:PutRolePolicy', 'iam:GetRolePolicy']
const OWN_ROLES = {
  'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/iam-key-sentinel-*'
}
/** Actions with no resource-level permissions: they need Resource "*". */
const ACCOUNT_LEVEL = [
  'iam:ListUsers',
  'iam:ListAccountAliases',
  'iam:GenerateCredentialReport',
  'iam:GetCredentialReport',
  // The service authorization reference lists no resource type for it: Resource must be '*'.
  'iam:GetAccountAuthorizationDetails',
  // Likewise account-level: it answers for the whole account (the root user's keys among it).
  'iam:GetAccountSummary',
  'cloudtrail:LookupEvents',
  // Names a key ID, not a resource: STS documents no resource type for it.
  'sts:GetAccessKeyInfo'
]
const WRITE_VERBS =
  /^iam:(Add|Attach|Change|Create|Deactivate|Delete|Detach|Enable|Pass|Put|Remove|Reset|Resync|Set|Tag|Untag|Update|Upload)/

/** The tightest Resource the action allows in this template. */
function expectedResource(action: string): Json {
  if (ACCOUNT_LEVEL.includes(action)) return '*'
  if (action === 'sns:Publish') return { Ref: 'NotificationTopic' }
  if (action.startsWith('secretsmanager:')) return { Ref: 'RotationSecretArns' }
  if (ROLE_ACTIONS.includes(action)) return ROLE_ARN
  if (action.startsWith('iam:')) return USER_ARN
  throw new Error(`no known scope for ${action}`)
}

const GITHUB_OIDC = 'token.actions.githubusercontent.com'

// ---------------------------------------------------------------------------------------------
// EventBridge: the subset of event patterns the template uses, and the input transformer.

/**
 * Whether an EventBridge event pattern matches an event. Supports exact values in arrays
 * (any of them; an array in the event matches when one element does), nested objects and $or.
 * Throws on anything else (prefix, anything-but, numeric, exists...) so an unsupported pattern
 * cannot pass unchecked.
 */
function matches(pattern: Json, event: Json): boolean {
  if (!isObj(pattern)) throw new Error(`a pattern is an object: ${JSON.stringify(pattern)}`)
  return Object.entries(pattern).every(([key, rule]) => {
    if (key === '$or') {
      if (!Array.isArray(rule) || rule.length < 2) throw new Error('$or takes 2 or more patterns')
      return rule.some((p) => matches(p, event))
    }
    const value = isObj(event) ? event[key] : undefined
    if (Array.isArray(rule)) {
      if (rule.length === 0) throw new Error(`empty match list at ${key}`)
      for (const r of rule)
        if (typeof r === 'object' && r !== null) throw new Error(`unsupported filter at ${key}`)
      return asArray(value).some((v) => rule.includes(v))
    }
    if (isObj(rule)) return isObj(value) && matches(rule, value)
    throw new Error(`pattern values are arrays or objects, not ${JSON.stringify(rule)} at ${key}`)
  })
}

/** A simple $.a.b[0] JSON path of an input path map. */
function jsonPath(event: Json, path: string): Json {
  const steps = path.replace(/^\$\.?/, '').match(/[^.[\]]+/g) ?? []
  return steps.reduce<Json>(
    (v, step) => (isObj(v) ? v[step] : Array.isArray(v) ? v[Number(step)] : undefined),
    event
  )
}

/** What EventBridge sends the target: the InputTemplate with its variables substituted. */
function transform(
  transformer: { InputTemplate: string; InputPathsMap?: Record<string, string> },
  event: Obj
): string {
  const { detail, ...withoutDetail } = event
  void detail
  const predefined: Record<string, string> = {
    'aws.events.event.json': JSON.stringify(event),
    'aws.events.event': JSON.stringify(withoutDetail),
    'aws.events.rule-name': 'iam-key-sentinel-exposed-access-key',
    'aws.events.event.ingestion-time': String(event.time)
  }
  return transformer.InputTemplate.replace(/<([A-Za-z0-9_.-]+)>/g, (_, name: string) => {
    const path = transformer.InputPathsMap?.[name]
    if (path !== undefined) {
      const v = jsonPath(event, path)
      return typeof v === 'string' ? v : JSON.stringify(v)
    }
    const v = predefined[name]
    if (v === undefined) throw new Error(`unknown input transformer variable <${name}>`)
    return v
  })
}

interface DispatchSample {
  event_type: string
  client_payload: Obj
}
const SAMPLE_PATHS = [
  'examples/events/aws-health-exposed-key.json',
  'examples/events/trusted-advisor-exposed-key.json'
]
const samples = SAMPLE_PATHS.map((p) => readJson(p) as DispatchSample)
const [healthEvent, trustedAdvisorEvent] = samples.map((s) => s.client_payload) as [Obj, Obj]

const rule = props('ExposedAccessKeyRule')
const targets = rule.Targets as Obj[]
function ruleTarget(arn: Json): Obj {
  const t = targets.find((x) => JSON.stringify(x.Arn) === JSON.stringify(arn))
  if (!t) throw new Error(`no rule target ${JSON.stringify(arn)}`)
  return t
}
const dispatchTarget = ruleTarget({ 'Fn::GetAtt': ['GitHubDispatchDestination', 'Arn'] })

/** A copy of the event with `path` (dot separated) set to `value`. */
function withValue(event: Obj, path: string, value: Json): Obj {
  const copy = structuredClone(event)
  const keys = path.split('.')
  const last = keys.pop() as string
  const parent = keys.reduce<Obj>((o, k) => o[k] as Obj, copy)
  parent[last] = value
  return copy
}

// ---------------------------------------------------------------------------------------------
// Workflows

interface Step {
  id?: string
  uses?: string
  run?: string
  if?: string
  with?: Record<string, Json>
}
interface Job {
  'runs-on'?: string
  environment?: string | { name: string }
  permissions?: Json
  uses?: string
  if?: string
  steps?: Step[]
}
interface Workflow {
  name: string
  on: Obj
  permissions?: Json
  concurrency?: { group: string; 'cancel-in-progress'?: boolean }
  jobs: Record<string, Job>
}

const WORKFLOW_DIR = 'examples/workflows'
const workflowFiles = readdirSync(WORKFLOW_DIR).filter((f) => f.endsWith('.yml'))
const workflows = Object.fromEntries(
  workflowFiles.map((f) => [f, parseYaml(join(WORKFLOW_DIR, f)) as unknown as Workflow])
)
function workflow(file: string): Workflow {
  const w = workflows[file]
  if (!w) throw new Error(`no workflow ${file}`)
  return w
}
const steps = (w: Workflow): Step[] => Object.values(w.jobs).flatMap((j) => j.steps ?? [])
function sentinelStep(file: string): Step & { with: Record<string, Json> } {
  const step = steps(workflow(file)).find((s) => s.uses?.startsWith('acme/iam-key-sentinel@'))
  if (!step?.with) throw new Error(`${file} does not run the action`)
  return step as Step & { with: Record<string, Json> }
}
const environmentOf = (job: Job): string | undefined =>
  typeof job.environment === 'string' ? job.environment : job.environment?.name

const actionInputs = Object.keys(
  (parse(readFileSync('action.yml', 'utf8')) as { inputs: Obj }).inputs
)

// =============================================================================================

describe('examples/aws/permissions.json', () => {
  it('lists each role sorted, without duplicates, the audit list inside the remediation list', () => {
    expect(Object.keys(permissions).sort()).toEqual(
      [
        'audit',
        'check',
        'hub',
        'member',
        'organization-reader',
        'remediation',
        'rotation',
        'security-hub'
      ].sort()
    )
    for (const list of Object.values(permissions)) {
      expect(list).toEqual([...new Set(list)].sort())
      for (const a of list) expect(a).toMatch(/^[a-z0-9-]+:[A-Za-z]+$/)
    }
    expect(permissions.remediation).toEqual(expect.arrayContaining(permissions.audit))
    // The member role reads what an audit reads; the hub publishes the organization's digest.
    expect(permissions.member).toEqual(permissions.audit.filter((a) => a !== 'sns:Publish'))
  })

  it('keeps every IAM write out of the organization roles', () => {
    const org = [...permissions.member, ...permissions.hub, ...permissions['organization-reader']]
    expect(org.filter((a) => WRITE_VERBS.test(a))).toEqual([])
  })

  it('keeps every IAM write in the remediation list only', () => {
    expect(permissions.audit.filter((a) => WRITE_VERBS.test(a))).toEqual([])
    expect(permissions.remediation.filter((a) => !permissions.audit.includes(a))).toEqual(
      expect.arrayContaining([
        'iam:DeleteAccessKey',
        'iam:PutUserPolicy',
        'iam:TagUser',
        'iam:UntagUser',
        'iam:UpdateAccessKey'
      ])
    )
  })
})

describe('examples/aws/iam-key-sentinel.yml: structure', () => {
  it('parses as a CloudFormation template with the documented parameters', () => {
    expect(template.AWSTemplateFormatVersion).toBe('2010-09-09')
    expect(Object.keys(template.Parameters)).toEqual(
      expect.arrayContaining([
        'GitHubOrg',
        'GitHubRepo',
        'AuditRef',
        'RemediationEnvironment',
        'CreateOidcProvider',
        'GitHubDispatchToken',
        'NotificationEmail',
        'GitHubOrgId',
        'GitHubRepoId',
        'CreateAuditRole',
        'CreateRemediationRole',
        'CreateRotationRole',
        'RotationEnvironment',
        'RotationSecretArns'
      ])
    )
    expect(template.Parameters.GitHubDispatchToken?.NoEcho).toBe(true)
    expect(template.Parameters.CreateOidcProvider?.AllowedValues).toEqual(['true', 'false'])
    expect(template.Parameters.NotificationEmail?.Default).toBe('')
    for (const [name, p] of Object.entries(template.Parameters)) {
      expect([name, typeof p.Description]).toEqual([name, 'string'])
      if (typeof p.AllowedPattern === 'string' && typeof p.Default === 'string')
        expect([name, new RegExp(p.AllowedPattern).test(p.Default)]).toEqual([name, true])
    }
  })

  it('refuses to deploy the event path outside us-east-1, where AWS Health and Trusted Advisor deliver the events', () => {
    const rule = template.Rules?.UsEast1Only
    expect(rule?.RuleCondition).toEqual({
      'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'GitHubDispatchToken' }, ''] }]
    })
    expect(rule?.Assertions).toEqual([
      {
        Assert: { 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'us-east-1'] },
        AssertDescription: expect.stringContaining('us-east-1')
      }
    ])
    expect(templateText).not.toMatch(/^# REGION:/m)
  })

  /** Whether every rule whose condition holds passes, for these parameters. */
  const rulesPass = (parameters: Record<string, string>, region = 'us-east-1'): boolean =>
    Object.values(template.Rules ?? {}).every((r) => {
      const at = (v: Json) => resolve(template, v, { 'AWS::Region': region, ...parameters })
      if (r.RuleCondition !== undefined && at(r.RuleCondition) === false) return true
      return r.Assertions.every((a) => at(a.Assert) === true)
    })

  it.each([
    ['the defaults (audit and remediation roles, no event path)', {}, 'eu-west-1', true],
    ['the event path in us-east-1', { GitHubDispatchToken: 'github_pat_x' }, 'us-east-1', true],
    ['the event path elsewhere', { GitHubDispatchToken: 'github_pat_x' }, 'eu-west-1', false],
    [
      'the event path without the remediation role',
      { GitHubDispatchToken: 'github_pat_x', CreateRemediationRole: 'false' },
      'us-east-1',
      false
    ],
    ['both immutable IDs', { GitHubOrgId: '1234567', GitHubRepoId: '7654321' }, 'us-east-1', true],
    ['the owner ID alone', { GitHubOrgId: '1234567' }, 'us-east-1', false],
    ['the repository ID alone', { GitHubRepoId: '7654321' }, 'us-east-1', false]
  ])('deploys with %s: %s', (_, parameters, region, passes) => {
    expect(rulesPass(parameters, region)).toBe(passes)
  })

  it('creates the hub role only for an organization, chaining only into its member roles', () => {
    const hub = resource('HubRole')
    expect(hub.Condition).toBe('HasOrganization')
    expect(template.Conditions.HasOrganization).toEqual({
      'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'OrganizationId' }, ''] }]
    })
    expect(template.Outputs.HubRoleArn?.Condition).toBe('HasOrganization')
    const [chain, publish] = statements(
      (props('HubRole').Policies as { PolicyDocument: Json }[])[0]?.PolicyDocument
    )
    expect(chain).toMatchObject({
      Action: 'sts:AssumeRole',
      Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:iam::*:role/${MemberRoleName}' },
      Condition: { StringEquals: { 'aws:ResourceOrgID': { Ref: 'OrganizationId' } } }
    })
    expect(publish).toMatchObject({ Action: 'sns:Publish', Resource: { Ref: 'NotificationTopic' } })
    const actions = [chain, publish].flatMap((s) => asArray(s?.Action))
    expect(actions.sort()).toEqual([...permissions.hub].sort())
    expect(props('HubRole').RoleName).toBe(HUB_ROLE_NAME)
  })

  it('uses only known resource types, with their documented property names', () => {
    for (const [name, r] of Object.entries(template.Resources)) {
      expect([name, Object.keys(SCHEMA)]).toEqual([name, expect.arrayContaining([r.Type])])
      const schema = SCHEMA[r.Type] as { props: string[] }
      const known = schema.props.map((p) => p.replace(/^\*/, ''))
      const unknown = Object.keys(r.Properties ?? {}).filter((p) => !known.includes(p))
      expect([name, unknown]).toEqual([name, []])
      const missing = schema.props
        .filter((p) => p.startsWith('*'))
        .map((p) => p.slice(1))
        .filter((p) => !(p in (r.Properties ?? {})))
      expect([name, missing]).toEqual([name, []])
      const attributes = Object.keys(r).filter((k) => k !== 'Properties')
      expect([name, attributes.filter((a) => !RESOURCE_ATTRIBUTES.includes(a))]).toEqual([name, []])
    }
  })

  it('points every Ref, GetAtt, Sub variable, DependsOn and condition at something that exists', () => {
    const refs = allReferences()
    expect(refs.length).toBeGreaterThan(30)
    const names = [
      ...Object.keys(template.Resources),
      ...Object.keys(template.Parameters),
      ...PSEUDO
    ]
    for (const ref of refs) {
      const where = `${ref.from}: ${ref.kind} ${ref.name}${ref.attr ? `.${ref.attr}` : ''}`
      if (ref.kind === 'Ref') expect([where, names.includes(ref.name)]).toEqual([where, true])
      if (ref.kind === 'If') expect([where, ref.name in template.Conditions]).toEqual([where, true])
      if (ref.kind === 'GetAtt' || ref.kind === 'DependsOn') {
        const r = template.Resources[ref.name]
        expect([where, r?.Type]).toEqual([where, expect.any(String)])
        if (ref.kind === 'GetAtt')
          expect([where, SCHEMA[r?.Type ?? '']?.attrs]).toEqual([
            where,
            expect.arrayContaining([ref.attr])
          ])
      }
    }
    for (const [name, r] of Object.entries(template.Resources))
      if (r.Condition) expect([name, r.Condition in template.Conditions]).toEqual([name, true])
  })

  it('refers to a conditional resource only where its condition holds', () => {
    for (const ref of allReferences()) {
      const condition = template.Resources[ref.name]?.Condition
      if (!condition || ref.kind === 'If') continue
      const from = ref.from.startsWith('Outputs.')
        ? template.Outputs[ref.from.slice('Outputs.'.length)]
        : template.Resources[ref.from]
      // A resource under a condition that is an Fn::And including the target's condition is safe.
      const own = from?.Condition
      const conjuncts = own
        ? ((template.Conditions[own] as { 'Fn::And'?: { Condition?: string }[] })['Fn::And'] ?? [])
        : []
      const holds =
        ref.under.includes(condition) ||
        own === condition ||
        conjuncts.some((c) => c.Condition === condition)
      expect([`${ref.from} -> ${ref.name}`, holds]).toEqual([`${ref.from} -> ${ref.name}`, true])
    }
  })

  it('has no dependency cycle', () => {
    const edges = new Map<string, Set<string>>()
    for (const ref of allReferences())
      if (ref.from in template.Resources && ref.name in template.Resources && ref.kind !== 'If')
        edges.set(ref.from, (edges.get(ref.from) ?? new Set()).add(ref.name))
    const state = new Map<string, 'visiting' | 'done'>()
    const visit = (node: string, path: string[]): void => {
      if (state.get(node) === 'done') return
      if (state.get(node) === 'visiting') throw new Error(`cycle: ${[...path, node].join(' -> ')}`)
      state.set(node, 'visiting')
      for (const next of edges.get(node) ?? []) visit(next, [...path, node])
      state.set(node, 'done')
    }
    for (const node of Object.keys(template.Resources)) visit(node, [])
  })

  it('outputs the role ARNs and the topic ARN', () => {
    expect(target(template.Outputs.AuditRoleArn?.Value, 'Arn')).toBe('AuditRole')
    expect(target(template.Outputs.RemediationRoleArn?.Value, 'Arn')).toBe('RemediationRole')
    expect(target(template.Outputs.NotificationTopicArn?.Value)).toBe('NotificationTopic')
  })
})

describe('examples/aws/iam-key-sentinel.yml: GitHub OIDC roles', () => {
  it('creates the GitHub OIDC provider only when asked, for the sts.amazonaws.com audience', () => {
    const provider = resource('GitHubOidcProvider')
    expect(provider.Type).toBe('AWS::IAM::OIDCProvider')
    expect(provider.Condition).toBe('ShouldCreateOidcProvider')
    expect(template.Conditions.ShouldCreateOidcProvider).toEqual({
      'Fn::Equals': [{ Ref: 'CreateOidcProvider' }, 'true']
    })
    expect(provider.Properties).toMatchObject({
      Url: `https://${GITHUB_OIDC}`,
      ClientIdList: ['sts.amazonaws.com']
    })
  })

  /** The one trust statement of a role, resolved with these parameters. */
  const trustOf = (name: string, parameters: Record<string, string> = {}): Statement => {
    const trust = statements(props(name).AssumeRolePolicyDocument)
    expect(trust).toHaveLength(1)
    return resolve(template, trust[0], { ...SAMPLE_PARAMETERS, ...parameters }) as Statement
  }
  const IDS = { GitHubOrgId: '1234567', GitHubRepoId: '7654321' }

  it.each([
    ['AuditRole', 'ref:refs/heads/main'],
    ['HubRole', 'ref:refs/heads/main'],
    ['RemediationRole', 'environment:iam-key-remediation'],
    ['RotationRole', 'environment:iam-key-rotation']
  ])('%s trusts exactly one GitHub subject, the repository and %s', (name, context) => {
    const [s] = statements(props(name).AssumeRolePolicyDocument) as [Statement]
    expect(s.Principal).toEqual({
      Federated: {
        'Fn::If': [
          'ShouldCreateOidcProvider',
          { Ref: 'GitHubOidcProvider' },
          {
            'Fn::Sub': `arn:\${AWS::Partition}:iam::\${AWS::AccountId}:oidc-provider/${GITHUB_OIDC}`
          }
        ]
      }
    })
    for (const [parameters, sub] of [
      [{}, `repo:acme/security:${context}`],
      [IDS, `repo:acme@1234567/security@7654321:${context}`]
    ] as const) {
      const resolved = trustOf(name, parameters)
      expect(resolved.Effect).toBe('Allow')
      expect(resolved.Action).toBe('sts:AssumeRoleWithWebIdentity')
      // StringEquals only: no StringLike, no wildcard subject, one value per claim.
      expect(resolved.Condition).toEqual({
        StringEquals: { [`${GITHUB_OIDC}:aud`]: 'sts.amazonaws.com', [`${GITHUB_OIDC}:sub`]: sub }
      })
      expect(sub).not.toMatch(/[*?]/)
    }
    expect(props(name).MaxSessionDuration).toBe(3600)
  })

  describe.each([
    ['AuditRole', 'ref:refs/heads/main'],
    ['RemediationRole', 'environment:iam-key-remediation'],
    ['RotationRole', 'environment:iam-key-rotation']
  ])("%s's trust policy, evaluated as STS would", (name, context) => {
    const immutable = `repo:acme@1234567/security@7654321:${context}`
    const named = `repo:acme/security:${context}`

    it('accepts the immutable subject of a new repository when the IDs are given', () => {
      expect(trusts(trustOf(name, IDS) as unknown as Obj, githubToken(immutable))).toBe(true)
    })

    it.each([
      ['the name-only subject', named],
      ['a recycled owner name (another owner ID)', `repo:acme@9999999/security@7654321:${context}`],
      ['a recreated repository (another repository ID)', `repo:acme@1234567/security@1:${context}`],
      [
        'a foreign owner with the same repository ID',
        `repo:evil@1234567/security@7654321:${context}`
      ],
      ['another branch', 'repo:acme@1234567/security@7654321:ref:refs/heads/feature'],
      ['another environment', 'repo:acme@1234567/security@7654321:environment:other'],
      ['a pull request', 'repo:acme@1234567/security@7654321:pull_request']
    ])('refuses %s when the IDs are given', (_, sub) => {
      expect(trusts(trustOf(name, IDS) as unknown as Obj, githubToken(sub))).toBe(false)
    })

    it('refuses another audience', () => {
      expect(
        trusts(
          trustOf(name, IDS) as unknown as Obj,
          githubToken(immutable, 'https://github.com/acme')
        )
      ).toBe(false)
    })

    it('accepts the name-only subject without IDs, and refuses the immutable one there', () => {
      expect(trusts(trustOf(name) as unknown as Obj, githubToken(named))).toBe(true)
      // What a repository created since 2026-07-15 sends: it needs GitHubOrgId and GitHubRepoId.
      expect(trusts(trustOf(name) as unknown as Obj, githubToken(immutable))).toBe(false)
      expect(
        trusts(trustOf(name) as unknown as Obj, githubToken(`repo:other/security:${context}`))
      ).toBe(false)
    })
  })

  it('has a trust evaluator that can refuse, and fails on what it cannot evaluate', () => {
    const statement = {
      Effect: 'Allow',
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: { StringLike: { [`${GITHUB_OIDC}:sub`]: 'repo:acme/*' } }
    }
    expect(trusts(statement, githubToken('repo:acme/x:ref:refs/heads/main'))).toBe(true)
    expect(trusts(statement, githubToken('repo:acmex/x'))).toBe(false)
    expect(trusts({ ...statement, Effect: 'Deny' }, githubToken('repo:acme/x'))).toBe(false)
    expect(trusts({ ...statement, Action: 'sts:AssumeRole' }, githubToken('repo:acme/x'))).toBe(
      false
    )
    expect(trusts(statement, { [`${GITHUB_OIDC}:aud`]: 'sts.amazonaws.com' })).toBe(false)
    expect(() =>
      trusts({ ...statement, Condition: { ForAnyValue: { a: 'b' } } }, githubToken('x'))
    ).toThrow('unsupported condition operator')
  })

  it('lets no parameter smuggle a wildcard into a subject', () => {
    for (const name of [
      'GitHubOrg',
      'GitHubRepo',
      'GitHubOrgId',
      'GitHubRepoId',
      'AuditRef',
      'RemediationEnvironment',
      'RotationEnvironment'
    ]) {
      const pattern = new RegExp(String(template.Parameters[name]?.AllowedPattern))
      for (const bad of ['*', 'ref:refs/heads/*', 'main?', 'a:b*', '12*'])
        expect([name, bad, pattern.test(bad)]).toEqual([name, bad, false])
    }
  })

  it('gives the audit role exactly the audit permissions, and no write', () => {
    expect(allowedActions('AuditRole')).toEqual(permissions.audit)
    const remediationOnly = permissions.remediation.filter((a) => !permissions.audit.includes(a))
    for (const action of allowedActions('AuditRole')) {
      expect(action).not.toMatch(WRITE_VERBS)
      expect(remediationOnly).not.toContain(action)
    }
  })

  it('grants security-hub its three actions on both roles, only when SecurityHub is true', () => {
    const policy = resource('SecurityHubPolicy')
    expect(policy.Type).toBe('AWS::IAM::Policy')
    expect((policy as { Condition?: string }).Condition).toBe('HasSecurityHub')
    // Only when asked, and only while one of its roles is created (a policy needs a role).
    expect(template.Conditions.HasSecurityHub).toEqual({
      'Fn::And': [
        { 'Fn::Equals': [{ Ref: 'SecurityHub' }, 'true'] },
        {
          'Fn::Or': [
            { Condition: 'ShouldCreateAuditRole' },
            { Condition: 'ShouldCreateRemediationRole' }
          ]
        }
      ]
    })
    expect(template.Parameters.SecurityHub?.Default).toBe('false')
    expect(props('SecurityHubPolicy').Roles).toEqual([
      { 'Fn::If': ['ShouldCreateAuditRole', { Ref: 'AuditRole' }, { Ref: 'AWS::NoValue' }] },
      {
        'Fn::If': [
          'ShouldCreateRemediationRole',
          { Ref: 'RemediationRole' },
          { Ref: 'AWS::NoValue' }
        ]
      }
    ])
    const granted = statements(props('SecurityHubPolicy').PolicyDocument as Json)
    expect(granted.flatMap((s) => asArray(s.Action)).sort()).toEqual(permissions['security-hub'])
    // Import only into the account's own product; never Resource '*'.
    for (const s of granted) expect(JSON.stringify(s.Resource)).toContain('${AWS::AccountId}')
  })

  it('gives the remediation role exactly the remediation permissions', () => {
    expect(allowedActions('RemediationRole')).toEqual(permissions.remediation)
  })

  it('gives the rotation role exactly the rotation permissions', () => {
    expect(allowedActions('RotationRole')).toEqual(permissions.rotation)
  })

  it.each([
    ['AuditRole', 'ShouldCreateAuditRole', 'CreateAuditRole', 'true'],
    ['RemediationRole', 'ShouldCreateRemediationRole', 'CreateRemediationRole', 'true'],
    ['RotationRole', 'ShouldCreateRotationRole', 'CreateRotationRole', 'false']
  ])('creates %s only when %s (%s, default %s)', (name, condition, parameter, byDefault) => {
    expect(resource(name).Condition).toBe(condition)
    expect(template.Conditions[condition]).toEqual({
      'Fn::Equals': [{ Ref: parameter }, 'true']
    })
    expect(template.Parameters[parameter]?.Default).toBe(byDefault)
    const output = Object.values(template.Outputs).find(
      (o) => JSON.stringify(o.Value) === JSON.stringify({ 'Fn::GetAtt': [name, 'Arn'] })
    )
    expect(output?.Condition).toBe(condition)
  })

  it.each(['AuditRole', 'RemediationRole', 'RotationRole'])(
    '%s scopes each statement as tightly as its actions allow',
    (name) => {
      for (const s of roleStatements(name)) {
        if (s.Effect === 'Deny') {
          // The one Deny: the remediation role never writes a policy onto the action's roles.
          expect([name, s.Action, s.Resource]).toEqual([
            'RemediationRole',
            'iam:PutRolePolicy',
            OWN_ROLES
          ])
          continue
        }
        expect(s.Effect).toBe('Allow')
        expect(s.NotAction).toBeUndefined()
        for (const action of asArray(s.Action)) {
          expect(action).not.toContain('*')
          expect([action, s.Resource]).toEqual([action, expectedResource(action)])
        }
      }
    }
  )

  it.each([
    ['AuditRolePreflight', 'AuditRole'],
    ['RemediationRolePreflight', 'RemediationRole'],
    ['RotationRolePreflight', 'RotationRole']
  ])(
    "%s gives %s the preflight's reads, on itself and the topic, when AllowPreflight is true and the role is created",
    (policy, role) => {
      expect(resource(policy)).toMatchObject({
        Type: 'AWS::IAM::RolePolicy',
        Condition: `PreflightOn${role}`
      })
      expect(template.Conditions.ShouldAllowPreflight).toEqual({
        'Fn::Equals': [{ Ref: 'AllowPreflight' }, 'true']
      })
      expect(template.Conditions[`PreflightOn${role}`]).toEqual({
        'Fn::And': [{ Condition: 'ShouldAllowPreflight' }, { Condition: `ShouldCreate${role}` }]
      })
      expect(props(policy).RoleName).toEqual({ Ref: role })
      const granted = statements(props(policy).PolicyDocument)
      expect(granted.flatMap((s) => asArray(s.Action)).sort()).toEqual(permissions.check)
      for (const s of granted) {
        expect(s.Effect).toBe('Allow')
        const onTopic = asArray(s.Action).every((a) => String(a).startsWith('sns:'))
        expect(s.Resource).toEqual(
          onTopic ? { Ref: 'NotificationTopic' } : { 'Fn::GetAtt': [role, 'Arn'] }
        )
      }
    }
  )

  it('lets the dispatch role only invoke the API destination, assumed by EventBridge', () => {
    const role = String(target(dispatchTarget.RoleArn, 'Arn'))
    expect(allowedActions(role)).toEqual(['events:InvokeApiDestination'])
    expect(roleStatements(role).map((s) => s.Resource)).toEqual([
      { 'Fn::GetAtt': ['GitHubDispatchDestination', 'Arn'] }
    ])
    expect(statements(props(role).AssumeRolePolicyDocument)).toEqual([
      expect.objectContaining({
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sts:AssumeRole'
      })
    ])
  })
})

describe('examples/aws/iam-key-sentinel.yml: notification topic', () => {
  it('encrypts the topic with a customer managed key, not the AWS managed alias/aws/sns', () => {
    const key = target(props('NotificationTopic').KmsMasterKeyId)
    expect(resource(key).Type).toBe('AWS::KMS::Key')
    expect(props(key).EnableKeyRotation).toBe(true)
  })

  it('lets the audit, remediation, rotation and hub roles, and only them, use the key through SNS', () => {
    const key = target(props('NotificationTopic').KmsMasterKeyId)
    const grant = statements(props(key).KeyPolicy).find(
      (s) => s.Principal && isObj(s.Principal) && s.Principal.AWS === '*'
    )
    expect(grant?.Condition?.StringEquals).toEqual({
      'kms:CallerAccount': { Ref: 'AWS::AccountId' },
      'kms:ViaService': { 'Fn::Sub': 'sns.${AWS::Region}.amazonaws.com' }
    })
    const principals = asArray(grant?.Condition?.ArnEquals?.['aws:PrincipalArn']).map((v) =>
      render(v)
    )
    // The hub role publishes the organization audit's digest.
    const roleArns = ['AuditRole', 'RemediationRole', 'RotationRole', 'HubRole'].map(
      (r) => `arn:aws:iam::123456789012:role/${String(props(r).RoleName)}`
    )
    expect(principals.sort()).toEqual(roleArns.sort())
  })

  it("lets CloudWatch use the key for this account's alarms only, EventBridge as SNS documents", () => {
    const key = target(props('NotificationTopic').KmsMasterKeyId)
    const grant = (service: string) =>
      statements(props(key).KeyPolicy).filter(
        (s) => JSON.stringify(s.Principal) === JSON.stringify({ Service: service })
      )
    expect(grant('cloudwatch.amazonaws.com')).toEqual([
      expect.objectContaining({
        Action: ['kms:GenerateDataKey*', 'kms:Decrypt'],
        Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } }
      })
    ])
    // SNS documents that EventBridge's KMS request carries no aws:Source* key; the topic
    // policy pins EventBridge to the rule instead (next test).
    expect(grant('events.amazonaws.com')).toEqual([
      expect.objectContaining({ Action: ['kms:GenerateDataKey*', 'kms:Decrypt'] })
    ])
    expect(grant('events.amazonaws.com')[0]?.Condition).toBeUndefined()
  })

  it('denies publishing without TLS and lets EventBridge publish only from the rule', () => {
    const policy = props('NotificationTopicPolicy')
    expect(policy.Topics).toEqual([{ Ref: 'NotificationTopic' }])
    const all = statements(
      resolve(template, policy.PolicyDocument, { GitHubDispatchToken: 'github_pat_x' })
    )
    expect(all).toContainEqual(
      expect.objectContaining({
        Effect: 'Deny',
        Principal: '*',
        Action: 'sns:Publish',
        Condition: { Bool: { 'aws:SecureTransport': 'false' } }
      })
    )
    const events = all.find((s) => JSON.stringify(s.Principal).includes('events.amazonaws.com'))
    expect(events?.Condition).toEqual({
      ArnEquals: { 'aws:SourceArn': '<ExposedAccessKeyRule.Arn>' }
    })
    const alarms = all.find((s) => JSON.stringify(s.Principal).includes('cloudwatch.amazonaws.com'))
    expect(alarms?.Condition).toEqual({ StringEquals: { 'aws:SourceAccount': '123456789012' } })
    // Without the event path, only the TLS deny is left.
    const bare = statements(resolve(template, policy.PolicyDocument))
    expect(bare.map((s) => s.Effect)).toEqual(['Deny'])
  })

  it('creates the event path only with a dispatch token and the remediation role', () => {
    expect(template.Conditions.HasEventPath).toEqual({
      'Fn::And': [
        { Condition: 'ShouldCreateRemediationRole' },
        { 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'GitHubDispatchToken' }, ''] }] }
      ]
    })
    expect(template.Parameters.GitHubDispatchToken?.Default).toBe('')
    const eventPath = Object.entries(template.Resources)
      .filter(([, r]) => r.Condition === 'HasEventPath')
      .map(([name]) => name)
    expect(eventPath.sort()).toEqual(
      [
        'DeliveryDeadLetterAlarm',
        'DeliveryDeadLetterQueue',
        'DeliveryDeadLetterQueuePolicy',
        'ExposedAccessKeyRule',
        'GitHubDispatchConnection',
        'GitHubDispatchDestination',
        'GitHubDispatchInvokeRole',
        'GitHubDispatchTokenSecret'
      ].sort()
    )
  })

  it('subscribes the e-mail address only when one is given', () => {
    const [subscription] = ofType('AWS::SNS::Subscription')
    expect(resource(String(subscription)).Condition).toBe('HasNotificationEmail')
    expect(template.Conditions.HasNotificationEmail).toEqual({
      'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'NotificationEmail' }, ''] }]
    })
    expect(props(String(subscription))).toEqual({
      TopicArn: { Ref: 'NotificationTopic' },
      Protocol: 'email',
      Endpoint: { Ref: 'NotificationEmail' }
    })
  })
})

describe('examples/aws/iam-key-sentinel.yml: event path to repository_dispatch', () => {
  it('matches the AWS Health and the Trusted Advisor sample events', () => {
    expect(matches(rule.EventPattern, healthEvent)).toBe(true)
    expect(matches(rule.EventPattern, trustedAdvisorEvent)).toBe(true)
  })

  it.each(HEALTH_RISK_CODES.map((code) => [code]))(
    'matches the AWS Health %s event the action answers',
    (code) => {
      expect(matches(rule.EventPattern, withValue(healthEvent, 'detail.eventTypeCode', code))).toBe(
        true
      )
    }
  )

  it.each([
    [
      'another Health event type',
      withValue(healthEvent, 'detail.eventTypeCode', 'AWS_EC2_MAINTENANCE_SCHEDULED')
    ],
    ['a Health event from another source', withValue(healthEvent, 'source', 'aws.ec2')],
    ['a Trusted Advisor warning', withValue(trustedAdvisorEvent, 'detail.status', 'WARN')],
    [
      'another Trusted Advisor check',
      withValue(trustedAdvisorEvent, 'detail.check-name', 'IAM Use')
    ],
    [
      'the seed mock event source',
      withValue(trustedAdvisorEvent, 'source', 'awsmock.trustedadvisor')
    ],
    [
      'a PutEvents entry (detail still a JSON string)',
      withValue(trustedAdvisorEvent, 'detail', JSON.stringify(trustedAdvisorEvent.detail))
    ]
  ])('does not match %s', (_, event) => {
    expect(matches(rule.EventPattern, event)).toBe(false)
  })

  it('has a pattern matcher that rejects what it cannot evaluate', () => {
    expect(matches({ a: ['x'], b: { c: ['y', 'z'] } }, { a: 'x', b: { c: 'z' } })).toBe(true)
    expect(matches({ a: ['x'] }, { a: ['w', 'x'] })).toBe(true)
    expect(matches({ a: ['x'] }, { b: 'x' })).toBe(false)
    expect(() => matches({ a: [{ prefix: 'x' }] }, { a: 'xy' })).toThrow('unsupported filter')
    expect(() => matches({ a: 'x' }, { a: 'x' })).toThrow('pattern values')
  })

  it.each(
    SAMPLE_PATHS.map((path, i): [string, DispatchSample] => [path, samples[i] as DispatchSample])
  )('sends %s as the repository_dispatch body, within GitHub limits', (_, sample) => {
    const transformer = dispatchTarget.InputTransformer as { InputTemplate: string }
    const body = JSON.parse(transform(transformer, sample.client_payload)) as Obj
    expect(Object.keys(body).sort()).toEqual(['client_payload', 'event_type'])
    expect(body.event_type).toBe('aws-exposed-access-key')
    expect(String(body.event_type).length).toBeLessThanOrEqual(100)
    expect(body.client_payload).toEqual(sample.client_payload)
    expect(Object.keys(body.client_payload as Obj).length).toBeLessThanOrEqual(10)
    expect(body).toEqual(sample)
  })

  it('has an input transformer model that fails on unknown variables', () => {
    expect(() => transform({ InputTemplate: '{"a": <nope>}' }, healthEvent)).toThrow('<nope>')
    expect(transform({ InputTemplate: '{"a": <aws.events.event>}' }, healthEvent)).not.toContain(
      'AWS_RISK_CREDENTIALS_EXPOSED'
    )
  })

  it('posts to the repository dispatches endpoint with a bearer token from Secrets Manager', () => {
    const destination = props('GitHubDispatchDestination')
    expect(destination.HttpMethod).toBe('POST')
    expect(render(destination.InvocationEndpoint)).toBe(
      'https://api.github.com/repos/acme/security/dispatches'
    )
    expect(destination.InvocationRateLimitPerSecond).toBeGreaterThanOrEqual(1)
    expect(destination.InvocationRateLimitPerSecond).toBeLessThanOrEqual(5)

    const connection = props(target(destination.ConnectionArn, 'Arn'))
    expect(connection.AuthorizationType).toBe('API_KEY')
    const auth = connection.AuthParameters as {
      ApiKeyAuthParameters: { ApiKeyName: string; ApiKeyValue: Json }
    }
    expect(auth.ApiKeyAuthParameters.ApiKeyName).toBe('Authorization')
    const value = (auth.ApiKeyAuthParameters.ApiKeyValue as { 'Fn::Sub': string })['Fn::Sub']
    const secret = /^Bearer \{\{resolve:secretsmanager:\$\{(\w+)\}:SecretString\}\}$/.exec(
      value
    )?.[1]
    expect(resource(String(secret)).Type).toBe('AWS::SecretsManager::Secret')
    expect(props(String(secret)).SecretString).toEqual({ Ref: 'GitHubDispatchToken' })
    expect(templateText).not.toMatch(/github_pat_[A-Za-z0-9]/)
  })

  it('retries, then dead-letters what it cannot deliver to a queue EventBridge may write to', () => {
    for (const t of targets) {
      expect(Object.keys(t).filter((k) => !TARGET_KEYS.includes(k))).toEqual([])
      const retry = t.RetryPolicy as {
        MaximumEventAgeInSeconds: number
        MaximumRetryAttempts: number
      }
      expect(retry.MaximumEventAgeInSeconds).toBeGreaterThanOrEqual(60)
      expect(retry.MaximumEventAgeInSeconds).toBeLessThanOrEqual(86400)
      expect(retry.MaximumRetryAttempts).toBeGreaterThanOrEqual(1)
      expect(retry.MaximumRetryAttempts).toBeLessThanOrEqual(185)
    }
    const queue = target((dispatchTarget.DeadLetterConfig as Obj).Arn, 'Arn')
    expect(resource(queue).Type).toBe('AWS::SQS::Queue')
    const [policy] = ofType('AWS::SQS::QueuePolicy')
    expect(props(String(policy)).Queues).toEqual([{ Ref: queue }])
    expect(statements(props(String(policy)).PolicyDocument)).toContainEqual(
      expect.objectContaining({
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: { 'Fn::GetAtt': [queue, 'Arn'] },
        Condition: {
          ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': ['ExposedAccessKeyRule', 'Arn'] } }
        }
      })
    )
  })

  it('dispatches the event type the event workflow listens to', () => {
    const on = workflow('exposed-key-event.yml').on as { repository_dispatch: { types: string[] } }
    const body = JSON.parse(
      transform(dispatchTarget.InputTransformer as { InputTemplate: string }, healthEvent)
    ) as Obj
    expect(on.repository_dispatch.types).toEqual([body.event_type])
  })

  it.each([
    ['aws-health', healthEvent, 'AKIAIOSFODNN7EXAMPLE'],
    ['trusted-advisor', trustedAdvisorEvent, 'AKIAI44QH8DHBEXAMPLE']
  ])('delivers a %s body the action reads the exposed key from', (source, event, key) => {
    const transformer = dispatchTarget.InputTransformer as { InputTemplate: string }
    const parsed = parseExposureEvent(JSON.parse(transform(transformer, event)))
    expect(parsed?.source).toBe(source)
    expect(parsed?.keys.map((k) => k.accessKeyId)).toEqual([key])
  })
})

describe('examples/workflows', () => {
  it('holds the audit, preflight, revoke-key and exposed-key-event workflows', () => {
    expect(workflowFiles.sort()).toEqual([
      'audit.yml',
      'exposed-key-event.yml',
      'organization-audit.yml',
      'preflight.yml',
      'revoke-key.yml',
      'rotate-keys.yml',
      'secret-scanning.yml'
    ])
  })

  it.each(workflowFiles)('%s grants only the permissions it needs, never write-all', (file) => {
    const w = workflow(file)
    expect(isObj(w.permissions)).toBe(true)
    expect(w.permissions).toEqual({ contents: 'read', 'id-token': 'write', issues: 'write' })
    for (const [name, job] of Object.entries(w.jobs))
      if (job.permissions !== undefined) {
        expect([name, isObj(job.permissions)]).toEqual([name, true])
        const writes = Object.entries(job.permissions as Obj).filter(([, v]) => v === 'write')
        expect(writes.map(([k]) => k).filter((k) => !['id-token', 'issues'].includes(k))).toEqual(
          []
        )
      }
  })

  it.each(workflowFiles)('%s pins every action to a full commit SHA', (file) => {
    const uses = [
      ...steps(workflow(file)).map((s) => s.uses),
      ...Object.values(workflow(file).jobs).map((j) => j.uses)
    ].filter((u): u is string => u !== undefined)
    expect(uses.length).toBeGreaterThan(0)
    for (const u of uses) expect(u).toMatch(/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/)
    const lines = readFileSync(join(WORKFLOW_DIR, file), 'utf8')
      .split('\n')
      .filter((l) => /^\s*(- )?uses:/.test(l))
    expect(lines).toHaveLength(uses.length)
    for (const l of lines) expect(l).toMatch(/@[0-9a-f]{40} # v\d/)
  })

  it.each(workflowFiles)('%s never runs two jobs on the same thing at once', (file) => {
    const c = workflow(file).concurrency
    expect(c?.group).toEqual(expect.any(String))
    expect(c?.['cancel-in-progress']).toBe(false)
  })

  it.each(workflowFiles)(
    '%s passes only inputs the action declares, and no expression to a shell',
    (file) => {
      for (const key of Object.keys(sentinelStep(file).with))
        expect([key, actionInputs]).toEqual([key, expect.arrayContaining([key])])
      for (const s of steps(workflow(file))) if (s.run) expect(s.run).not.toContain('${{')
    }
  )

  it('audit.yml runs on weekdays and by hand, with the audit role, and uploads the report', () => {
    const w = workflow('audit.yml')
    const schedule = w.on.schedule as { cron: string }[]
    expect(schedule[0]?.cron.split(' ')[4]).toBe('1-5')
    expect(w.on).toHaveProperty('workflow_dispatch')
    expect(w.concurrency?.group).not.toContain('${{')
    const step = sentinelStep('audit.yml')
    expect(step.with['role-to-assume']).toBe('${{ vars.IAM_KEY_SENTINEL_AUDIT_ROLE_ARN }}')
    expect(step.with.action ?? 'report').toBe('report')
    // A job environment would change the OIDC subject and the audit role would refuse it.
    for (const job of Object.values(w.jobs)) expect(environmentOf(job)).toBeUndefined()
    const upload = steps(w).find((s) => s.uses?.startsWith('actions/upload-artifact@'))
    expect(upload?.uses).toBe('actions/upload-artifact@bbbca2ddaa5d8feaa63e36b76fdaad77386f024f')
    expect(upload?.with?.path).toBe(`\${{ steps.${step.id}.outputs.report-path }}`)
  })

  it('preflight.yml checks each role as its own workflow runs it, changing nothing', () => {
    const w = workflow('preflight.yml')
    expect(w.on).toHaveProperty('workflow_dispatch')
    const withs = Object.values(w.jobs).flatMap((j) =>
      (j.steps ?? []).filter((s) => s.uses?.startsWith('acme/iam-key-sentinel@'))
    )
    expect(withs.map((s) => s.with?.mode)).toEqual(['check', 'check'])
    const [audit, remediation] = withs.map((s) => s.with ?? {})
    expect(audit).toMatchObject({
      'role-to-assume': sentinelStep('audit.yml').with['role-to-assume'],
      action: 'report'
    })
    expect(remediation).toMatchObject({
      'role-to-assume': sentinelStep('revoke-key.yml').with['role-to-assume'],
      'revoke-sessions': true
    })
    // The remediation role trusts jobs of its environment only, the audit role none.
    expect(Object.values(w.jobs).map((j) => environmentOf(j))).toEqual([
      undefined,
      'iam-key-remediation'
    ])
  })

  it('revoke-key.yml asks for the key and the action, and revokes with the remediation role', () => {
    const w = workflow('revoke-key.yml')
    const inputs = (w.on.workflow_dispatch as { inputs: Record<string, Obj> }).inputs
    expect(inputs['revoke-access-key-ids']).toMatchObject({ required: true, type: 'string' })
    expect(String(inputs['revoke-access-key-ids']?.description).length).toBeGreaterThan(10)
    expect(inputs.action).toMatchObject({
      type: 'choice',
      options: ['deactivate', 'delete'],
      default: 'deactivate'
    })
    expect(sentinelStep('revoke-key.yml').with).toMatchObject({
      mode: 'revoke',
      'revoke-access-key-ids': '${{ inputs.revoke-access-key-ids }}',
      action: '${{ inputs.action }}',
      'revoke-sessions': true,
      'role-to-assume': '${{ vars.IAM_KEY_SENTINEL_REMEDIATION_ROLE_ARN }}',
      'sns-topic-arn': '${{ vars.IAM_KEY_SENTINEL_TOPIC_ARN }}'
    })
    expect(w.concurrency?.group).toContain('${{ inputs.revoke-access-key-ids }}')
  })

  it('exposed-key-event.yml revokes the keys of the event with the remediation role', () => {
    expect(sentinelStep('exposed-key-event.yml').with).toMatchObject({
      mode: 'auto',
      'revoke-sessions': true,
      'role-to-assume': '${{ vars.IAM_KEY_SENTINEL_REMEDIATION_ROLE_ARN }}',
      'sns-topic-arn': '${{ vars.IAM_KEY_SENTINEL_TOPIC_ARN }}'
    })
    // A dispatch that is not an exposure event makes `auto` fall back to an audit of the whole
    // account, where an explicit deactivate or delete would act on every overdue key.
    expect(sentinelStep('exposed-key-event.yml').with.action ?? '').toBe('')
    const group = String(workflow('exposed-key-event.yml').concurrency?.group)
    expect(group).toContain('detail.affectedEntities[0].entityValue')
    expect(group).toContain("detail['check-item-detail']['Access Key ID']")
  })

  it('serializes a manual and an automatic revocation of the same key', () => {
    const prefix = (file: string) => String(workflow(file).concurrency?.group).split('${{')[0]
    expect(prefix('revoke-key.yml')).toBe(prefix('exposed-key-event.yml'))
    expect(prefix('revoke-key.yml')).not.toBe(workflow('audit.yml').concurrency?.group)
  })

  it('secret-scanning.yml reads the alerts with its own token and revokes with the remediation role', () => {
    const w = workflow('secret-scanning.yml')
    expect(w.on).toHaveProperty('schedule')
    expect(sentinelStep('secret-scanning.yml').with).toMatchObject({
      mode: 'secret-scanning',
      'secret-scanning-token': '${{ secrets.IAM_KEY_SENTINEL_SECRET_SCANNING_TOKEN }}',
      'revoke-sessions': true,
      'role-to-assume': '${{ vars.IAM_KEY_SENTINEL_REMEDIATION_ROLE_ARN }}'
    })
    expect(sentinelStep('secret-scanning.yml').with.action ?? '').toBe('')
  })

  it.each(['revoke-key.yml', 'exposed-key-event.yml', 'secret-scanning.yml'])(
    '%s runs in the environment the remediation role trusts',
    (file) => {
      const environments = Object.values(workflow(file).jobs).map(environmentOf)
      expect(environments).toEqual([template.Parameters.RemediationEnvironment?.Default])
    }
  )
})

// cfn-lint is a pip package, neither Debian's nor npm's: it runs where it is installed (the GitHub
// CI workflow installs it and sets CFN_LINT_REQUIRED=1, so there a missing cfn-lint fails), and is
// skipped, saying so, elsewhere.
const cfnLint = spawnSync('cfn-lint', ['--version'], { encoding: 'utf8' })
const cfnLintPresent = cfnLint.status === 0
const CFN_LINT_REQUIRED = process.env.CFN_LINT_REQUIRED === '1'
if (!cfnLintPresent && !CFN_LINT_REQUIRED)
  console.warn(
    'cfn-lint is not installed: the templates are not linted here (pip install cfn-lint)'
  )

describe('cfn-lint', () => {
  it('is installed where CI requires it', () => {
    expect({ required: CFN_LINT_REQUIRED, present: cfnLintPresent || !CFN_LINT_REQUIRED }).toEqual({
      required: CFN_LINT_REQUIRED,
      present: true
    })
  })
  ;(cfnLintPresent ? it : it.skip)('finds nothing in examples/aws/*.yml', () => {
    const templates = readdirSync('examples/aws')
      .filter((f) => f.endsWith('.yml'))
      .map((f) => join('examples/aws', f))
    expect(templates.length).toBeGreaterThanOrEqual(3)
    const run = spawnSync('cfn-lint', templates, { encoding: 'utf8' })
    expect({ status: run.status, output: run.stdout + run.stderr }).toEqual({
      status: 0,
      output: ''
    })
  })
})

describe('examples/README.md, the deployment guide', () => {
  const guide = readFileSync('examples/README.md', 'utf8')
  const files = (dir: string): string[] =>
    readdirSync(join('examples', dir), { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)]
    )

  it.each(files('').filter((f) => f !== 'README.md'))('names and links %s', (file) => {
    expect(guide).toContain(`[\`${file}\`](${file})`)
  })

  it('says how to find the IDs of the immutable OIDC subject', () => {
    expect(guide).toContain("gh api repos/acme/security --jq '.owner.id, .id'")
    for (const p of ['GitHubOrgId', 'GitHubRepoId']) {
      expect(guide).toContain(p)
      expect(template.Parameters[p]).toBeDefined()
    }
  })
})

describe("examples/README.md's deploy command", () => {
  const guide = readFileSync('examples/README.md', 'utf8')
  const block =
    /aws cloudformation deploy[^`]*--parameter-overrides([^`]*)```/.exec(guide)?.[1] ?? ''
  const overrides = Object.fromEntries(
    [...block.matchAll(/^\s+(\w+)=(\S+?)\s*\\?$/gm)].map((m) => [m[1] as string, m[2] as string])
  )

  it('sets only parameters the stack declares, each as its pattern allows', () => {
    expect(Object.keys(overrides).length).toBeGreaterThan(5)
    for (const [name, value] of Object.entries(overrides)) {
      const p = template.Parameters[name]
      expect([name, p]).toEqual([name, expect.any(Object)])
      // "$GITHUB_DISPATCH_TOKEN" is the token read into the shell just before.
      const sample = value.startsWith('"$') ? 'github_pat_' + 'x'.repeat(30) : value
      if (typeof p?.AllowedPattern === 'string')
        expect([name, new RegExp(p.AllowedPattern).test(sample)]).toEqual([name, true])
      if (Array.isArray(p?.AllowedValues))
        expect([name, p.AllowedValues.includes(sample)]).toEqual([name, true])
    }
  })

  it('renders the immutable audit subject from them', () => {
    const parameters = { ...overrides, GitHubDispatchToken: 'github_pat_x' }
    const trust = statements(props('AuditRole').AssumeRolePolicyDocument)[0]
    const resolved = resolve(template, trust, parameters) as Obj
    expect(
      trusts(resolved, githubToken('repo:acme@1234567/security@7654321:ref:refs/heads/main'))
    ).toBe(true)
  })
})
