import { describe, expect, it } from '@jest/globals'
import {
  formatTime,
  renderActivityMarkdown,
  renderActivitySection,
  renderActivityText
} from '../../../src/render/activity.js'
import type { ActivitySummary, TopLists } from '../../../src/domain/activity.js'

const HOSTILE = {
  pipe: 'evil|name',
  code: '`rm -rf /`',
  script: '<script>alert(1)</script>',
  mention: '@octocat',
  link: '[click](https://evil.example)',
  lines: 'line1\nline2\r\n| injected | row |'
}

const emptyTop = (): TopLists => ({
  eventNames: [],
  errorCodes: [],
  sourceIps: [],
  userAgents: [],
  resourceNames: [],
  resourceTypes: [],
  regions: []
})

function summary(extra: Partial<ActivitySummary> = {}): ActivitySummary {
  return {
    accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
    userName: 'alice',
    lookups: [
      { attribute: 'AccessKeyId', value: 'AKIAIOSFODNN7EXAMPLE' },
      { attribute: 'Username', value: 'alice' }
    ],
    window: { start: '2024-05-01T00:00:00.000Z', end: '2024-05-02T00:00:00.000Z', hours: 24 },
    regions: [
      { region: 'us-east-1', status: 'ok', events: 7 },
      {
        region: 'eu-west-1',
        status: 'denied',
        events: 0,
        message:
          'AccessDeniedException: User: arn:aws:sts::123456789012:assumed-role/auditor/run is not authorized to perform: cloudtrail:LookupEvents'
      }
    ],
    totalEvents: 7,
    firstEventTime: '2024-05-01T08:00:00.000Z',
    lastEventTime: '2024-05-01T09:30:00.000Z',
    malformed: 1,
    otherKeyEvents: 2,
    errorEvents: 3,
    truncated: false,
    top: {
      ...emptyTop(),
      eventNames: [
        { value: 'PutBucketPolicy', count: 3 },
        { value: HOSTILE.pipe, count: 2 },
        { value: HOSTILE.script, count: 2 }
      ],
      errorCodes: [{ value: 'AccessDenied', count: 3 }],
      sourceIps: [{ value: '198.51.100.23', count: 7 }],
      userAgents: [
        { value: HOSTILE.code, count: 4 },
        { value: HOSTILE.lines, count: 3 }
      ],
      resourceNames: [
        { value: HOSTILE.mention, count: 1 },
        { value: HOSTILE.link, count: 1 }
      ],
      resourceTypes: [{ value: 'AWS::S3::Bucket', count: 2 }],
      regions: [{ value: 'us-east-1', count: 7 }]
    },
    ...extra
  } as ActivitySummary
}

/** What a reader sees once GitHub has decoded the entities. */
function decoded(markdown: string): string {
  return markdown.replace(/&#(\d+);/g, (_, code: string) => String.fromCodePoint(Number(code)))
}

const tableRows = (markdown: string): string[] => markdown.split('\n')

describe('renderActivityMarkdown', () => {
  const md = renderActivityMarkdown(summary())

  it('is one collapsible block with the key in its summary line', () => {
    expect(md.startsWith('<details>\n<summary>')).toBe(true)
    expect(md.endsWith('\n\n</details>')).toBe(true)
    expect(md.match(/<details>/g)).toHaveLength(1)
    const line = /<summary>(.*)<\/summary>\n\n/.exec(md)?.[1] ?? ''
    expect(line).toContain('AKIAIOSFODNN7EXAMPLE (alice): 7 events')
    expect(line).toContain('3 with errors')
    expect(line).toContain('1 region not read')
  })

  it('has a table per non-empty list, with the counts', () => {
    for (const title of [
      'Event names',
      'Error codes',
      'Source IP addresses',
      'User agents',
      'Resource names',
      'Resource types',
      'Regions'
    ]) {
      expect(md).toContain(`**${title}**`)
    }
    expect(md).toContain('| PutBucketPolicy | 3 |')
    expect(md).toContain('| 198.51.100.23 | 7 |')
  })

  it('escapes every hostile value: no new cells, rows, tags, code, mentions or links', () => {
    const tables = md.split('\n\n').filter((chunk) => chunk.startsWith('|'))
    expect(tables.length).toBe(8)
    for (const rows of tables.map(tableRows)) {
      const columns = (rows[0] ?? '').split('|').length
      for (const row of rows) expect(row.split('|')).toHaveLength(columns)
    }
    expect(md).not.toContain('<script')
    expect(md).not.toContain('`rm')
    expect(md).not.toContain('](')
    expect(md).not.toMatch(/@octocat/)
    expect(md).not.toContain('| injected | row |')
    expect(decoded(md)).toContain('@\u200Boctocat')
    expect(decoded(md)).toContain('evil|name')
    expect(decoded(md)).toContain('line1 line2 | injected | row |')
  })

  it('states a denied region with the permission to grant', () => {
    expect(md).toContain('⛔ denied: AccessDeniedException')
    expect(md).toContain('(grant cloudtrail:LookupEvents to the role the action runs with)')
  })

  it('says what was skipped', () => {
    expect(md).toContain('1 event could not be read (malformed) and was skipped.')
    expect(md).toContain('2 events of this user made with another access key were left out.')
  })

  it('says when max-events cut the lookup short, and where', () => {
    const cut = renderActivityMarkdown(
      summary({
        truncated: true,
        regions: [
          {
            region: 'us-east-1',
            status: 'truncated',
            events: 1000,
            message: 'stopped at max-events (1000)'
          }
        ]
      })
    )
    expect(cut).toContain('stopped at max-events')
    expect(cut).toMatch(
      /\[!WARNING\]\n> Stopped at max-events before the whole window was read in us-east-1/
    )
  })

  it('shows a key without events plainly', () => {
    const quiet = renderActivityMarkdown(
      summary({
        totalEvents: 0,
        firstEventTime: undefined,
        lastEventTime: undefined,
        errorEvents: 0,
        malformed: 0,
        otherKeyEvents: 0,
        regions: [{ region: 'us-east-1', status: 'ok', events: 0 }],
        top: emptyTop()
      })
    )
    expect(quiet).toContain(': 0 events</summary>')
    expect(quiet).toContain('No events in that window.')
    expect(quiet).not.toContain('**Event names**')
  })

  it('escapes the key and user name in the summary line', () => {
    const odd = renderActivityMarkdown(summary({ userName: '<b>@admin</b>' }))
    expect(odd).not.toContain('<b>')
    expect(odd).toContain('&lt;b&gt;@&#8203;admin')
  })
})

describe('renderActivitySection', () => {
  it('is empty without summaries', () => {
    expect(renderActivitySection([])).toBe('')
  })

  it('has the heading, the scope, a region problem said once, and a block per key', () => {
    const second = summary({ accessKeyId: 'AKIASECONDKEY0000000', userName: 'bob' })
    const section = renderActivitySection(
      new Map([
        ['a', summary()],
        ['b', second]
      ]).values()
    )
    expect(section.startsWith('### Key activity (CloudTrail)\n\n')).toBe(true)
    expect(section).toContain(
      'CloudTrail events of 2 keys over the last 24 hours, in us-east-1, eu-west-1.'
    )
    expect(section.match(/> - eu-west-1: ⛔ denied/g)).toHaveLength(1)
    expect(section).toContain('(2 keys)')
    expect(section.match(/<details>/g)).toHaveLength(2)
  })

  it('lists keys with no events and nothing wrong in one line, not a block each', () => {
    const quiet = (id: string, userName: string) =>
      summary({
        accessKeyId: id,
        userName,
        regions: [{ region: 'us-east-1', status: 'ok', events: 0 }],
        totalEvents: 0,
        firstEventTime: undefined,
        lastEventTime: undefined,
        errorEvents: 0,
        malformed: 0,
        otherKeyEvents: 0,
        top: emptyTop()
      } as Partial<ActivitySummary>)
    const section = renderActivitySection([
      summary(),
      quiet('AKIAQUIETONE00000001', 'bob'),
      quiet('AKIAQUIETTWO00000002', '@team')
    ])
    expect(section).toContain(
      'No events for 2 keys: AKIAQUIETONE00000001 (bob), AKIAQUIETTWO00000002 (@&#8203;team).'
    )
    expect(section.match(/<details>/g)).toHaveLength(1)
  })

  it('fits a section of exactly its budget, and leaves the last key out one byte below it', () => {
    const three = ['1', '2', '3'].map((n) => summary({ accessKeyId: `AKIA${n.padStart(16, '0')}` }))
    const full = renderActivitySection(three, Number.MAX_SAFE_INTEGER)
    expect(renderActivitySection(three, Buffer.byteLength(full))).toBe(full)
    const cut = renderActivitySection(three, Buffer.byteLength(full) - 1)
    expect(cut.match(/<details>/g)).toHaveLength(2)
    expect(cut).toContain('_1 more key not shown here')
    expect(cut).not.toContain('AKIA0000000000000003')
  })

  it('stays within its byte budget and says how many keys it left out', () => {
    const many = Array.from({ length: 40 }, (_, i) =>
      summary({ accessKeyId: `AKIA${String(i).padStart(16, '0')}` })
    )
    const section = renderActivitySection(many, 20_000)
    expect(Buffer.byteLength(section)).toBeLessThanOrEqual(20_000 + 300)
    const shown = section.match(/<details>/g)?.length ?? 0
    expect(shown).toBeGreaterThan(0)
    expect(shown).toBeLessThan(40)
    expect(section).toContain(`_${40 - shown} more keys not shown here`)
  })
})

describe('renderActivityText', () => {
  const text = renderActivityText(summary())

  it('is plain text: no Markdown, no HTML block, no control characters', () => {
    expect(text).not.toContain('<details>')
    expect(text).not.toContain('**')
    expect(text).not.toMatch(/^\|/m)
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f]/) // eslint-disable-line no-control-regex
    expect(text).not.toContain('line1\nline2')
  })

  it('carries the same facts as the Markdown', () => {
    expect(text).toContain('CloudTrail activity of access key AKIAIOSFODNN7EXAMPLE (user alice)')
    expect(text).toContain(
      'Looked up by access key ID AKIAIOSFODNN7EXAMPLE and user name alice over 24 hours'
    )
    expect(text).toContain(
      'Events: 7 events; first 2024-05-01 08:00:00 UTC, last 2024-05-01 09:30:00 UTC; 3 with errors'
    )
    expect(text).toContain('eu-west-1 DENIED (0 events): AccessDeniedException')
    expect(text).toContain(
      'Event names: PutBucketPolicy (3), evil|name (2), <script>alert(1)</script> (2)'
    )
    expect(text).toContain('Error codes: AccessDenied (3)')
  })

  it('notes truncation', () => {
    const cut = renderActivityText(
      summary({
        truncated: true,
        regions: [{ region: 'us-east-1', status: 'truncated', events: 10, message: 'cap' }]
      })
    )
    expect(cut).toContain('NOTE: stopped at max-events')
  })
})

describe('formatTime', () => {
  it('reads like a log line', () => {
    expect(formatTime('2024-05-01T08:00:00.000Z')).toBe('2024-05-01 08:00:00 UTC')
    expect(formatTime('2024-05-01T08:00:00Z')).toBe('2024-05-01 08:00:00 UTC')
  })
})
