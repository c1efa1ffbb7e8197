#!/usr/bin/env bash
# `npm run ci`: provisions the local BuildKit (and the push-test registry), runs `npm run lint`, then the unit tests in parallel and
# the real-daemon tests (*.int.test.ts) one file at a time, and ends with one plain "N passed, N failed, N skipped" line.
# The daemon is left running for the next run; `npm run buildkit:down` stops it (.ci/run does).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
eval "$(bash scripts/buildkit-up.sh --with-node)"  # the node image serves the frontend-image tests
if reg=$(bash scripts/registry-up.sh); then eval "$reg"; else echo "ci: no test registry; push tests will skip" >&2; fi
export DOCKER_HOST DOCKER_CONFIG COGPACK_DOCKER COGPACK_IMAGE_MAP

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
status=0
npm run -s lint || { echo 'ci: lint failed (npm run lint: eslint and the type check of the tests)' >&2; status=1; }
npx jest --ci --testPathIgnorePatterns '\.int\.test\.ts$' --json --outputFile "$out/unit.json" || status=1
COGPACK_INT_RETRIES="${COGPACK_INT_RETRIES:-2}" npx jest --ci --runInBand --testPathPattern '\.int\.test\.ts$' --json --outputFile "$out/int.json" || status=1
node -e '
const fs = require("fs");
let p = 0, f = 0, s = 0;
for (const file of process.argv.slice(1)) {
  if (!fs.existsSync(file)) { f++; continue; } // a run that wrote no report failed before testing
  const r = JSON.parse(fs.readFileSync(file, "utf8"));
  for (const t of r.testResults) for (const a of t.assertionResults) if ((a.invocations || 1) > 1) console.log(`ci: retried ${a.invocations - 1}x before ${a.status}: ${a.fullName}`);
  p += r.numPassedTests; f += r.numFailedTests + r.numRuntimeErrorTestSuites; s += r.numPendingTests + r.numTodoTests;
}
console.log(`ci: ${p} passed, ${f} failed, ${s} skipped`);' "$out/unit.json" "$out/int.json"
exit "$status"
