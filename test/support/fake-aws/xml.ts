/**
 * A tiny XML writer for the AWS Query protocol answers the fake sends. Values are plain objects
 * (structures), `XmlList` (`<member>` lists), `XmlMap` (`<entry><key/><value/></entry>` maps) and
 * scalars; `undefined` members are left out, as AWS leaves out absent optional members.
 */

/** A structure: element name → value. */
export interface XmlFields {
  [name: string]: XmlValue
}

export type XmlValue = string | number | boolean | Date | undefined | XmlList | XmlMap | XmlFields

/** An AWS Query list: each item wrapped in `<member>` (or another member name). */
export class XmlList {
  constructor(
    readonly items: readonly XmlValue[],
    readonly memberName = 'member'
  ) {}
}

/** An AWS Query map: `<entry><key>k</key><value>v</value></entry>` per pair. */
export class XmlMap {
  constructor(readonly entries: Readonly<Record<string, string>>) {}
}

export const xmlList = (items: readonly XmlValue[]): XmlList => new XmlList(items)
export const xmlMap = (entries: Readonly<Record<string, string>>): XmlMap => new XmlMap(entries)

/**
 * Escapes text for element content and attribute values. Non-ASCII stays raw UTF-8 on purpose:
 * the SDK's own parser decodes numeric references with String.fromCharCode, which mangles
 * anything above U+FFFF (emoji). CR must be a reference because the parser turns raw CR into LF;
 * other C0 controls are not legal XML, so they travel as references the SDK still decodes.
 */
function escapeXml(text: string): string {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  return text.replace(/[&<>"'\r\x00-\x08\x0b\x0c\x0e-\x1f]/g, escapeChar)
}

const NAMED_ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;'
}

function escapeChar(ch: string): string {
  return NAMED_ENTITIES[ch] ?? `&#x${ch.charCodeAt(0).toString(16).toUpperCase()};`
}

/** ISO 8601 to the second, the way IAM, STS and SNS write timestamps: 2026-01-02T03:04:05Z. */
function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z')
}

/** Renders `<name>value</name>`; an undefined value renders nothing. */
function element(name: string, value: XmlValue): string {
  if (value === undefined) return ''
  return `<${name}>${content(value)}</${name}>`
}

/** Renders the members of a structure in insertion order. */
export function fields(value: XmlFields): string {
  return Object.entries(value)
    .map(([name, member]) => element(name, member))
    .join('')
}

function content(value: Exclude<XmlValue, undefined>): string {
  if (value instanceof XmlList) return value.items.map((i) => element(value.memberName, i)).join('')
  if (value instanceof XmlMap) return mapEntries(value)
  if (value instanceof Date) return isoSeconds(value)
  if (typeof value === 'object') return fields(value)
  return escapeXml(String(value))
}

function mapEntries(map: XmlMap): string {
  return Object.entries(map.entries)
    .map(([key, value]) => `<entry>${element('key', key)}${element('value', value)}</entry>`)
    .join('')
}

/** The root element with its namespace, as every AWS Query answer starts. */
export function rootElement(name: string, namespace: string, inner: string): string {
  return `<${name} xmlns="${escapeXml(namespace)}">${inner}</${name}>`
}
