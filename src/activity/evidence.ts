// Reads an incident key's events for what the counts do not say: the calls that leave a door
// open, the roles it reached with sts:AssumeRole, the temporary keys it minted (to look up in
// turn) and the IAM user its events name. Fed one counted event at a time by the accumulator.
import {
  MAX_PERSISTENCE_CALLS,
  persistenceDoor,
  type AssumedRole,
  type KeyEvidence,
  type PersistenceCall
} from '../domain/evidence.js'

type JsonRecord = Record<string, unknown>

const isRecord = (value: unknown): value is JsonRecord =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

const str = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value.slice(0, 512) : undefined

/** The calls whose response hands out temporary credentials signed for by the caller. */
const MINTING_CALLS = new Set(['AssumeRole', 'GetSessionToken', 'GetFederationToken'])

/** Request fields that name what a persistence call was aimed at, and how to say each. */
const TARGET_FIELDS: readonly (readonly [string, string])[] = [
  ['userName', 'user'],
  ['roleName', 'role'],
  ['groupName', 'group'],
  ['policyArn', 'policy'],
  ['policyName', 'inline policy'],
  ['virtualMFADeviceName', 'MFA device'],
  ['serialNumber', 'MFA device'],
  ['serviceName', 'service'],
  ['url', 'provider'],
  ['name', 'provider'],
  ['sAMLProviderArn', 'provider']
]

/** A temporary key minted by a call, and which call. */
export interface MintedKey {
  accessKeyId: string
  via: string
}

export class EvidenceCollector {
  private readonly persistence: PersistenceCall[] = []
  private readonly roles = new Map<string, AssumedRole>()
  private readonly minted = new Map<string, MintedKey>()
  private readonly userNames = new Set<string>()

  add(record: JsonRecord, eventId: string, time: number, keyId: string | undefined): void {
    const eventName = str(record.eventName) ?? ''
    const eventSource = str(record.eventSource) ?? ''
    const errorCode = str(record.errorCode)
    const request = isRecord(record.requestParameters) ? record.requestParameters : {}
    const response = isRecord(record.responseElements) ? record.responseElements : {}
    const identity = isRecord(record.userIdentity) ? record.userIdentity : {}
    const userName = identity.type === 'IAMUser' ? str(identity.userName) : undefined
    if (userName) this.userNames.add(userName)
    const eventTime = new Date(time).toISOString()

    if (eventSource === 'sts.amazonaws.com' && MINTING_CALLS.has(eventName) && !errorCode) {
      const credentials = isRecord(response.credentials) ? response.credentials : {}
      const minted = str(credentials.accessKeyId)
      if (minted?.startsWith('ASIA') && !this.minted.has(minted)) {
        this.minted.set(minted, { accessKeyId: minted, via: eventName })
      }
    }
    if (eventSource === 'sts.amazonaws.com' && eventName === 'AssumeRole') {
      const roleArn = str(request.roleArn)
      if (roleArn) this.assumed(roleArn, errorCode === undefined, eventTime)
    }
    if (persistenceDoor(eventSource, eventName)) {
      const accessKey = isRecord(response.accessKey) ? response.accessKey : {}
      const created = eventName === 'CreateAccessKey' ? str(accessKey.accessKeyId) : undefined
      const targets = TARGET_FIELDS.flatMap(([field, label]) => {
        const value = str(request[field])
        return value ? [`${label} ${value}`] : []
      })
      this.persistence.push({
        eventId,
        eventName,
        eventTime,
        ...(str(record.awsRegion) ? { region: str(record.awsRegion) } : {}),
        ...(errorCode ? { errorCode } : {}),
        targets,
        ...(created ? { createdAccessKeyId: created } : {}),
        ...(keyId ? { accessKeyId: keyId } : {}),
        ...(str(record.sourceIPAddress) ? { sourceIp: str(record.sourceIPAddress) } : {})
      })
    }
  }

  /** Temporary keys minted so far, in the order they were found. */
  mintedKeys(): MintedKey[] {
    return [...this.minted.values()]
  }

  result(sessionKeys: readonly string[], notFollowed: number): KeyEvidence {
    // Newest first, ties by event ID: the same events give the same list whatever the order.
    const sorted = [...this.persistence].sort(
      (a, b) =>
        b.eventTime.localeCompare(a.eventTime) ||
        (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0)
    )
    return {
      persistence: sorted.slice(0, MAX_PERSISTENCE_CALLS),
      persistenceOmitted: Math.max(0, sorted.length - MAX_PERSISTENCE_CALLS),
      assumedRoles: [...this.roles.values()].sort((a, b) =>
        a.roleArn < b.roleArn ? -1 : a.roleArn > b.roleArn ? 1 : 0
      ),
      sessionKeys: [...sessionKeys],
      sessionKeysNotFollowed: notFollowed,
      userNames: [...this.userNames].sort()
    }
  }

  private assumed(roleArn: string, succeeded: boolean, eventTime: string): void {
    const role = this.roles.get(roleArn) ?? {
      roleArn,
      succeeded: 0,
      denied: 0,
      lastEventTime: eventTime
    }
    if (succeeded) role.succeeded++
    else role.denied++
    if (eventTime > role.lastEventTime) role.lastEventTime = eventTime
    this.roles.set(roleArn, role)
  }
}
