// A cancelled job (SIGTERM mid-remediation, as the runner sends on cancel or timeout): each change
// is logged the moment it is verified, no new change starts, and the summary, outputs and JSON
// report list exactly the changes made.
import { afterEach, describe, expect, it } from '@jest/globals'
import { keyStatus, readReport, startFakes, type Fakes } from '../support/harness.js'
import { SAMPLE_TOPIC_ARN, SAMPLE_OFFENDERS } from '../support/sample-account.js'

const OFFENDERS = SAMPLE_OFFENDERS

let fakes: Fakes
afterEach(() => fakes.stop())

describe('a cancelled job', () => {
  it('SIGTERM during the third change: it finishes, nothing more starts, the record is complete', async () => {
    fakes = await startFakes()
    // The third deactivation is held until the action has taken the signal in.
    const gate = fakes.aws.hold({
      action: 'UpdateAccessKey',
      match: () => fakes.aws.callsTo('UpdateAccessKey').length === 3
    })
    const result = await fakes.run(
      { action: 'deactivate', 'sns-topic-arn': SAMPLE_TOPIC_ARN, 'activity-for': 'changed' },
      {
        terminateWhen: () => gate.isReached,
        onStdout: (log) => {
          if (log.includes('Received SIGTERM')) gate.release()
        }
      }
    )

    const written = fakes.aws.callsTo('UpdateAccessKey').map((c) => c.params.AccessKeyId)
    expect(written).toEqual(OFFENDERS.slice(0, 3))
    const changed = OFFENDERS.filter((id) => keyStatus(fakes.aws.account(), id) === 'Inactive')
    expect(changed).toEqual(OFFENDERS.slice(0, 3))

    // Each change was logged the moment it was verified, the first two before the signal.
    const log = result.stdout
    const signalAt = log.indexOf('Received SIGTERM')
    expect(signalAt).toBeGreaterThan(-1)
    for (const id of OFFENDERS.slice(0, 2)) {
      const at = log.indexOf(`${id} deactivated at`)
      expect(at).toBeGreaterThan(-1)
      expect(at).toBeLessThan(signalAt)
    }
    expect(log).toMatch(
      new RegExp(
        `Changed: \\w+ ${OFFENDERS[2]} deactivated at .* \\(verified\\)\\. Undo: aws iam update-access-key`
      )
    )

    // Outputs and report: exactly the three changes made, the other two not started.
    const changes = JSON.parse(result.outputs.changes ?? '[]') as {
      accessKeyId: string
      result: string
      undo?: string
    }[]
    expect(changes.map((c) => [c.accessKeyId, c.result])).toEqual([
      ...OFFENDERS.slice(0, 3).map((id) => [id, 'applied']),
      ...OFFENDERS.slice(3).map((id) => [id, 'cancelled'])
    ])
    expect(changes.filter((c) => c.undo).map((c) => c.accessKeyId)).toEqual(OFFENDERS.slice(0, 3))
    expect(result.outputs['deactivated-count']).toBe('3')
    expect((await readReport(result)).remediation?.changes).toEqual(changes)

    // Summary: the cancel, the three applied with their undo, the two not started.
    expect(result.summary).toContain('The job was cancelled (SIGTERM)')
    expect(result.summary.match(/✅ applied/g)).toHaveLength(3)
    expect(result.summary.match(/⏹️ not started \(cancelled\)/g)).toHaveLength(2)
    for (const id of OFFENDERS.slice(0, 3))
      expect(result.summary).toContain(`--access-key-id ${id} --status Active`)

    // The slow channels were skipped to write this in time, and the step failed.
    expect(fakes.aws.callsTo('Publish')).toEqual([])
    expect(fakes.aws.callsTo('LookupEvents')).toEqual([])
    expect(result.code).toBe(1)
    expect(log).toMatch(
      /::error::The job was cancelled \(SIGTERM\): 3 of 5 planned changes were attempted/
    )
  })
})

describe('a cancelled incident run', () => {
  it('finishes the revocation under way, reports the key it did not reach, and still notifies', async () => {
    fakes = await startFakes()
    const gate = fakes.aws.hold({ action: 'UpdateAccessKey' })
    const result = await fakes.run(
      {
        'revoke-access-key-ids': 'AKIASAMPLEALICE00001,AKIASAMPLEBOBOLD0001',
        'sns-topic-arn': SAMPLE_TOPIC_ARN
      },
      {
        eventName: 'workflow_dispatch',
        terminateWhen: () => gate.isReached,
        onStdout: (log) => {
          if (log.includes('Received SIGTERM')) gate.release()
        }
      }
    )
    expect(fakes.aws.callsTo('UpdateAccessKey').map((c) => c.params.AccessKeyId)).toEqual([
      'AKIASAMPLEALICE00001'
    ])
    expect(keyStatus(fakes.aws.account(), 'AKIASAMPLEBOBOLD0001')).toBe('Active')
    const incident = JSON.parse(result.outputs.incident ?? '[]') as {
      accessKeyId: string
      outcome: string
      error?: string
    }[]
    expect(incident.map((k) => [k.accessKeyId, k.outcome])).toEqual([
      ['AKIASAMPLEALICE00001', 'revoked'],
      ['AKIASAMPLEBOBOLD0001', 'failed']
    ])
    expect(incident[1]?.error).toContain('Not attempted: the job was cancelled (SIGTERM)')
    expect(result.summary).toContain('**Manual inspection and intervention required** for 1 key')
    expect(fakes.aws.published[0]?.subject).toBe(
      'IAM Key Sentinel incident: 1 exposed key NEEDS MANUAL INTERVENTION, 1 deactivated in 111122223333'
    )
    expect(result.code).toBe(1)
  })
})
