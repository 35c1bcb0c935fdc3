/**
 * A loopback stand-in for the AWS services the action talks to (IAM, STS, SNS, CloudTrail,
 * Organizations), speaking their real wire protocols so the real SDK v3 clients work against it.
 * Point AWS_ENDPOINT_URL (or a client's `endpoint`) at the URL `start()` resolves to. IAM, STS and
 * SNS use the AWS Query protocol (form body in, XML out); CloudTrail and Organizations use JSON 1.1,
 * Security Hub REST-JSON.
 * Requests are routed by the service in the SigV4 credential scope, by X-Amz-Target, or by
 * `Action` when unsigned.
 *
 * The model passed to the constructor is live: handlers read and mutate it, and tests may change
 * it between (or, through `setOnCall`, during) runs. Every call is recorded in `calls`.
 */
import { randomUUID } from 'node:crypto'
import { createServer } from 'node:http'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { authenticate } from './callers.js'
import type { Ctx, Reply, State } from './context.js'
import { AwsError, faultError } from './errors.js'
import { jsonHandler, queryHandler } from './handlers.js'
import { findUser } from './iam-users.js'
import { isJsonService, jsonErrorReply, jsonReply } from './json-protocol.js'
import { queryErrorReply, queryReply } from './query-protocol.js'
import { securityHubFindings } from './security-hub.js'
import { checkRevokedSession, checkSessionPolicy } from './session-policy.js'
import { TokenBucket } from './token-bucket.js'
import type {
  AwsService,
  FakeAccount,
  FakeAwsOptions,
  FakeKey,
  FakeUser,
  Fault,
  FaultRule,
  Gate,
  LagRule,
  PublishedMessage,
  TagLag,
  RecordedCall
} from './types.js'
import { definedOnly, sleep } from './util.js'
import { parseIncoming, readBody, type Incoming } from './wire.js'

function errorReply(service: AwsService, error: AwsError, requestId: string): Reply {
  return isJsonService(service) ? jsonErrorReply(error) : queryErrorReply(service, error, requestId)
}

const READ_ONLY_ACTION = /^(Get|List|Lookup|Describe|AssumeRole)/

function ruleMatches(rule: Omit<FaultRule, 'fault'>, call: RecordedCall): boolean {
  return (
    (rule.service === undefined || rule.service === call.service) &&
    (rule.action === undefined || rule.action === call.action) &&
    (rule.match === undefined || rule.match(call))
  )
}

/** One write of a tag under a TagLag: its value after (undefined: removed), by whom, when. */
interface TagVersion {
  value?: string
  writer?: string
  at: number
}

interface ActiveFault extends FaultRule {
  left: number
}

export class FakeAws {
  readonly calls: RecordedCall[] = []
  readonly published: PublishedMessage[] = []
  /** IAM calls answered Throttling by the `iamRateLimit` bucket. */
  iamThrottled = 0
  private readonly state: State
  private readonly iamBucket?: TokenBucket
  private readonly trailBuckets = new Map<string, TokenBucket>()
  private faults: ActiveFault[] = []
  private lags: (LagRule & { left: number })[] = []
  private stale: { user: FakeUser; keys: FakeKey[]; left: number }[] = []
  private tagLag?: TagLag
  /** Under a TagLag: each tag's versions, the first one what it was before any write. */
  private tagVersions = new Map<FakeUser, Map<string, TagVersion[]>>()
  private gates: {
    rule: Omit<FaultRule, 'fault'>
    left: number
    gate: Promise<void>
    hit: (c: RecordedCall) => void
  }[] = []
  private onCall?: (call: RecordedCall) => void
  private server?: Server

  constructor(
    accounts: FakeAccount | FakeAccount[],
    private readonly options: FakeAwsOptions = {}
  ) {
    const list = Array.isArray(accounts) ? accounts : [accounts]
    if (list.length === 0) throw new Error('FakeAws needs at least one account')
    this.state = {
      accounts: list,
      options: {
        pageSize: options.pageSize ?? 2,
        latencyMs: options.latencyMs ?? 0,
        expectedAudience: options.expectedAudience ?? 'sts.amazonaws.com',
        maxSessionDurationSeconds: options.maxSessionDurationSeconds ?? 3600,
        cloudTrailRetentionDays: options.cloudTrailRetentionDays ?? 90,
        credentialReport: {
          generationMs: options.credentialReport?.generationMs ?? 0,
          reuseMs: options.credentialReport?.reuseMs ?? 0,
          now: options.credentialReport?.now ?? Date.now,
          unquoted: options.credentialReport?.unquoted ?? false,
          generatedAgeMs: options.credentialReport?.generatedAgeMs ?? 0
        },
        organization: options.organization
      },
      sessions: new Map(),
      deletedKeys: new Map(),
      reports: new Map(),
      published: this.published,
      fifoSeen: new Map(),
      nextSequence: 10_000_000_000_000_000_000n
    }
    const limit = options.iamRateLimit
    if (limit) this.iamBucket = new TokenBucket(limit.perSecond, limit.burst ?? limit.perSecond)
  }

  /** Listens on 127.0.0.1 at a random port; resolves to the endpoint URL. */
  async start(): Promise<string> {
    const server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        console.error('FakeAws handler crashed', error)
        res.destroy()
      })
    })
    this.server = server
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  }

  /** Stops listening and drops keep-alive connections so jest can exit. */
  async stop(): Promise<void> {
    const server = this.server
    if (!server) return
    this.server = undefined
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  }

  callsTo(action: string): RecordedCall[] {
    return this.calls.filter((c) => c.action === action)
  }

  /** Every call that might change something, whatever its outcome. */
  mutatingCalls(): RecordedCall[] {
    return this.calls.filter(
      (c) => !READ_ONLY_ACTION.test(c.action) && c.action !== 'GenerateCredentialReport'
    )
  }

  addFault(rule: FaultRule): void {
    this.faults.push({ ...rule, left: rule.times ?? Infinity })
  }

  clearFaults(): void {
    this.faults = []
  }

  /** See LagRule: verification reads that lag behind a write. */
  lagReadsAfter(rule: LagRule): void {
    this.lags.push({ ...rule, left: rule.times ?? 1 })
  }

  /** See TagLag: other callers see tag writes only `ms` later. */
  lagTagReads(lag: TagLag): void {
    this.tagLag = lag
  }

  /**
   * Holds the matched calls (`times`, default 1) without an answer until `release()`, then answers
   * them from the state at that moment: lets a test order two runs deterministically.
   */
  hold(rule: Omit<FaultRule, 'fault'>): Gate {
    let release = (): void => undefined
    let hit = (_: RecordedCall): void => undefined
    let isReached = false
    const gate = new Promise<void>((resolve) => (release = resolve))
    const reached = new Promise<RecordedCall>((resolve) => (hit = resolve))
    this.gates.push({
      rule,
      left: rule.times ?? 1,
      gate,
      hit: (call) => {
        isReached = true
        hit(call)
      }
    })
    return {
      reached,
      get isReached() {
        return isReached
      },
      release: () => release()
    }
  }

  /** The Security Hub findings of an account (the first by default) in a region. */
  securityHubFindings(region: string, accountId?: string): Record<string, unknown>[] {
    return securityHubFindings(this.account(accountId), region)
  }

  /** The live model of an account (the first by default). */
  account(accountId?: string): FakeAccount {
    const account =
      accountId === undefined
        ? this.state.accounts[0]
        : this.state.accounts.find((a) => a.accountId === accountId)
    if (!account) throw new Error(`FakeAws has no account ${accountId ?? ''}`)
    return account
  }

  setOnCall(hook: ((call: RecordedCall) => void) | undefined): void {
    this.onCall = hook
  }

  /** The account and role of credentials the fake issued (AssumeRole*), to check where a call went. */
  sessionOf(
    accessKeyId: string | undefined
  ): { accountId: string; roleArn: string; policyArns: string[] } | undefined {
    const session = accessKeyId === undefined ? undefined : this.state.sessions.get(accessKeyId)
    return (
      session && {
        accountId: session.account.accountId,
        roleArn: session.roleArn,
        policyArns: session.policyArns
      }
    )
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const incoming = parseIncoming(req, await readBody(req))
    const call = this.record(incoming)
    const requestId = randomUUID()
    const hookFailure = this.runOnCall(call)
    const held = this.gates.find((g) => g.left > 0 && ruleMatches(g.rule, call))
    if (held) {
      held.left -= 1
      held.hit(call)
      await held.gate
    }
    const fault = hookFailure ? undefined : this.takeFault(call)
    if (fault && 'reset' in fault) {
      req.socket.destroy()
      return
    }
    if (fault && 'delayMs' in fault) await sleep(fault.delayMs)
    if (fault && 'rawBody' in fault) {
      call.status = fault.status ?? 200
      res.writeHead(call.status, { 'content-type': 'text/xml', 'x-amzn-requestid': requestId })
      res.end(fault.rawBody)
      return
    }
    const injected = hookFailure ?? (fault && 'code' in fault ? faultError(fault) : undefined)
    const reply = injected
      ? errorReply(incoming.service, injected, requestId)
      : this.answerWithLag(incoming, requestId, call)
    if (this.state.options.latencyMs > 0) await sleep(this.state.options.latencyMs)
    call.status = reply.status
    res.writeHead(reply.status, {
      ...reply.headers,
      'content-length': String(Buffer.byteLength(reply.body)),
      'x-amzn-requestid': requestId,
      date: new Date().toUTCString()
    })
    res.end(reply.body)
  }

  private record(incoming: Incoming): RecordedCall {
    const call: RecordedCall = definedOnly({
      service: incoming.service,
      action: incoming.action,
      region: incoming.region,
      params: incoming.params,
      body: incoming.body,
      accessKeyId: incoming.auth?.accessKeyId,
      status: 0,
      at: Date.now()
    })
    this.calls.push(call)
    return call
  }

  /** A throwing hook is a test bug: answer 500 with its message rather than hang up. */
  private runOnCall(call: RecordedCall): AwsError | undefined {
    try {
      this.onCall?.(call)
      return undefined
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error)
      return new AwsError(500, 'InternalFailure', `setOnCall hook threw: ${message}`)
    }
  }

  /** A lagging user's ListAccessKeys answers its keys from before the write (LagRule). */
  private answerWithLag(incoming: Incoming, requestId: string, call: RecordedCall): Reply {
    const name = call.params.UserName
    const userOf = (): FakeUser | undefined =>
      name === undefined
        ? undefined
        : this.state.accounts.map((a) => findUser(a, name)).find((u) => u !== undefined)
    const tagged = this.tagLag && userOf()
    if (tagged && ['TagUser', 'UntagUser', 'ListUserTags'].includes(call.action))
      return this.answerTagsLate(tagged, call, () => this.answer(incoming, requestId))
    if (call.action === 'ListAccessKeys') {
      const user = userOf()
      const stale = this.stale.find((e) => e.user === user && e.left > 0)
      if (user && stale) {
        stale.left -= 1
        const live = user.keys
        user.keys = stale.keys
        try {
          return this.answer(incoming, requestId)
        } finally {
          user.keys = live
        }
      }
    }
    const lag = this.lags.find(
      (l) => l.left > 0 && l.action === call.action && (l.match?.(call) ?? true)
    )
    const user = lag ? userOf() : undefined
    const before = user?.keys.map((k) => ({ ...k }))
    const reply = this.answer(incoming, requestId)
    if (lag && user && before && reply.status === 200) {
      lag.left -= 1
      this.stale.push({ user, keys: before, left: lag.reads })
    }
    return reply
  }

  /** Under a TagLag: writes are logged by caller and time; a read sees what it may see yet. */
  private answerTagsLate(user: FakeUser, call: RecordedCall, answer: () => Reply): Reply {
    const versions = this.tagVersions.get(user) ?? new Map<string, TagVersion[]>()
    this.tagVersions.set(user, versions)
    const before = { ...(user.tags ?? {}) }
    if (call.action !== 'ListUserTags') {
      const reply = answer()
      if (reply.status !== 200) return reply
      const after = user.tags ?? {}
      for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
        if (before[key] === after[key]) continue
        const list: TagVersion[] = versions.get(key) ?? [{ value: before[key], at: 0 }]
        list.push({ value: after[key], writer: call.accessKeyId, at: Date.now() })
        versions.set(key, list)
      }
      return reply
    }
    const ms = this.tagLag?.ms ?? 0
    const shown: Record<string, string> = { ...before }
    for (const [key, list] of versions) {
      const seen = list.filter(
        (v) => v.writer === undefined || v.writer === call.accessKeyId || Date.now() - v.at >= ms
      )
      const value = seen[seen.length - 1]?.value
      if (value === undefined) delete shown[key]
      else shown[key] = value
    }
    user.tags = shown
    try {
      return answer()
    } finally {
      user.tags = before
    }
  }

  /** The first matching rule with uses left applies, and uses one up. */
  private takeFault(call: RecordedCall): Fault | undefined {
    const rule = this.faults.find((f) => f.left > 0 && ruleMatches(f, call))
    if (!rule) return undefined
    rule.left -= 1
    return rule.fault
  }

  /** Authentication, rate limits, then the operation; any failure becomes an error answer. */
  private answer(incoming: Incoming, requestId: string): Reply {
    const { service, action } = incoming
    try {
      if (incoming.parseError) throw incoming.parseError
      const caller = authenticate(this.state, incoming, this.account())
      // sts:GetCallerIdentity needs no permission, so no policy can deny it (AWS documents this).
      if (action !== 'GetCallerIdentity') {
        try {
          checkSessionPolicy(caller, service, action)
        } catch (error) {
          // Security Hub spells IAM's denial AccessDeniedException (its API reference's errors).
          if (service === 'securityhub' && error instanceof AwsError)
            throw new AwsError(403, 'AccessDeniedException', error.message)
          throw error
        }
        checkRevokedSession(caller)
      }
      this.throttle(service, incoming.region)
      const ctx: Ctx = {
        state: this.state,
        action,
        region: incoming.region,
        params: incoming.params,
        json: incoming.json,
        caller
      }
      if (isJsonService(service)) return jsonReply(jsonHandler(incoming)(ctx))
      return queryReply(service, action, queryHandler(service, action)(ctx), requestId)
    } catch (error) {
      if (error instanceof AwsError) return errorReply(service, error, requestId)
      const message = error instanceof Error ? error.message : String(error)
      return errorReply(service, new AwsError(500, 'InternalFailure', message), requestId)
    }
  }

  private throttle(service: AwsService, region: string): void {
    if (service === 'iam' && this.iamBucket && !this.iamBucket.take()) {
      this.iamThrottled++
      throw new AwsError(400, 'Throttling', 'Rate exceeded')
    }
    const bucket = service === 'cloudtrail' ? this.trailBucket(region) : undefined
    if (bucket && !bucket.take()) throw new AwsError(400, 'ThrottlingException', 'Rate exceeded')
  }

  /** CloudTrail's LookupEvents limit applies per region. */
  private trailBucket(region: string): TokenBucket | undefined {
    const limit = this.options.cloudTrailRateLimit
    if (!limit) return undefined
    let bucket = this.trailBuckets.get(region)
    if (!bucket) {
      bucket = new TokenBucket(limit.perSecond, limit.perSecond)
      this.trailBuckets.set(region, bucket)
    }
    return bucket
  }
}
