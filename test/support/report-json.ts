// Reads a JSON report back into the shapes the renderers take (dates revived).
import type { AuditReport } from '../../src/domain/report.js'

const DATE_FIELDS = new Set(['createDate', 'date'])

export function parseReport(json: string): AuditReport {
  return JSON.parse(json, (key, value: unknown) =>
    DATE_FIELDS.has(key) && typeof value === 'string' ? new Date(value) : value
  ) as AuditReport
}
