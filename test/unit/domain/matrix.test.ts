import { describe, expect, it } from '@jest/globals'
import {
  chunkEntries,
  GITHUB_MATRIX_LIMIT,
  parseExpectedAccounts,
  toChunks,
  type MatrixEntry
} from '../../../src/domain/matrix.js'
import type { OrgAccount } from '../../../src/scan/organization.js'
import { selectAccounts } from '../../../src/classify/select-accounts.js'

const id = (n: number): string => String(100000000000 + n)
const entries = (n: number): MatrixEntry[] =>
  Array.from({ length: n }, (_, i) => ({
    'account-id': id(i),
    'account-name': `account ${i}`,
    'role-arn': `arn:aws:iam::${id(i)}:role/iam-key-sentinel-member`
  }))

describe('chunkEntries', () => {
  it.each([
    [1, [1]],
    [256, [256]],
    [257, [129, 128]],
    [300, [150, 150]],
    [512, [256, 256]],
    [513, [171, 171, 171]],
    [1000, [250, 250, 250, 250]],
    [5000, Array(20).fill(250)]
  ])('splits %i accounts into the fewest even chunks of at most 256', (n, sizes) => {
    const chunks = chunkEntries(entries(n), GITHUB_MATRIX_LIMIT)
    expect(chunks.map((c) => c.length)).toEqual(sizes)
    for (const c of chunks) expect(c.length).toBeLessThanOrEqual(GITHUB_MATRIX_LIMIT)
    // Every account exactly once, in order.
    expect(chunks.flat()).toEqual(entries(n))
  })

  it('honours a smaller chunk size and gives nothing for no entries', () => {
    expect(chunkEntries(entries(25), 10).map((c) => c.length)).toEqual([9, 8, 8])
    expect(chunkEntries([], 256)).toEqual([])
    expect(() => chunkEntries(entries(3), 0)).toThrow(RangeError)
  })

  it('numbers the chunks from 1, each a matrix a reusable workflow can take as is', () => {
    const chunks = toChunks(entries(300), 256)
    expect(chunks.map((c) => c.chunk)).toEqual([1, 2])
    expect(chunks[1]?.matrix.include[0]?.['account-id']).toBe(id(150))
  })
})

describe('parseExpectedAccounts', () => {
  const matrix = { include: entries(3) }

  it('reads the matrix output, the chunks output and plain IDs alike', () => {
    const expected = entries(3).map((e) => ({
      accountId: e['account-id'],
      name: e['account-name']
    }))
    expect(parseExpectedAccounts(JSON.stringify(matrix))).toEqual({ accounts: expected })
    expect(parseExpectedAccounts(JSON.stringify({ include: toChunks(entries(3), 2) }))).toEqual({
      accounts: expected
    })
    expect(parseExpectedAccounts(`${id(1)},\n ${id(2)}, ${id(1)}`)).toEqual({
      accounts: [{ accountId: id(1) }, { accountId: id(2) }]
    })
    expect(parseExpectedAccounts('  ')).toEqual({ accounts: [] })
  })

  it.each([
    ['{"include": [', 'not valid JSON'],
    ['{"matrix": []}', 'no "include" array'],
    ['{"include": [{"account-id": "12345"}]}', 'include[0] has no 12-digit "account-id"'],
    ['123456789012, 42', "'42' is not a 12-digit account ID"]
  ])('says what is wrong with %s', (text, problem) => {
    const result = parseExpectedAccounts(text)
    expect('problem' in result && result.problem).toContain(problem)
  })
})

describe('selectAccounts', () => {
  const org = (n: number, state = 'ACTIVE', partition = 'aws'): OrgAccount => ({
    id: id(n),
    name: `account ${n}`,
    state,
    partition
  })

  it('keeps the active accounts, sorted, with the member role in their partition', () => {
    const selection = selectAccounts(
      [
        org(3),
        org(1, 'SUSPENDED'),
        org(2, 'ACTIVE', 'aws-us-gov'),
        org(0),
        org(4, 'PENDING_CLOSURE')
      ],
      { excludeAccounts: [id(0), '999999999999'], memberRoleName: 'audit', chunkSize: 256 }
    )
    expect(selection.entries).toEqual([
      {
        'account-id': id(2),
        'account-name': 'account 2',
        'role-arn': `arn:aws-us-gov:iam::${id(2)}:role/audit`
      },
      {
        'account-id': id(3),
        'account-name': 'account 3',
        'role-arn': `arn:aws:iam::${id(3)}:role/audit`
      }
    ])
    expect(selection.skipped.map((s) => [s.account.id, s.reason])).toEqual([
      [id(0), 'excluded'],
      [id(1), 'not active'],
      [id(4), 'not active']
    ])
    expect(selection.unmatchedExcludes).toEqual(['999999999999'])
    expect(selection.chunks).toEqual([{ chunk: 1, matrix: { include: selection.entries } }])
  })

  it('chunks a fleet of 600 accounts at 256 into three matrices of 200', () => {
    const accounts = Array.from({ length: 600 }, (_, i) => org(i))
    const selection = selectAccounts(accounts, {
      excludeAccounts: [],
      memberRoleName: 'audit',
      chunkSize: 256
    })
    expect(selection.chunks.map((c) => c.matrix.include.length)).toEqual([200, 200, 200])
  })
})
