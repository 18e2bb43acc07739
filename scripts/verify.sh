#!/usr/bin/env bash
# Every check in order: typecheck, lint, format, build, unit + integration tests, browser tests.
# Prints one closing line "N passed, N failed" (tests of all runners; a failed typecheck, lint or
# build step counts as one failure) and exits non-zero when anything failed.
set -uo pipefail
cd "$(dirname "$0")/.."

started=$(date +%s)
report_dir=tests/artifacts/reports
mkdir -p "$report_dir"
rm -f "$report_dir"/*.json
failed_steps=()

step() {
  local name=$1
  shift
  echo "==> $name: $*"
  local t0=$(date +%s)
  if "$@"; then
    echo "==> $name ok ($(( $(date +%s) - t0 ))s)"
  else
    echo "==> $name FAILED ($(( $(date +%s) - t0 ))s)"
    failed_steps+=("$name")
  fi
}

workers=${JEST_WORKERS:-2}
step typecheck npx tsc --noEmit
step lint npx eslint --cache .
step format npx prettier --check --log-level warn .
step build npx webpack -c ./webpack.config.ts --env production --no-stats
step unit+integration env REQUIRE_DIST=1 npx jest --ci --maxWorkers="$workers" --json --outputFile="$report_dir/jest.json"
step browser npx jest -c jest.browser.config.js --ci --runInBand --json --outputFile="$report_dir/browser.json"

node scripts/summarise-jest.js "${#failed_steps[@]}" "$report_dir"/*.json
status=$?
if [ ${#failed_steps[@]} -gt 0 ]; then
  echo "failed steps: ${failed_steps[*]}" >&2
  status=1
fi
echo "run time: $(( $(date +%s) - started ))s"
exit $status
