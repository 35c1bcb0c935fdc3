// The preflight's checklist as the job summary and log lines: the verdict first, every line with
// its mark and fix, values from AWS escaped.
import { describe, expect, it } from '@jest/globals'
import type { CheckLine } from '../../../src/domain/preflight.js'
import { checklistLogLines, renderChecklistMarkdown } from '../../../src/render/checklist.js'

const pass: CheckLine = { id: 'identity', title: 'Sign-in', status: 'pass', detail: 'ok' }
const fail: CheckLine = {
  id: 'permissions',
  title: 'IAM permissions',
  status: 'fail',
  detail: 'iam:ListUserTags is missing <b>@team</b>',
  fix: 'Add "iam:ListUserTags" on arn:aws:iam::1:user/*'
}
const warn: CheckLine = {
  id: 'trust-policy',
  title: 'Trust',
  status: 'warn',
  detail: 'sub has a wildcard',
  fix: 'pin it'
}

describe('renderChecklistMarkdown', () => {
  it('says every check passed, and that nothing was changed', () => {
    const md = renderChecklistMarkdown([pass], '111122223333')
    expect(md).toContain('## IAM Key Sentinel preflight (account 111122223333)')
    expect(md).toContain('Every check passed')
    expect(md).toContain('Nothing was changed in AWS or GitHub.')
    expect(md).toContain('| Sign-in | ✅ pass | ok |  |')
  })

  it('counts the failures first, and escapes what AWS or a user wrote', () => {
    const md = renderChecklistMarkdown([pass, fail, warn])
    expect(md).toContain('**1 required check failed**')
    expect(md).toContain('❌ fail')
    expect(md).toContain('⚠️ warn')
    expect(md).not.toContain('<b>')
    expect(md).not.toContain('@team')
    expect(md).toContain('user/&#42;')
  })

  it('counts warnings when nothing failed', () => {
    expect(renderChecklistMarkdown([pass, warn])).toContain('1 warning below')
  })
})

describe('checklistLogLines', () => {
  it('gives one line per check with its status and fix', () => {
    expect(checklistLogLines([fail, pass])).toEqual([
      {
        status: 'fail',
        text: '[fail] IAM permissions: iam:ListUserTags is missing <b>@team</b> Fix: Add "iam:ListUserTags" on arn:aws:iam::1:user/*'
      },
      { status: 'pass', text: '[pass] Sign-in: ok' }
    ])
  })
})
