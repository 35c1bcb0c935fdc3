#!/usr/bin/env bash
# dist/ is what runners execute: rebuild it from nothing (a stale file left in dist/ could hide
# otherwise) and fail if it differs from what is committed. That includes dist/source.sha256, the
# hash of src/ the package script records, which the e2e tests compare with the checked-out src/.
set -euo pipefail
cd "$(dirname "$0")/.."
rm -rf dist
npm run package
if [ ! -s dist/source.sha256 ]; then
  echo "::error::npm run package wrote no dist/source.sha256 (node scripts/source-hash.mjs --write)."
  exit 1
fi
if [ -n "$(git status --porcelain -- dist)" ]; then
  echo "::error::dist/ is not the bundle of the committed source. Run 'npm run package' and commit dist/."
  git status --porcelain -- dist
  git diff --stat -- dist
  exit 1
fi
echo "dist/ matches the source."
