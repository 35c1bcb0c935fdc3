// Just enough IAM for the act stage's tests, behind aws-sdk-client-mock: keys, user tags and
// inline policies that the writes change and the reads see, failures injected per command, and
// IAM's eventual consistency (ListAccessKeys answering the state before a write for a while).
import {
  DeleteAccessKeyCommand,
  GetAccessKeyLastUsedCommand,
  GetUserPolicyCommand,
  IAMClient,
  IAMServiceException,
  ListAccessKeysCommand,
  ListUserTagsCommand,
  NoSuchEntityException,
  PutUserPolicyCommand,
  TagUserCommand,
  UntagUserCommand,
  UpdateAccessKeyCommand
} from '@aws-sdk/client-iam'
import type { AwsStub } from 'aws-sdk-client-mock'
import type { Log } from '../../../src/kit/log.js'

export interface FakeKey {
  AccessKeyId: string
  Status: 'Active' | 'Inactive'
  CreateDate?: Date
}

interface FakeUser {
  keys: FakeKey[]
  tags: Map<string, string>
  policies: Map<string, string>
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type IamMock = AwsStub<any, any, any>

/** The fields of the commands answered here, as the act stage always sends them. */
interface Input {
  UserName: string
  AccessKeyId: string
  Status: 'Active' | 'Inactive'
  Marker?: string
  Tags: { Key: string; Value: string }[]
  TagKeys: string[]
  PolicyName: string
  PolicyDocument: string
}

export function noSuchEntity(message = 'The user cannot be found.'): Error {
  return new NoSuchEntityException({ message, $metadata: {} })
}

/** What the SDK throws once its own retries of a throttled request are used up. */
export function throttled(): Error {
  return new IAMServiceException({
    name: 'Throttling',
    $fault: 'client',
    $metadata: { httpStatusCode: 400 },
    message: 'Rate exceeded'
  })
}

export class FakeIam {
  readonly users = new Map<string, FakeUser>()
  /** Errors the next calls of a command throw, by command name, in order. */
  readonly failures = new Map<string, unknown[]>()
  /** After each key write, this many ListAccessKeys of the user still answer the keys before it. */
  lag = 0
  /** Keys per ListAccessKeys page. */
  pageSize = 100
  /** Runs before each ListAccessKeys is answered: another run or a person acting in between. */
  beforeList?: (userName: string, call: number) => void
  /** Runs after each TagUser is applied: another run's write landing just after ours. */
  afterTag?: () => void
  private stale = new Map<string, { keys: FakeKey[]; reads: number }>()
  private lists = 0

  constructor(readonly mock: IamMock) {
    mock.reset()
    const on = (command: unknown, name: string, fn: (input: Input) => unknown) =>
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      mock.on(command as any).callsFake(async (input: Input) => {
        const error = this.failures.get(name)?.shift()
        if (error) throw error
        return fn(input)
      })
    on(ListAccessKeysCommand, 'ListAccessKeys', (i) => this.listKeys(i.UserName, i.Marker))
    on(UpdateAccessKeyCommand, 'UpdateAccessKey', (i) => {
      const key = this.keyWrite(i.UserName, i.AccessKeyId)
      key.Status = i.Status
      return {}
    })
    on(DeleteAccessKeyCommand, 'DeleteAccessKey', (i) => {
      const user = this.user(i.UserName)
      const key = this.keyWrite(i.UserName, i.AccessKeyId)
      user.keys.splice(user.keys.indexOf(key), 1)
      return {}
    })
    on(GetAccessKeyLastUsedCommand, 'GetAccessKeyLastUsed', (i) => {
      for (const [UserName, user] of this.users) {
        if (user.keys.some((k) => k.AccessKeyId === i.AccessKeyId)) {
          return { UserName, AccessKeyLastUsed: { ServiceName: 'N/A', Region: 'N/A' } }
        }
      }
      throw noSuchEntity(`The Access Key with id ${i.AccessKeyId} cannot be found.`)
    })
    on(ListUserTagsCommand, 'ListUserTags', (i) => ({
      Tags: [...this.user(i.UserName).tags].map(([Key, Value]) => ({ Key, Value })),
      IsTruncated: false
    }))
    on(TagUserCommand, 'TagUser', (i) => {
      for (const t of i.Tags) this.user(i.UserName).tags.set(t.Key, t.Value)
      this.afterTag?.()
      return {}
    })
    on(UntagUserCommand, 'UntagUser', (i) => {
      for (const k of i.TagKeys) this.user(i.UserName).tags.delete(k)
      return {}
    })
    on(PutUserPolicyCommand, 'PutUserPolicy', (i) => {
      this.user(i.UserName).policies.set(i.PolicyName, i.PolicyDocument)
      return {}
    })
    on(GetUserPolicyCommand, 'GetUserPolicy', (i) => {
      const document = this.user(i.UserName).policies.get(i.PolicyName)
      if (document === undefined) throw noSuchEntity('The user policy cannot be found.')
      // IAM answers the document URL-encoded.
      return {
        UserName: i.UserName,
        PolicyName: i.PolicyName,
        PolicyDocument: encodeURIComponent(document)
      }
    })
  }

  addUser(userName: string, keys: FakeKey[] = [], tags: Record<string, string> = {}): this {
    this.users.set(userName, {
      keys: keys.map((k) => ({ ...k })),
      tags: new Map(Object.entries(tags)),
      policies: new Map()
    })
    return this
  }

  /** The next `times` calls of `command` throw `error`. */
  fail(command: string, error: unknown, times = 1): this {
    const queue = this.failures.get(command) ?? []
    for (let i = 0; i < times; i++) queue.push(error)
    this.failures.set(command, queue)
    return this
  }

  key(userName: string, accessKeyId: string): FakeKey | undefined {
    return this.users.get(userName)?.keys.find((k) => k.AccessKeyId === accessKeyId)
  }

  tags(userName: string): Map<string, string> {
    return this.user(userName).tags
  }

  policy(userName: string, policyName: string): string | undefined {
    return this.user(userName).policies.get(policyName)
  }

  /** Command names in the order they were sent. */
  sent(): string[] {
    return this.mock
      .calls()
      .map((c) => (c.args[0] as object).constructor.name.replace(/Command$/, ''))
  }

  private user(userName: string): FakeUser {
    const user = this.users.get(userName)
    if (!user) throw noSuchEntity(`The user with name ${userName} cannot be found.`)
    return user
  }

  private keyWrite(userName: string, accessKeyId: string): FakeKey {
    const user = this.user(userName)
    const key = user.keys.find((k) => k.AccessKeyId === accessKeyId)
    if (!key) throw noSuchEntity(`The Access Key with id ${accessKeyId} cannot be found.`)
    if (this.lag > 0)
      this.stale.set(userName, { keys: user.keys.map((k) => ({ ...k })), reads: this.lag })
    return key
  }

  private listKeys(userName: string, marker: string | undefined) {
    this.beforeList?.(userName, ++this.lists)
    const stale = this.stale.get(userName)
    let keys = this.user(userName).keys
    if (stale && stale.reads > 0) {
      stale.reads--
      keys = stale.keys
    }
    const start = Number(marker ?? 0)
    const page = keys.slice(start, start + this.pageSize)
    const more = start + this.pageSize < keys.length
    return {
      AccessKeyMetadata: page.map((k) => ({ UserName: userName, ...k })),
      IsTruncated: more,
      ...(more ? { Marker: String(start + this.pageSize) } : {})
    }
  }
}

export interface RecordingLog extends Log {
  lines: string[]
}

/** A Log that keeps every line, prefixed with its level. */
export function recordingLog(): RecordingLog {
  const lines: string[] = []
  return {
    lines,
    debug: (m) => lines.push(`debug: ${m}`),
    info: (m) => lines.push(`info: ${m}`),
    warning: (m) => lines.push(`warning: ${m}`),
    error: (m) => lines.push(`error: ${m}`)
  }
}

/** The tests' clock, and when their keys were created. */
export const NOW = new Date('2026-12-01T12:00:00.000Z')
export const CREATED = new Date('2026-01-01T00:00:00.000Z')

/** Settling reads without waiting: the tests count reads, not time. */
export const NO_WAIT = { attempts: 5, baseDelayMs: 250, sleep: async () => undefined }

export const iamClient = (): IAMClient => new IAMClient({ region: 'us-east-1' })
