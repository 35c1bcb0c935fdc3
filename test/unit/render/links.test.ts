// Links: the IAM console of each partition, our own issues, and escaping kept around them.
import { describe, expect, it } from '@jest/globals'
import { renderDeliveries } from '../../../src/deliver/deliveries.js'
import { iamKeysUrl, iamUserUrl, issueUrl, partitionOf } from '../../../src/render/links.js'

describe('IAM console links', () => {
  it('follow the partition of the region', () => {
    expect(partitionOf('eu-west-1')).toBe('aws')
    expect(partitionOf('cn-northwest-1')).toBe('aws-cn')
    expect(partitionOf('us-gov-west-1')).toBe('aws-us-gov')
    expect(iamUserUrl('aws', 'alice')).toBe(
      'https://console.aws.amazon.com/iam/home#/users/details/alice'
    )
    expect(iamUserUrl('aws-cn', 'alice')).toBe(
      'https://console.amazonaws.cn/iam/home#/users/details/alice'
    )
    expect(iamKeysUrl('aws-us-gov', 'svc+ci@acme')).toBe(
      'https://console.amazonaws-us-gov.com/iam/home#/users/details/svc%2Bci%40acme?section=security_credentials'
    )
  })

  it('are left out for a name IAM would not allow, so nothing odd reaches a URL', () => {
    expect(iamUserUrl('aws', 'a)b')).toBeUndefined()
    expect(iamUserUrl('aws', 'x y')).toBeUndefined()
    expect(iamKeysUrl('aws', '')).toBeUndefined()
  })
})

describe('issue links', () => {
  it('point at the repository of the run', () => {
    expect(issueUrl('https://github.com/o/r/actions/runs/5/attempts/2', 7)).toBe(
      'https://github.com/o/r/issues/7'
    )
    expect(issueUrl('not a run URL', 7)).toBeUndefined()
  })

  it('link our own issue numbers in the notifications table, and escape the detail', () => {
    const md = renderDeliveries(
      [{ channel: 'GitHub issues', ok: true, detail: '2 opened #9 @team', issues: [3, 4] }],
      'https://github.com/o/r/actions/runs/5'
    )
    expect(md).toContain(
      '2 opened #&#8203;9 @&#8203;team ([#3](https://github.com/o/r/issues/3), [#4](https://github.com/o/r/issues/4))'
    )
  })
})
