// The npm registry mirror our machines use lacks the non-Linux builds of some platform
// packages (e.g. @unrs/resolver-binding-darwin-arm64, an optional dependency of jest-resolve).
// `npm install` then leaves them out of package-lock.json, and `npm ci` refuses the lockfile as
// out of sync. This adds a stub entry for each such optional package, with the os/cpu/libc its
// name states, so npm ci skips it on the platforms it is not for, as it would with a full lock.
// Run after `npm install`: node scripts/complete-lockfile.mjs
import { readFileSync, writeFileSync } from 'node:fs'

const OS = {
  android: 'android',
  darwin: 'darwin',
  freebsd: 'freebsd',
  linux: 'linux',
  openharmony: 'openharmony',
  win32: 'win32'
}
const CPU = ['arm64', 'arm', 'x64', 'ia32', 'loong64', 'ppc64', 'riscv64', 's390x']

/** os, cpu and libc from a platform package name such as binding-linux-arm-musleabihf. */
export function platformOf(name) {
  const parts = name.split('/').pop().split('-')
  const os = parts.find((p) => OS[p])
  const cpu = parts.find((p) => CPU.includes(p))
  if (!os || !cpu) return undefined
  const libc =
    os !== 'linux' ? undefined : parts.some((p) => p.startsWith('musl')) ? 'musl' : 'glibc'
  return { os: [os], cpu: [cpu], ...(libc ? { libc: [libc] } : {}) }
}

const path = 'package-lock.json'
const lock = JSON.parse(readFileSync(path, 'utf8'))
let added = 0
for (const [key, entry] of Object.entries(lock.packages)) {
  for (const [dep, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const depKey = `node_modules/${dep}`
    if (lock.packages[depKey] || lock.packages[`${key}/${depKey}`]) continue
    const platform = platformOf(dep)
    if (!platform) continue
    lock.packages[depKey] = {
      version,
      ...platform,
      ...(entry.dev ? { dev: true } : {}),
      optional: true
    }
    added++
  }
}
lock.packages = Object.fromEntries(
  Object.entries(lock.packages).sort(([a], [b]) =>
    a === '' ? -1 : b === '' ? 1 : a.localeCompare(b)
  )
)
writeFileSync(path, JSON.stringify(lock, null, 2) + '\n')
console.log(`package-lock.json: ${added} platform packages added`)
