#!/usr/bin/env bash
# Builds the C ENet test peer (tests/c/enet_peer.c) into tests/c/bin/enet_peer against the
# system libenet (1.3.x), zlib and zstd. Skips the build when the binary is newer than the
# source. Fails loudly when a compiler, header or library is missing.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
src="$here/enet_peer.c"
out="$here/bin/enet_peer"

if [ -x "$out" ] && [ "$out" -nt "$src" ] && [ "$out" -nt "$here/build.sh" ]; then
  exit 0
fi

fail() {
  echo "tests/c/build.sh: $*" >&2
  echo "tests/c/build.sh: install the Debian packages libenet-dev zlib1g-dev libzstd-dev (and gcc)" >&2
  exit 1
}

cc="${CC:-gcc}"
command -v "$cc" >/dev/null 2>&1 || fail "C compiler '$cc' not found"

enet_flags="-lenet"
if command -v pkg-config >/dev/null 2>&1 && pkg-config --exists libenet 2>/dev/null; then
  enet_flags="$(pkg-config --cflags --libs libenet)"
fi

for header in enet/enet.h zlib.h zstd.h; do
  if ! echo "#include <$header>" | "$cc" -E -x c - >/dev/null 2>&1; then
    fail "header <$header> not found"
  fi
done

mkdir -p "$here/bin"
# shellcheck disable=SC2086 # enet_flags is a list of compiler words
if ! "$cc" -std=c11 -O2 -Wall -Wextra -o "$out.tmp" "$src" $enet_flags -lz -lzstd; then
  rm -f "$out.tmp"
  fail "compiling enet_peer.c failed"
fi
mv "$out.tmp" "$out"
echo "tests/c/build.sh: built $out"
