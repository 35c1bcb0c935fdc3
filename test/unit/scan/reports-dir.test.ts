import { describe, expect, it } from '@jest/globals'
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { readReportsDirectory } from '../../../src/scan/reports-dir.js'

describe('readReportsDirectory', () => {
  it('reads the JSON files under it, however deep, and follows no symbolic link', async () => {
    const root = mkdtempSync(join(tmpdir(), 'reports-dir-'))
    const dir = join(root, 'reports')
    const outside = join(root, 'outside')
    mkdirSync(join(dir, 'iam-key-report-1'), { recursive: true })
    mkdirSync(outside)
    writeFileSync(join(dir, 'iam-key-report-1', 'a.json'), '{}')
    writeFileSync(join(outside, 'b.json'), '{}')
    symlinkSync(join(outside, 'b.json'), join(dir, 'linked.json'))
    symlinkSync(outside, join(dir, 'linked-dir'))
    const read = await readReportsDirectory(dir)
    expect(read.exists).toBe(true)
    expect(read.files.map((f) => f.path)).toEqual([join(dir, 'iam-key-report-1', 'a.json')])
  })
})
