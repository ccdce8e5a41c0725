#!/usr/bin/env bash
# Runs the whole suite: builds the C test peers, compiles with tsc, then runs the
# same tests under Node (on the tsc output), Deno and Bun.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=node_modules/.bin
status=0
for build in tests/c/build.sh tests/dtls/c/build.sh; do
  if [ -f "$build" ]; then bash "$build"; fi
done
echo "== tsc"
"$bin/tsc" -p tsconfig.json
echo "== node --test"
node --test --test-concurrency=1 build/tests/ || status=1
echo "== deno test"
"$bin/deno" test -A --quiet tests/ || status=1
echo "== bun test"
"$bin/bun" test --timeout 60000 ./tests/ || status=1
exit $status
