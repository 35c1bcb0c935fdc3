// The incident's fixed wording: where the keys came from, the AWS Health dashboard, and what to
// review next. Shared by the summary, the issue and the SNS message.
import type { ExposureEvent } from '../domain/exposure.js'
import { DENY_KEEP_HOURS } from '../domain/session-deny.js'

export const HEALTH_DASHBOARD =
  'https://health.aws.amazon.com/health/home#/account/dashboard/open-issues'

type Source = 'input' | ExposureEvent['source']

const SOURCE_TEXT: Record<Source, string> = {
  input: 'a manual request (revoke-access-key-ids)',
  'aws-health': 'AWS Health',
  'trusted-advisor': 'Trusted Advisor (Exposed Access Keys)',
  'github-secret-scanning': 'GitHub secret scanning'
}

export function sourceText(report: { source: Source; event?: ExposureEvent }): string {
  if (report.source !== 'aws-health') return SOURCE_TEXT[report.source]
  return `AWS Health (${report.event?.eventTypeCode ?? 'AWS_RISK_CREDENTIALS_EXPOSED'})`
}

export const REVIEW_STEPS = [
  'Review the CloudTrail activity of the key and of its user, in every region, for actions you do not recognize: new users, keys, roles or policies, instances, data access.',
  'Give the application that used the key a new one (create a second key, update the application, verify), and make sure the exposed key stays deleted or inactive.',
  'Remove the key from where it was published, including the repository history.',
  `Keep the session-revocation policies (the user's and the roles') for at least ${DENY_KEEP_HOURS} hours, the longest a session minted with the key can live; then, when no legitimate session needs them, remove them with the commands given.`
]
