// The verification wait: reads again with backoff until IAM shows the expected state, bounded.
import { describe, expect, it } from '@jest/globals'
import { readUntilSettled, VERIFY_SETTLE } from '../../../src/kit/retry.js'

function fakeSleep() {
  const waits: number[] = []
  return { waits, sleep: async (ms: number) => void waits.push(ms) }
}

describe('readUntilSettled', () => {
  it('reads again with doubling waits until the state settles', async () => {
    const answers = ['Active', 'Active', 'Inactive', 'Inactive']
    let reads = 0
    const { waits, sleep } = fakeSleep()
    const result = await readUntilSettled(
      async () => answers[reads++] ?? 'Active',
      (s) => s === 'Inactive',
      { attempts: 5, baseDelayMs: 100, sleep }
    )
    expect(result).toEqual({ value: 'Inactive', reads: 3, settled: true })
    expect(reads).toBe(3)
    expect(waits).toEqual([100, 200])
  })

  it('gives up after the attempts with the last state read, waiting a bounded total', async () => {
    let reads = 0
    const { waits, sleep } = fakeSleep()
    const result = await readUntilSettled(
      async () => (reads++, 'Active'),
      (s) => s === 'Inactive',
      { ...VERIFY_SETTLE, sleep }
    )
    expect(result).toEqual({ value: 'Active', reads: 5, settled: false })
    expect(reads).toBe(5)
    expect(waits).toEqual([250, 500, 1000, 2000])
    expect(waits.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(4000)
  })

  it('does not wait when the first read already shows the state', async () => {
    const { waits, sleep } = fakeSleep()
    const result = await readUntilSettled(
      async () => 'Inactive',
      (s) => s === 'Inactive',
      { attempts: 5, baseDelayMs: 100, sleep }
    )
    expect(result.reads).toBe(1)
    expect(waits).toEqual([])
  })

  it('lets an error of the read through, without reading again', async () => {
    let reads = 0
    const { sleep } = fakeSleep()
    await expect(
      readUntilSettled(
        async () => {
          reads++
          throw new Error('AccessDenied')
        },
        () => true,
        { attempts: 5, baseDelayMs: 100, sleep }
      )
    ).rejects.toThrow('AccessDenied')
    expect(reads).toBe(1)
  })
})
