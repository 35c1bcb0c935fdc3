// The secret-scanning section of the job summary: each alert with its outcome, GitHub's values
// escaped, and the other accounts' keys grouped by account.
import { describe, expect, it } from '@jest/globals'
import { otherAccountKeys, type AlertResult } from '../../../src/domain/secret-scanning.js'
import { renderSecretScanningMarkdown } from '../../../src/render/secret-scanning.js'

const RUN = 'https://github.com/acme/security/actions/runs/1'
const alert = (over: Partial<AlertResult>): AlertResult => ({
  number: 1,
  repository: 'acme/security',
  htmlUrl: 'https://github.com/acme/security/security/secret-scanning/1',
  secretType: 'aws_access_key_id',
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  accountId: '111122223333',
  outcome: 'resolved',
  ...over
})

const other = (accountId: string, accessKeyId: string) =>
  alert({ outcome: 'other-account', accountId, accessKeyId })

describe('otherAccountKeys', () => {
  it('groups the other accounts’ keys by account, each key once, as a matrix', () => {
    const results = [
      other('999999999999', 'AKIAB000000000000002'),
      other('444455556666', 'AKIAB000000000000001'),
      other('999999999999', 'AKIAB000000000000002'),
      other('999999999999', 'AKIAA000000000000003'),
      alert({ outcome: 'resolved' })
    ]
    expect(otherAccountKeys(results)).toEqual({
      include: [
        { 'account-id': '444455556666', 'access-key-ids': 'AKIAB000000000000001' },
        {
          'account-id': '999999999999',
          'access-key-ids': 'AKIAA000000000000003,AKIAB000000000000002'
        }
      ]
    })
  })
})

describe('renderSecretScanningMarkdown', () => {
  const view = { accountId: '111122223333', scope: 'acme/security', dryRun: false }

  it('lists each alert with a link, escapes GitHub’s values and flags what needs a person', () => {
    const results = [
      alert({}),
      alert({
        number: 2,
        repository: 'acme/<b>|x',
        htmlUrl: 'javascript:alert(1)',
        outcome: 'left-open',
        detail: 'AccessDenied | @secops'
      })
    ]
    const md = renderSecretScanningMarkdown(
      { ...view, results, others: otherAccountKeys(results) },
      RUN
    )
    expect(md).toContain(
      '[acme/security#1](https://github.com/acme/security/security/secret-scanning/1)'
    )
    expect(md).toContain('✅ resolved as revoked')
    expect(md).not.toContain('javascript:')
    expect(md).not.toContain('<b>')
    expect(md).not.toContain('@secops')
    expect(md).toContain('Manual inspection and intervention required')
    expect(md).not.toContain('Keys of other accounts')
  })

  it('says when there is nothing to do, and when the alerts could not be read', () => {
    const none = otherAccountKeys([])
    expect(renderSecretScanningMarkdown({ ...view, results: [], others: none }, RUN)).toContain(
      'No open alert: nothing to do.'
    )
    expect(
      renderSecretScanningMarkdown({ ...view, results: [], others: none, error: 'HTTP 403' }, RUN)
    ).toContain('The alerts could not be read')
  })
})
