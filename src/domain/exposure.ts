// An exposed access key as AWS's exposure events name it, and the event that named it.
export const ACCESS_KEY_ID = /^AKIA[A-Z0-9]{16}$/

export interface ExposedKey {
  accessKeyId: string
  /** Named by Trusted Advisor; AWS Health names only the key. */
  userName?: string
  /** Where the key was found, when the event says. */
  location?: string
}

/** An affected entity that is not an access key ID: a person must find out what it means. */
export interface UnusableEntity {
  /** Where in the event, e.g. detail.affectedEntities[1].entityValue. */
  where: string
  /** The value as the event gives it, or a note in its place when it looks like a secret. */
  value: string
}

export interface ExposureEvent {
  source: 'aws-health' | 'trusted-advisor'
  keys: ExposedKey[]
  /** Entities of the same event that name no access key: reported, never silently dropped. */
  unusable?: UnusableEntity[]
  accountId?: string
  detectedAt?: string
  /** AWS Health's event ARN or Trusted Advisor's case, for the report. */
  reference?: string
}
