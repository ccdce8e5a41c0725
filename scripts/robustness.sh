#!/usr/bin/env bash
# Runs scripts/robustness.ts under Deno, Bun and Node (one after the other: each is CPU
# heavy) and renders docs/robustness.md from their figures. Extra arguments are passed to
# each run, e.g. `bash scripts/robustness.sh --datagrams 100000 --scale 0.2`.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=node_modules/.bin
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

"$bin/deno" run -A --v8-flags=--expose-gc scripts/robustness.ts --json "$out/deno.json" "$@"
"$bin/bun" scripts/robustness.ts --json "$out/bun.json" "$@"
"$bin/tsc" -p scripts/robustness.tsconfig.json
node --expose-gc build/scripts/robustness.js --json "$out/node.json" "$@"
"$bin/deno" run -A scripts/robustness.ts --report "$out/deno.json" "$out/bun.json" "$out/node.json" \
  --out docs/robustness.md
"$bin/deno" fmt docs/robustness.md
echo "wrote docs/robustness.md"
