// moto (https://docs.getmoto.org), an AWS emulator nobody here wrote, as a second AWS for the
// built action: `python3 -m moto.server` on a free loopback port, under libfaketime so that keys
// can be created "in the past" (moto stamps CreateDate with its own clock and has no way to set
// it). The fake time is an offset read from a file on every clock call (FAKETIME_NO_CACHE), so
// the test moves moto's clock between calls without restarting it.
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** Where Debian's `faketime` package puts the library, per architecture. */
const LIBFAKETIME = [
  '/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1',
  '/usr/lib/aarch64-linux-gnu/faketime/libfaketime.so.1',
  '/usr/lib/faketime/libfaketime.so.1'
]

/** Static credentials for moto's default account (123456789012): moto accepts any key. */
export const MOTO_ACCOUNT_ID = '123456789012'
export const MOTO_CREDENTIALS = {
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'moto-accepts-any-secret'
}

export interface Moto {
  endpoint: string
  /** Runs `fn` with moto's clock `days` in the past, then brings it back to the present. */
  inThePast<T>(days: number, fn: () => Promise<T>): Promise<T>
  /** moto's whole state, as its /moto-api/data.json gives it. */
  data(): Promise<Record<string, Record<string, unknown>>>
  /** Forgets every resource (POST /moto-api/reset). */
  reset(): Promise<void>
  stop(): Promise<void>
}

function libfaketime(): string {
  const found = LIBFAKETIME.find((path) => existsSync(path))
  if (!found) throw new Error('libfaketime not found: apt-get install faketime')
  return found
}

/** A port the kernel just handed out on 127.0.0.1, free again once we close it. */
async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
  const address = server.address()
  await new Promise<void>((done) => server.close(() => done()))
  if (address === null || typeof address === 'string') throw new Error('no port')
  return address.port
}

const pause = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms))

async function waitUntilUp(endpoint: string, child: ChildProcess, log: () => string) {
  // Bounded: 300 tries of 100 ms, far more than moto needs to start.
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`moto exited ${child.exitCode}:\n${log()}`)
    try {
      if ((await fetch(`${endpoint}/moto-api/data.json`)).ok) return
    } catch {
      // Not listening yet.
    }
    await pause(100)
  }
  throw new Error(`moto did not start:\n${log()}`)
}

export async function startMoto(): Promise<Moto> {
  const dir = await mkdtemp(join(tmpdir(), 'iam-key-sentinel-moto-'))
  const offsetFile = join(dir, 'faketime')
  const setOffset = (text: string) => writeFile(offsetFile, `${text}\n`)
  await setOffset('+0')
  const port = await freePort()
  const endpoint = `http://127.0.0.1:${port}`
  let output = ''
  const child = spawn('python3', ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? dir,
      LD_PRELOAD: libfaketime(),
      FAKETIME_TIMESTAMP_FILE: offsetFile,
      FAKETIME_NO_CACHE: '1',
      // Only the wall clock moves: timeouts and sleeps inside moto keep real time.
      FAKETIME_DONT_FAKE_MONOTONIC: '1'
    },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  child.stdout?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000)))
  child.stderr?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000)))
  try {
    await waitUntilUp(endpoint, child, () => output)
  } catch (error) {
    child.kill('SIGKILL')
    throw error
  }

  return {
    endpoint,
    async inThePast(days, fn) {
      await setOffset(`-${days}d`)
      try {
        return await fn()
      } finally {
        await setOffset('+0')
      }
    },
    async data() {
      const response = await fetch(`${endpoint}/moto-api/data.json`)
      return (await response.json()) as Record<string, Record<string, unknown>>
    },
    async reset() {
      const response = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' })
      if (!response.ok) throw new Error(`moto reset answered ${response.status}`)
    },
    async stop() {
      const exited = new Promise((done) => child.once('close', done))
      child.kill('SIGTERM')
      const stubborn = setTimeout(() => child.kill('SIGKILL'), 5_000)
      await exited
      clearTimeout(stubborn)
      await rm(dir, { recursive: true, force: true })
    }
  }
}
