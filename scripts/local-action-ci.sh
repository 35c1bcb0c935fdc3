#!/usr/bin/env bash
# Runs the action through @github/local-action (a client nobody here wrote: it reads action.yml's
# defaults itself) against the loopback fakes, for an audit and a list-accounts run.
#
# What local-action 7 really does: it runs the TypeScript source (src/main.ts's exported run())
# through tsx, not dist/index.js, with its own stand-ins for @actions/core and @actions/github
# (its getInput falls back to action.yml's default when INPUT_<NAME> is unset; its setOutput prints
# `::set-output` lines instead of writing GITHUB_OUTPUT; its setFailed prints `::error::` but
# leaves the exit code 0). So a run counts as failed here when local-action exits non-zero, logs
# an `::error::` line, writes no job summary, or prints none of the outputs the mode must set.
set -euo pipefail
cd "$(dirname "$0")/.."

work=$(mktemp -d "${TMPDIR:-/tmp}/iam-key-sentinel-local-action-XXXXXX")
fakes_pid=
cleanup() {
  [ -n "$fakes_pid" ] && kill "$fakes_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# node directly, not through npm, so $! is the server itself and the trap can stop it.
node --import tsx scripts/serve-fakes.ts -- --env-file "$work/fakes.env" &
fakes_pid=$!
for _ in $(seq 100); do [ -s "$work/fakes.env" ] && break; sleep 0.1; done
[ -s "$work/fakes.env" ] || { echo "the fakes did not start" >&2; exit 1; }

# run NAME EXPECTED-OUTPUT [INPUT_X=value ...]: one local-action run with its own .env file.
run() {
  local name=$1 expect=$2 dir="$work/$1"
  shift 2
  mkdir -p "$dir"
  : >"$dir/summary.md"
  {
    cat "$work/fakes.env"
    # Static fake credentials: the fake AWS answers them as the sample account.
    echo "AWS_ACCESS_KEY_ID=AKIAFAKECIFAKECI0001"
    echo "AWS_SECRET_ACCESS_KEY=fake-secret-for-the-loopback-fake"
    echo "AWS_EC2_METADATA_DISABLED=true"
    echo "GITHUB_REPOSITORY=acme/security"
    echo "GITHUB_STEP_SUMMARY=$dir/summary.md"
    echo "RUNNER_TEMP=$dir"
    printf '%s\n' "$@"
  } >"$dir/.env"
  echo "::group::local-action: $name"
  local rc=0
  npx --no-install local-action run . src/main.ts "$dir/.env" >"$dir/log" 2>&1 || rc=$?
  # The log's tables are wide; the action's own lines are what matter.
  grep -E '^::|^\[' "$dir/log" | cut -c1-300 || true
  echo "::endgroup::"
  local problem=
  if [ "$rc" -ne 0 ]; then
    problem="local-action exited $rc"
  elif grep -q '^::error::' "$dir/log"; then
    problem="the action reported an error"
  elif [ ! -s "$dir/summary.md" ]; then
    problem="no job summary"
  elif ! grep -q "^::set-output name=$expect::" "$dir/log"; then
    problem="no '$expect' output"
  fi
  if [ -n "$problem" ]; then
    echo "local-action $name run failed: $problem. Its log:" >&2
    cut -c1-400 "$dir/log" >&2
    exit 1
  fi
  echo "local-action $name run: ok ($(wc -c <"$dir/summary.md") bytes of job summary)."
}

run audit key-count INPUT_MAX-AGE-DAYS=90 INPUT_UNUSED-DAYS=30 INPUT_EXCLUDE-USERS=ci-* \
  INPUT_FAIL-ON=never INPUT_CREATE-ISSUES=false
run list-accounts account-count INPUT_MODE=list-accounts
