import { describe, expect, it } from '@jest/globals'
import { csvRows } from '../../../../src/scan/credential-report/csv.js'
import {
  CredentialReportFormatError,
  readCredentialReport,
  reportDate,
  type ReportUser
} from '../../../../src/scan/credential-report/parse.js'

// AWS's header and rows as GetCredentialReport returns them (values from real reports).
const HEADER =
  'user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,' +
  'password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,' +
  'access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,' +
  'access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,' +
  'access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,' +
  'cert_1_last_rotated,cert_2_active,cert_2_last_rotated'
const ROOT =
  '<root_account>,arn:aws:iam::123456789012:root,2019-01-01T00:00:00+00:00,not_supported,' +
  '2024-05-01T10:00:00+00:00,not_supported,not_supported,true,' +
  'true,2020-02-03T04:05:06+00:00,2024-04-30T09:00:00+00:00,us-east-1,iam,' +
  'false,N/A,N/A,N/A,N/A,false,N/A,false,N/A'
const ALICE =
  'alice,arn:aws:iam::123456789012:user/alice,2021-06-01T12:00:00+00:00,true,no_information,' +
  '2021-06-01T12:00:00+00:00,N/A,false,' +
  'true,2024-01-02T03:04:05+00:00,2024-06-01T00:00:00+00:00,eu-west-1,s3,' +
  'false,2023-01-01T00:00:00+00:00,N/A,N/A,N/A,false,N/A,false,N/A'
const BOB =
  'bob,arn:aws:iam::123456789012:user/ops/bob,2022-01-01T00:00:00+00:00,false,N/A,N/A,N/A,false,' +
  'false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A'
// Inconsistent: active without a creation date, and a used slot without one.
const ODD =
  'odd,arn:aws:iam::123456789012:user/odd,2022-01-01T00:00:00+00:00,false,N/A,N/A,N/A,false,' +
  'true,N/A,N/A,N/A,N/A,false,N/A,2024-01-01T00:00:00+00:00,us-east-1,sts,false,N/A,false,N/A'

const parse = (...lines: string[]): ReportUser[] => [
  ...readCredentialReport(csvRows([lines.join('\n')]))
]

describe('readCredentialReport', () => {
  it('reads the root row apart, with its access key, whatever its not_supported columns say', () => {
    const [root] = parse(HEADER, ROOT)
    expect(root).toEqual({
      userName: '<root_account>',
      isRoot: true,
      keys: [
        {
          slot: 1,
          active: true,
          createDate: new Date('2020-02-03T04:05:06Z'),
          lastUse: {
            kind: 'used',
            date: new Date('2024-04-30T09:00:00Z'),
            serviceName: 'iam',
            region: 'us-east-1'
          }
        }
      ],
      unclear: []
    })
  })

  it('reads used, never used (N/A) and inactive keys, and ignores no_information elsewhere', () => {
    const [alice] = parse(HEADER, ALICE)
    expect(alice?.isRoot).toBe(false)
    expect(alice?.keys).toEqual([
      {
        slot: 1,
        active: true,
        createDate: new Date('2024-01-02T03:04:05Z'),
        lastUse: {
          kind: 'used',
          date: new Date('2024-06-01T00:00:00Z'),
          serviceName: 's3',
          region: 'eu-west-1'
        }
      },
      {
        slot: 2,
        active: false,
        createDate: new Date('2023-01-01T00:00:00Z'),
        lastUse: { kind: 'never' }
      }
    ])
  })

  it('gives a user without keys no slots, and flags slots described without a creation date', () => {
    const [bob, odd] = parse(HEADER, BOB, ODD)
    expect(bob).toMatchObject({ userName: 'bob', keys: [], unclear: [] })
    expect(odd?.keys).toEqual([])
    expect(odd?.unclear.map((s) => [s.slot, s.active, s.lastUse.kind])).toEqual([
      [1, true, 'never'],
      [2, false, 'used']
    ])
  })

  it('finds columns by name, so reordered or added columns change nothing', () => {
    const columns = HEADER.split(',')
    const order = [...columns.keys()].reverse()
    const reorder = (line: string): string => {
      const cells = line.split(',')
      return [...order.map((i) => cells[i]), 'extra'].join(',')
    }
    const header = [...order.map((i) => columns[i]), 'new_column'].join(',')
    expect(parse(header, reorder(ALICE))).toEqual(parse(HEADER, ALICE))
  })

  it('rejects a report without the key columns, or without any row', () => {
    expect(() => parse('user,arn', 'alice,x')).toThrow(CredentialReportFormatError)
    expect(() => parse('user,arn', 'alice,x')).toThrow(/access_key_1_active/)
    expect(() => parse()).toThrow('The credential report is empty.')
  })
})

describe('reportDate', () => {
  it.each(['N/A', 'no_information', 'not_supported', '', 'true', '2024-13-45T00:00:00+00:00'])(
    'is undefined for %p',
    (value) => expect(reportDate(value)).toBeUndefined()
  )
  it('reads ISO 8601 with an offset', () => {
    expect(reportDate('2024-01-02T03:04:05+00:00')).toEqual(new Date('2024-01-02T03:04:05Z'))
  })
})

describe('a user name with a comma (IAM allows +=,.@_-)', () => {
  const row = (quoted: boolean) => {
    const field = (v: string) => (quoted ? `"${v}"` : v)
    const identity = [field('ops,team'), field('arn:aws:iam::123456789012:user/ops,team')]
    return ALICE.replace('alice,arn:aws:iam::123456789012:user/alice', identity.join(','))
  }

  it('quoted (RFC 4180): read as the one user it is', () => {
    const users = parse(HEADER, row(true), BOB)
    expect(users.map((u) => u.userName)).toEqual(['ops,team', 'bob'])
    expect(users[0]?.keys).toHaveLength(2)
  })

  it('unquoted (as moto writes it): never read as another user, and reported as malformed', () => {
    const malformed: string[][] = []
    const unquoted = row(false)
    expect(unquoted.split(',')).toHaveLength(24)
    const users = [
      ...readCredentialReport(csvRows([[HEADER, unquoted, BOB].join('\n')]), (r) =>
        malformed.push(r)
      )
    ]
    expect(users.map((u) => u.userName)).toEqual(['bob'])
    expect(malformed).toHaveLength(1)
    expect(malformed[0]?.slice(0, 2)).toEqual(['ops', 'team'])
  })

  it('a row with too few fields is not trusted either', () => {
    const malformed: string[][] = []
    const short = BOB.split(',').slice(0, 10).join(',')
    const users = [
      ...readCredentialReport(csvRows([[HEADER, short].join('\n')]), (r) => malformed.push(r))
    ]
    expect(users).toEqual([])
    expect(malformed).toHaveLength(1)
  })
})
