#!/usr/bin/env bash
# Runs scripts/robustness.ts under Deno, Bun and Node (one after the other: each is CPU
# heavy) and renders docs/robustness.md from their figures. Extra arguments are passed to
# each run, e.g. `bash scripts/robustness.sh --datagrams 100000 --scale 0.2`.
# ROBUSTNESS_RUNTIMES="deno node" runs only some runtimes; ROBUSTNESS_RESULTS=DIR keeps
# the JSON figures there (the report takes every runtime's file found in DIR).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=node_modules/.bin
out=${ROBUSTNESS_RESULTS:-}
if [ -z "$out" ]; then
  out=$(mktemp -d)
  trap 'rm -rf "$out"' EXIT
fi
mkdir -p "$out"

for runtime in ${ROBUSTNESS_RUNTIMES:-deno bun node}; do
  case "$runtime" in
    deno) "$bin/deno" run -A --v8-flags=--expose-gc scripts/robustness.ts --json "$out/deno.json" "$@" ;;
    bun) "$bin/bun" scripts/robustness.ts --json "$out/bun.json" "$@" ;;
    node)
      "$bin/tsc" -p scripts/robustness.tsconfig.json
      node --expose-gc build/scripts/robustness.js --json "$out/node.json" "$@"
      ;;
  esac
done
files=()
for runtime in deno bun node; do
  if [ -f "$out/$runtime.json" ]; then files+=("$out/$runtime.json"); fi
done
"$bin/deno" run -A scripts/robustness.ts --report "${files[@]}" --out docs/robustness.md
"$bin/deno" fmt docs/robustness.md
echo "wrote docs/robustness.md"
