// One benchmark run in its own process, so its peak RSS is its own: reads the account behind
// AWS_ENDPOINT_URL with one method and prints one JSON line (see WorkerResult).
import { createHash } from 'node:crypto'
import { IAMClient } from '@aws-sdk/client-iam'
import { createClients } from '../../src/aws-clients.js'
import { byUrgency, classify, countClasses } from '../../src/classify.js'
import { scanKeys } from '../../src/scan-method.js'
import type { AccessKey, Counts, Thresholds } from '../../src/types.js'
import { seedRecipeScan } from './baseline.js'

export type BenchMethod = 'baseline' | 'api' | 'credential-report'

export interface WorkerArgs {
  method: BenchMethod
  endpoint: string
  /** Pace of our IAM client; 0 leaves it to the SDK's adaptive retry. */
  clientRate: number
  /** The audit's time, shared by every run so their findings can be compared. */
  at: string
}

export interface WorkerResult {
  wallMs: number
  peakRssMb: number
  users: number
  /** Users (baseline) or keys and users (our methods) that could not be read. */
  errors: number
  candidateUsers?: number
  counts?: Counts
  /** Hash of the flagged keys' IDs and classes: every method must agree. */
  flaggedDigest: string
  /** Hash of the flagged findings in full (our methods), with the counts. */
  findingsDigest?: string
}

const THRESHOLDS: Thresholds = { maxAgeDays: 90, warnDays: 14, unusedDays: 0 }
const CREDENTIALS = { accessKeyId: 'AKIABENCHCLIENT00001', secretAccessKey: 'bench-secret' }

const sha = (value: unknown): string =>
  createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 16)

function flaggedDigest(keys: readonly AccessKey[], at: Date): string {
  const flagged = keys
    .map((k) => classify(k, at, THRESHOLDS))
    .filter((f) => f.class !== 'ok')
    .map((f) => `${f.accessKeyId}:${f.class}`)
    .sort()
  return sha(flagged)
}

async function runBaseline(args: WorkerArgs, at: Date): Promise<Omit<WorkerResult, 'peakRssMb'>> {
  const iam = new IAMClient({
    region: 'us-east-1',
    endpoint: args.endpoint,
    credentials: CREDENTIALS
  })
  const started = performance.now()
  const result = await seedRecipeScan(iam)
  const wallMs = performance.now() - started
  iam.destroy()
  const keys: AccessKey[] = result.keys.map((k) => ({
    ...k,
    status: k.status === 'Active' ? 'Active' : 'Inactive',
    lastUse: { kind: 'unknown' }
  }))
  return {
    wallMs,
    users: result.users,
    errors: result.failedUsers,
    flaggedDigest: flaggedDigest(keys, at)
  }
}

async function runOurs(args: WorkerArgs, at: Date): Promise<Omit<WorkerResult, 'peakRssMb'>> {
  process.env.AWS_ENDPOINT_URL = args.endpoint
  const clients = createClients({
    region: 'us-east-1',
    credentials: CREDENTIALS,
    iamRequestsPerSecond: args.clientRate
  })
  const method = args.method === 'api' ? 'api' : 'credential-report'
  const started = performance.now()
  const scan = await scanKeys(clients.iam, { method, concurrency: 8, thresholds: THRESHOLDS, at })
  const wallMs = performance.now() - started
  clients.destroy()
  const findings = scan.keys.map((k) => classify(k, at, THRESHOLDS)).sort(byUrgency)
  const counts = countClasses(findings)
  counts.ok += scan.unlistedOkAgeDays.length
  counts.total += scan.unlistedOkAgeDays.length
  return {
    wallMs,
    users: scan.userCount,
    errors: scan.errors.length,
    candidateUsers: scan.info.credentialReport?.candidateUsers,
    counts,
    flaggedDigest: flaggedDigest(scan.keys, at),
    findingsDigest: sha({ flagged: findings.filter((f) => f.class !== 'ok'), counts })
  }
}

const args = JSON.parse(process.argv[2] ?? '{}') as WorkerArgs
const at = new Date(args.at)
const result = args.method === 'baseline' ? await runBaseline(args, at) : await runOurs(args, at)
const peakRssMb = process.resourceUsage().maxRSS / 1024
process.stdout.write(`${JSON.stringify({ ...result, peakRssMb } satisfies WorkerResult)}\n`)
