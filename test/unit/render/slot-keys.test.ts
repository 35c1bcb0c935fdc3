// Due-soon keys named by slot in the summary and the SNS message: the same name, escaped for the
// channel, where the ID is, the exempt ones with their exemption, the counts of the verdict.
import { describe, expect, it } from '@jest/globals'
import { classifySlot } from '../../../src/domain/classify.js'
import { exemptionInventory } from '../../../src/domain/account-findings.js'
import type { SlotFinding, SlotKey } from '../../../src/domain/key-naming.js'
import type { AuditReport } from '../../../src/domain/report.js'
import { renderSummary } from '../../../src/render/summary.js'
import { renderMessage } from '../../../src/render/sns-message.js'
import { escapeMarkdown } from '../../../src/kit/text/markdown.js'

const NOW = new Date('2026-12-15T12:00:00Z')
const T = { maxAgeDays: 90, warnDays: 14, unusedDays: 45 }
const DAY = 86_400_000

function slotFinding(userName: string, excluded = false): SlotFinding {
  const key: SlotKey = {
    userName,
    slot: 2,
    status: 'Active',
    createDate: new Date(NOW.getTime() - 80 * DAY),
    lastUse: {
      kind: 'used',
      date: new Date(NOW.getTime() - DAY),
      serviceName: 's3',
      region: 'eu-west-1'
    }
  }
  const f = classifySlot(key, NOW, T, excluded ? [{ kind: 'excluded-user', pattern: '*' }] : [])
  if (!f) throw new Error('expected a due-soon key')
  return f
}

function report(keysBySlot: SlotFinding[]): AuditReport {
  const counts = {
    total: keysBySlot.length,
    overdue: 0,
    'due-soon': 0,
    unused: 0,
    inactive: 0,
    ok: 0,
    exempt: 0
  }
  for (const f of keysBySlot) counts[f.class]++
  return {
    tool: 'iam-key-sentinel',
    schemaVersion: 1,
    accountId: '111122223333',
    generatedAt: NOW.toISOString(),
    thresholds: T,
    userCount: keysBySlot.length,
    counts,
    keys: [],
    keysBySlot,
    errors: [],
    exemptions: exemptionInventory(keysBySlot, 365)
  }
}

describe('keys named by slot', () => {
  const evil = 'bob_*[x](http://e)'
  const created = new Date(NOW.getTime() - 80 * DAY).toISOString().slice(0, 10)

  it('the summary lists them under the keys needing action, escaped, with where the IDs are', () => {
    const r = report([slotFinding(evil), slotFinding('carol', true)])
    const md = renderSummary({ ...r, generatedAt: NOW, findings: [], errors: [] })
    expect(md).toContain('### Keys needing action (1 key of 1 user)')
    expect(md).toContain('Every key needing action is due soon and named by slot, below.')
    expect(md).not.toContain('No key needs action')
    expect(md).toContain('### Due soon, named by slot (2 keys)')
    expect(md).toContain(escapeMarkdown(evil, 64))
    expect(md).not.toContain('[x](http://e)')
    expect(md).toContain(`access key 2, created ${created}`)
    expect(md).toContain("The user's access keys in the IAM console show its ID")
    // carol's key is exempt: in the inventory by slot, its ID not read.
    expect(md).toContain('access key 2 (ID not read)')
  })

  it('the SNS message gives each due-soon one a block with its name and where its ID is', () => {
    const r = report([slotFinding('bob'), slotFinding('carol', true)])
    const text = renderMessage({ report: r, event: 'audit', runUrl: 'https://run' })
    expect(text).toContain(`Access key:  access key 2, created ${created} (ID not read)`)
    expect(text).toContain('aws iam list-access-keys --user-name bob')
    expect(text).not.toContain('--user-name carol')
  })
})
