// The content hash of src/ that `npm run package` records in dist/source.sha256, so the e2e tests
// can tell whether dist/index.js was built from the src/ they test. Content, not mtimes: a fresh
// clone gives every file about the same mtime. Plain JS (types in source-hash.d.mts): jest's global
// setup (test/support/fresh-bundle.js) imports it untranspiled.
//   node scripts/source-hash.mjs --write   records the hash of src/ in dist/source.sha256
//   node scripts/source-hash.mjs           prints it
import { createHash } from 'node:crypto'
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join, relative, sep } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')

function files(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    return entry.isDirectory() ? files(path) : [path]
  })
}

/** sha256 over every file of src/: its path, then its bytes, in path order. */
export function sourceHash(root = ROOT) {
  const src = join(root, 'src')
  const hash = createHash('sha256')
  const paths = files(src).map((path) => relative(src, path).split(sep).join('/'))
  for (const path of paths.sort()) {
    hash.update(`${path}\0`)
    hash.update(readFileSync(join(src, path)))
    hash.update('\0')
  }
  return hash.digest('hex')
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv[2] === '--write') {
    writeFileSync(join(ROOT, 'dist', 'source.sha256'), `${sourceHash()}\n`)
  } else {
    console.log(sourceHash())
  }
}
