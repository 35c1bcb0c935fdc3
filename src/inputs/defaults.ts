// Each input's default, as action.yml declares it (a test keeps the two equal).
import { GITHUB_MATRIX_LIMIT } from '../domain/matrix.js'
import { DEFAULT_EXEMPTION_MAX_DAYS } from '../domain/exemptions.js'
import { DEFAULT_RETRY_MAX_ATTEMPTS } from '../domain/settings.js'

/** Defaults used when an input is empty; action.yml declares the same (a test keeps them equal). */
export const DEFAULTS = {
  'aws-region': 'us-east-1',
  audience: 'sts.amazonaws.com',
  'role-duration-seconds': '3600',
  'max-age-days': '90',
  'warn-days': '14',
  'unused-days': '0',
  'exempt-tag': 'iam-key-sentinel-exempt',
  'fail-on': 'overdue',
  concurrency: '8',
  'iam-max-rps': '100',
  mode: 'auto',
  'revoke-sessions': 'true',
  'dry-run': 'false',
  'security-hub': 'false',
  'ocsf-report': 'false',
  'delete-grace-days': '7',
  'max-actions': '10',
  'activity-for': 'changed',
  'lookback-hours': '24',
  'max-events': '1000',
  'scan-method': 'auto',
  'notify-on': 'findings',
  'create-issues': 'true',
  'issue-labels': 'iam-key-rotation',
  'issue-for': 'overdue',
  'owner-tag': 'github',
  'max-new-issues': '20',
  'role-chaining': 'false',
  'member-role-name': 'iam-key-sentinel-member',
  'matrix-chunk-size': String(GITHUB_MATRIX_LIMIT),
  'retry-max-attempts': String(DEFAULT_RETRY_MAX_ATTEMPTS),
  'revoke-role-sessions': 'false',
  'max-role-revocations': '10',
  'exemption-max-days': String(DEFAULT_EXEMPTION_MAX_DAYS),
  'reminder-days': '14,7,1',
  'reminder-every-days': '7',
  'escalate-after-days': '14',
  'secret-scanning-scope': 'repository',
  'rotate-on': 'due-soon',
  'cutover-idle-hours': '24',
  'cutover-timeout-days': '7'
} as const
