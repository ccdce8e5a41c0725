#!/usr/bin/env bash
# Builds the C ENet reference peer (bench/c/enet_bench.c) into bench/c/bin/enet_bench
# against the system libenet (Debian's libenet-dev). bench/c/bin/ is not committed.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
src="$here/enet_bench.c"
out="$here/bin/enet_bench"
if [ -x "$out" ] && [ "$out" -nt "$src" ] && [ "$out" -nt "$here/build.sh" ]; then
  exit 0
fi
cc="${CC:-gcc}"
command -v "$cc" >/dev/null 2>&1 || { echo "bench/c/build.sh: no C compiler '$cc'" >&2; exit 1; }
flags="-lenet"
if command -v pkg-config >/dev/null 2>&1 && pkg-config --exists libenet 2>/dev/null; then
  flags="$(pkg-config --cflags --libs libenet)"
fi
mkdir -p "$here/bin"
# shellcheck disable=SC2086
"$cc" -O2 -Wall -Wextra -o "$out" "$src" $flags
