// What a handler sees: the server state, the call's parameters and who is calling; and the
// answer it produces.
import type { XmlFields } from './xml.js'
import type {
  CredentialReportOptions,
  FakeAccount,
  FakeOrganization,
  FakeUser,
  PublishedMessage
} from './types.js'

export interface Session {
  accessKeyId: string
  secretAccessKey: string
  sessionToken: string
  expiration: Date
  /** aws:TokenIssueTime of the session. */
  issuedAt: Date
  account: FakeAccount
  roleArn: string
  sessionName: string
  /** The inline session policy (Policy) the session was assumed with. */
  policy?: SessionPolicy
  /** The managed session policies (PolicyArns): recorded, not evaluated. */
  policyArns: string[]
}

export interface Caller {
  account: FakeAccount
  arn: string
  userId: string
  /** Set when the caller signed with a key of a modelled IAM user. */
  user?: FakeUser
  /** Set when the caller signed with credentials the fake issued. */
  session?: Session
}

export interface SessionPolicyStatement {
  effect: 'Allow' | 'Deny'
  actions: RegExp[]
}
export type SessionPolicy = SessionPolicyStatement[]

interface ResolvedOptions {
  pageSize: number
  latencyMs: number
  expectedAudience: string
  maxSessionDurationSeconds: number
  cloudTrailRetentionDays: number
  credentialReport: Required<CredentialReportOptions>
  organization?: FakeOrganization
}

export interface State {
  accounts: FakeAccount[]
  options: ResolvedOptions
  sessions: Map<string, Session>
  /** Deleted access key ID → its account ID, for sts:GetAccessKeyInfo. */
  deletedKeys: Map<string, string>
  reports: Map<string, { csv: string; generatedAt: Date; readyAt: number; announced: boolean }>
  published: PublishedMessage[]
  /** FIFO deduplication: `${topicArn} ${dedupId}` → the first publish within 5 minutes. */
  fifoSeen: Map<string, { messageId: string; sequenceNumber: string; at: number }>
  nextSequence: bigint
}

export interface Ctx {
  state: State
  action: string
  region: string
  params: Record<string, string>
  json: Record<string, unknown>
  caller: Caller
}

export type QueryHandler = (ctx: Ctx) => XmlFields | undefined
export type JsonHandler = (ctx: Ctx) => Record<string, unknown>

export interface Reply {
  status: number
  headers: Record<string, string>
  body: string
}
