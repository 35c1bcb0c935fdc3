// The baseline in its own process, so its peak RSS is its own: the seed recipe against the
// endpoint given, one JSON line out (see BaselineResult).
import { IAMClient } from '@aws-sdk/client-iam'
import { seedRecipeScan } from './baseline.js'

export interface WorkerResult {
  wallMs: number
  peakRssMb: number
  users: number
  keys: number
  failedUsers: number
}

const endpoint = process.argv[2] ?? ''
const iam = new IAMClient({
  region: 'us-east-1',
  endpoint,
  credentials: { accessKeyId: 'AKIABENCHCLIENT00001', secretAccessKey: 'bench-secret' }
})
const started = performance.now()
const result = await seedRecipeScan(iam)
const wallMs = performance.now() - started
iam.destroy()
const out: WorkerResult = {
  wallMs,
  peakRssMb: process.resourceUsage().maxRSS / 1024,
  users: result.users,
  keys: result.keys.length,
  failedUsers: result.failedUsers
}
process.stdout.write(`${JSON.stringify(out)}\n`)
