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
  source: 'aws-health' | 'trusted-advisor' | 'github-secret-scanning'
  keys: ExposedKey[]
  /** Entities of the same event that name no access key: reported, never silently dropped. */
  unusable?: UnusableEntity[]
  accountId?: string
  detectedAt?: string
  /** AWS Health's event ARN or Trusted Advisor's case, for the report. */
  reference?: string
  /** The AWS Health event type, for the response it calls for. */
  eventTypeCode?: HealthRiskCode
}

/**
 * The AWS Health risk family for leaked keys. Checked: aws/aws-health-tools' responder
 * (automated-actions/AWS_RISK_CREDENTIALS_EXPOSED) matches exactly these five codes with one
 * EventBridge rule (service RISK, category issue) and reads every one the same way, the key in
 * detail.affectedEntities[].entityValue; AWS's documented sample payload is the EXPOSED one.
 * Not verified in AWS's documentation: the payloads of the other four codes (assumed to have
 * the same shape), and whether an IAM_QUARANTINE entity is always a key ID (an entity that is
 * not one is reported for a person, as for any code).
 */
export const HEALTH_RISK_CODES = [
  'AWS_RISK_CREDENTIALS_EXPOSED',
  'AWS_RISK_CREDENTIALS_EXPOSURE_SUSPECTED',
  'AWS_RISK_CREDENTIALS_COMPROMISED',
  'AWS_RISK_CREDENTIALS_COMPROMISE_SUSPECTED',
  'AWS_RISK_IAM_QUARANTINE'
] as const
export type HealthRiskCode = (typeof HEALTH_RISK_CODES)[number]

export function isHealthRiskCode(value: unknown): value is HealthRiskCode {
  return (HEALTH_RISK_CODES as readonly unknown[]).includes(value)
}

/**
 * Every code revokes: a key AWS even suspects is in someone else's hands is worth less than
 * the damage it can do, and deactivation is undone with one command. A *_SUSPECTED code never
 * deletes, though: with `action: delete` it deactivates instead, so a false alarm costs a
 * reactivation, not a key rotation under pressure. IAM_QUARANTINE means AWS has already
 * attached an AWSCompromisedKeyQuarantine policy to the user: the key is revoked per the inputs
 * and the policy is reported and left in place.
 */
export function healthResponse(code: HealthRiskCode): { suspected: boolean; quarantined: boolean } {
  return { suspected: code.endsWith('_SUSPECTED'), quarantined: code === 'AWS_RISK_IAM_QUARANTINE' }
}

/**
 * AWS's managed quarantine policies (AWSCompromisedKeyQuarantine, V2, V3), which AWS attaches
 * to the user of a key it finds exposed and asks never to remove. The action only reads them.
 */
export const QUARANTINE_POLICY =
  /^arn:aws[\w-]*:iam::aws:policy\/AWSCompromisedKeyQuarantine(V\d+)?$/
