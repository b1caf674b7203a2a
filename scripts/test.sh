#!/usr/bin/env bash
# `npm test`: installs and starts what the tests need, then runs every jest project.
#   1. npm dependencies (when missing), Apache Kafka's jars from Maven Central (cached in .cache/),
#      Debian's chromium for the page tests (apt-get, when /usr/bin/chromium is missing),
#      Debian's redis-server (deploy/local/redis.sh) and the Python SDK's virtual environment from
#      PyPI (deploy/local/python.sh)
#   2. lockfile completeness, the workspace typecheck (specs included), lint, the builds, and the
#      offline check of the Dockerfiles and Kubernetes manifests (deploy/check.mjs)
#   3. unit and integration tests of every lib (real PostgreSQL from embedded-postgres)
#   4. end-to-end suites: the distributed topology (PostgreSQL, a Kafka broker, five processes)
#      and the embedded mode
#   5. the Python SDK's pytest unit tests; its tests against the suite run inside step 4
#      (apps/suite-e2e/src/sdk-python.e2e-spec.ts), and both JUnit reports count in the last line
# It ends with one line `tests: N passed, N failed`.
set -euo pipefail
cd "$(dirname "$0")/.."

[ -d node_modules ] || npm ci --no-audit --no-fund
bash deploy/local/kafka.sh fetch
bash deploy/local/chromium.sh
bash deploy/local/redis.sh install
bash deploy/local/python.sh

export NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false
node tools/check-lockfile.mjs
npm run typecheck
npx nx run-many -t lint --parallel=2 --output-style=static
# The deployable apps, built with the command the container images run (deploy/check.mjs checks).
npx nx run-many -t build -p admin-gateway auth-server user-directory session-service privacy-worker
npx nx build suite --output-style=static
# Dockerfiles and Kubernetes manifests, rendered and validated offline (kustomize via go install).
node deploy/check.mjs

mkdir -p tmp
rm -f tmp/test-results-*.json tmp/test-results-*.xml
status=0
npx jest --ci --ignoreProjects suite-e2e --maxWorkers=2 --json --outputFile=tmp/test-results-unit.json || status=$?
npx jest --ci --selectProjects suite-e2e --runInBand --json --outputFile=tmp/test-results-e2e.json || status=$?
(cd libs/sdk/iam-python && ../../../.cache/python-venv/bin/python -m pytest tests/unit -q --junitxml=../../../tmp/test-results-python-unit.xml) || status=$?
node scripts/summarize-tests.mjs tmp/test-results-unit.json tmp/test-results-e2e.json tmp/test-results-python-unit.xml tmp/test-results-python-e2e.xml || status=$?
exit "$status"
