#!/usr/bin/env bash
# Runs the whole suite: static checks, builds the C test peers, compiles with tsc, then runs
# the same tests under Node (on the tsc output), Deno and Bun.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=node_modules/.bin
status=0

echo "== static checks (deno fmt, lint, doc --lint, publish --dry-run, JSDoc examples run)"
"$bin/deno" fmt --check --quiet
"$bin/deno" lint --quiet
"$bin/deno" doc --lint mod.ts adapters/mod.ts src/compress/mod.ts cli.ts
"$bin/deno" publish --dry-run --allow-dirty --quiet
"$bin/deno" test --doc --quiet -A mod.ts src/ adapters/

for build in tests/c/build.sh tests/dtls/c/build.sh; do
  if [ -f "$build" ]; then bash "$build"; fi
done

echo "== tsc (type-checks everything, emits build/)"
"$bin/tsc" -p tsconfig.json

echo "== node --test"
node --test --test-concurrency=1 build/tests/ || status=1
echo "== deno test"
"$bin/deno" test -A --quiet tests/ || status=1
echo "== bun test"
"$bin/bun" test --timeout 60000 ./tests/ || status=1
exit $status
