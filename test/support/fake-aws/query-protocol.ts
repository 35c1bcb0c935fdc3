// The AWS Query protocol of IAM, STS and SNS: form parameters in (required members, integers,
// `.member.N` lists, `.entry.N` maps), XML envelopes and errors out.
import type { Ctx, Reply } from './context.js'
import { constraintError, type AwsError } from './errors.js'
import type { AwsService } from './types.js'
import { lowerFirst } from './util.js'
import { fields, rootElement } from './xml.js'
import type { XmlFields } from './xml.js'

export function required(ctx: Ctx, name: string): string {
  const value = ctx.params[name]
  if (value === undefined) throw constraintError(lowerFirst(name), null, 'Member must not be null')
  return value
}

export function optionalInt(ctx: Ctx, name: string, min: number, max: number): number | undefined {
  const raw = ctx.params[name]
  if (raw === undefined) return undefined
  const value = Number(raw)
  const member = lowerFirst(name)
  if (!Number.isInteger(value)) throw constraintError(member, raw, 'Member must be an integer')
  if (value < min) {
    throw constraintError(member, raw, `Member must have value greater than or equal to ${min}`)
  }
  if (value > max) {
    throw constraintError(member, raw, `Member must have value less than or equal to ${max}`)
  }
  return value
}

/** `Prefix.member.N` scalars, in order. */
export function scalarList(params: Record<string, string>, prefix: string): string[] {
  const items: string[] = []
  for (let i = 1; params[`${prefix}.member.${i}`] !== undefined; i++) {
    items.push(params[`${prefix}.member.${i}`] ?? '')
  }
  return items
}

/** `Prefix.member.N.Field` structures, in order. */
export function structList(
  params: Record<string, string>,
  prefix: string
): Record<string, string>[] {
  const items: Record<string, string>[] = []
  for (let i = 1; ; i++) {
    const start = `${prefix}.member.${i}.`
    const entries = Object.entries(params).filter(([k]) => k.startsWith(start))
    if (entries.length === 0) return items
    items.push(Object.fromEntries(entries.map(([k, v]) => [k.slice(start.length), v])))
  }
}

/** `Prefix.entry.N.Name` / `Prefix.entry.N.Value.Field` maps (SNS message attributes). */
export function entryMap(
  params: Record<string, string>,
  prefix: string
): Record<string, Record<string, string>> {
  const map: Record<string, Record<string, string>> = {}
  for (let i = 1; params[`${prefix}.entry.${i}.Name`] !== undefined; i++) {
    const valuePrefix = `${prefix}.entry.${i}.Value.`
    const value = Object.entries(params).filter(([k]) => k.startsWith(valuePrefix))
    map[params[`${prefix}.entry.${i}.Name`] ?? ''] = Object.fromEntries(
      value.map(([k, v]) => [k.slice(valuePrefix.length), v])
    )
  }
  return map
}

const NAMESPACES: Record<AwsService, string> = {
  iam: 'https://iam.amazonaws.com/doc/2010-05-08/',
  sts: 'https://sts.amazonaws.com/doc/2011-06-15/',
  sns: 'http://sns.amazonaws.com/doc/2010-03-31/',
  cloudtrail: 'http://cloudtrail.amazonaws.com/doc/2013-11-01/',
  organizations: 'http://organizations.amazonaws.com/doc/2016-11-28/',
  secretsmanager: 'http://secretsmanager.amazonaws.com/doc/2017-10-17/',
  securityhub: 'http://securityhub.amazonaws.com/doc/2018-10-26/'
}

/** `<ActionResponse><ActionResult>…</ActionResult><ResponseMetadata>…</ResponseMetadata>`. */
export function queryReply(
  service: AwsService,
  action: string,
  result: XmlFields | undefined,
  requestId: string
): Reply {
  const resultXml =
    result === undefined ? '' : `<${action}Result>${fields(result)}</${action}Result>`
  const metadata = fields({ ResponseMetadata: { RequestId: requestId } })
  const body = rootElement(`${action}Response`, NAMESPACES[service], resultXml + metadata)
  return { status: 200, headers: { 'content-type': 'text/xml' }, body }
}

export function queryErrorReply(service: AwsService, error: AwsError, requestId: string): Reply {
  const type = error.status >= 500 ? 'Receiver' : 'Sender'
  const inner = fields({
    Error: { Type: type, Code: error.code, Message: error.message },
    RequestId: requestId
  })
  const body = rootElement('ErrorResponse', NAMESPACES[service], inner)
  return { status: error.status, headers: { 'content-type': 'text/xml' }, body }
}
