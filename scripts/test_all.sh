#!/usr/bin/env bash
# Runs every check and test: format, lint, type check, seam check and the
# library's doc lint; the examples in doc comments; the unit, example and
# contract suites on Deno and on Bun; the differential suites on Deno and
# against the compiled binary (Bun); the release binaries' build and smoke
# test; then writes COMPAT.md from the test names and prints one closing line
# with the totals.
set -uo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH"
out=.test-output
mkdir -p "$out"
rm -f "$out"/*.xml
status=0
step() {
  echo "== $*"
  "$@" || { echo "!! failed: $*"; status=1; }
}

step deno fmt --check
step deno lint
step deno task check
step deno test -A --doc --reporter=dot mod.ts testing.ts $(grep -rl @example src --include=*.ts)
step deno test -A --reporter=dot --junit-path="$out/deno.xml" src/ examples/ compat-tests/ \
  scripts/build_test.ts scripts/check_platform_test.ts scripts/smoke_plan_test.ts
# Bun runs the unit and contract suites; the differential suites run on Bun
# through the compiled binary below (it is the Bun entry, bundled).
step bun test --reporter=junit --reporter-outfile="$out/bun.xml" ./src ./examples \
  ./scripts/build_test.ts ./scripts/check_platform_test.ts ./scripts/smoke_plan_test.ts
step deno task build
step deno task build:all # the six release binaries and SHA256SUMS, then their smoke test
step deno run -A scripts/smoke_binaries.ts
if [ -x dist/supervisord ]; then
  SUPERVISOR_TS_BIN=dist/supervisord step deno test -A --reporter=dot --junit-path="$out/binary.xml" compat-tests/
fi
if [ -f ../shared/compat/SURFACE.md ]; then
  step deno run -A scripts/compat_report.ts --out COMPAT.md
fi
deno run -A scripts/test_totals.ts "$out" || status=1
exit $status
