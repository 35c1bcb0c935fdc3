import { beforeEach, describe, expect, it } from '@jest/globals'
import {
  GetAccessKeyLastUsedCommand,
  IAMClient,
  ListAccessKeysCommand,
  ListUsersCommand,
  ListUserTagsCommand
} from '@aws-sdk/client-iam'
import { mockClient } from 'aws-sdk-client-mock'
import { toLastUse } from '../../../src/aws/iam-read.js'
import { scanAccessKeys } from '../../../src/scan/api-walk.js'
import { readUserTags } from '../../../src/scan/user-details.js'

const iamMock = mockClient(IAMClient)
const iam = new IAMClient({ region: 'us-east-1' })
const created = new Date('2026-01-01T00:00:00Z')

function accessDenied(): Error {
  return Object.assign(new Error('not allowed'), { name: 'AccessDenied', $metadata: {} })
}

beforeEach(() => {
  iamMock.reset()
})

describe('scanAccessKeys', () => {
  it('follows every page of users and of keys and reads each key once', async () => {
    iamMock
      .on(ListUsersCommand, { Marker: undefined })
      .resolves({ Users: [user('a'), user('b')], IsTruncated: true, Marker: 'm1' })
      .on(ListUsersCommand, { Marker: 'm1' })
      .resolves({ Users: [user('c')], IsTruncated: false })
    iamMock
      .on(ListAccessKeysCommand, { UserName: 'a', Marker: undefined })
      .resolves({ AccessKeyMetadata: [meta('a', 'AKIAA1')], IsTruncated: true, Marker: 'k1' })
      .on(ListAccessKeysCommand, { UserName: 'a', Marker: 'k1' })
      .resolves({ AccessKeyMetadata: [meta('a', 'AKIAA2', 'Inactive')], IsTruncated: false })
      .on(ListAccessKeysCommand, { UserName: 'b' })
      .resolves({ AccessKeyMetadata: [] })
      .on(ListAccessKeysCommand, { UserName: 'c' })
      .resolves({ AccessKeyMetadata: [meta('c', 'AKIAC1')] })
    iamMock.on(GetAccessKeyLastUsedCommand).resolves({
      AccessKeyLastUsed: { LastUsedDate: created, ServiceName: 's3', Region: 'eu-west-1' }
    })

    const result = await scanAccessKeys(iam, 2)

    expect(result.userCount).toBe(3)
    expect(result.errors).toEqual([])
    expect(result.keys.map((k) => [k.userName, k.accessKeyId, k.status])).toEqual([
      ['a', 'AKIAA1', 'Active'],
      ['a', 'AKIAA2', 'Inactive'],
      ['c', 'AKIAC1', 'Active']
    ])
    expect(iamMock.commandCalls(GetAccessKeyLastUsedCommand)).toHaveLength(3)
    expect(result.keys[0]?.lastUse).toEqual({
      kind: 'used',
      date: created,
      serviceName: 's3',
      region: 'eu-west-1'
    })
  })

  it('records a failure on one user and keeps the keys of the others', async () => {
    iamMock.on(ListUsersCommand).resolves({ Users: [user('a'), user('b'), user('gone')] })
    iamMock
      .on(ListAccessKeysCommand, { UserName: 'a' })
      .rejects(accessDenied())
      .on(ListAccessKeysCommand, { UserName: 'b' })
      .resolves({ AccessKeyMetadata: [meta('b', 'AKIAB1'), meta('b', 'AKIAB2')] })
      .on(ListAccessKeysCommand, { UserName: 'gone' })
      .rejects(Object.assign(new Error('no user'), { name: 'NoSuchEntity', $metadata: {} }))
    iamMock
      .on(GetAccessKeyLastUsedCommand, { AccessKeyId: 'AKIAB1' })
      .rejects(accessDenied())
      .on(GetAccessKeyLastUsedCommand, { AccessKeyId: 'AKIAB2' })
      .resolves({ AccessKeyLastUsed: { ServiceName: 'N/A', Region: 'N/A' } })

    const result = await scanAccessKeys(iam, 4)

    expect(result.keys.map((k) => [k.accessKeyId, k.lastUse.kind])).toEqual([
      ['AKIAB1', 'unknown'],
      ['AKIAB2', 'never']
    ])
    expect(result.errors).toEqual([
      { scope: 'a', operation: 'iam:ListAccessKeys', message: 'AccessDenied: not allowed' },
      {
        scope: 'b AKIAB1',
        operation: 'iam:GetAccessKeyLastUsed',
        message: 'AccessDenied: not allowed'
      }
    ])
  })

  it('fails the scan with the permission to grant when users cannot be listed', async () => {
    iamMock.on(ListUsersCommand).rejects(accessDenied())
    await expect(scanAccessKeys(iam, 1)).rejects.toMatchObject({
      message: expect.stringContaining('Listing IAM users (iam:ListUsers) failed'),
      hint: expect.stringContaining('Grant iam:ListUsers')
    })
  })
})

describe('toLastUse', () => {
  it('treats the N/A answer without a date as never used', () => {
    expect(toLastUse({ ServiceName: 'N/A', Region: 'N/A' })).toEqual({ kind: 'never' })
    expect(toLastUse(undefined)).toEqual({ kind: 'never' })
  })
})

describe('readUserTags', () => {
  it('reads every page of tags and records a denial without losing the other users', async () => {
    iamMock
      .on(ListUserTagsCommand, { UserName: 'a', Marker: undefined })
      .resolves({ Tags: [{ Key: 'team', Value: 'x' }], IsTruncated: true, Marker: 't' })
      .on(ListUserTagsCommand, { UserName: 'a', Marker: 't' })
      .resolves({ Tags: [{ Key: 'exempt', Value: '' }] })
      .on(ListUserTagsCommand, { UserName: 'b' })
      .rejects(accessDenied())
    const { tags, errors } = await readUserTags(iam, ['a', 'b'], 2)
    expect([...(tags.get('a') ?? [])]).toEqual([
      ['team', 'x'],
      ['exempt', '']
    ])
    expect(tags.has('b')).toBe(false)
    expect(errors).toEqual([expect.objectContaining({ scope: 'b', operation: 'iam:ListUserTags' })])
  })
})

function user(name: string) {
  return {
    UserName: name,
    UserId: name,
    Arn: `arn:aws:iam::1:user/${name}`,
    Path: '/',
    CreateDate: created
  }
}

function meta(userName: string, id: string, status: 'Active' | 'Inactive' = 'Active') {
  return { UserName: userName, AccessKeyId: id, Status: status, CreateDate: created }
}
