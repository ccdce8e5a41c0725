#!/usr/bin/env bash
# Builds the mbed TLS DTLS test peer (tests/dtls/c/dtls_peer.c) into tests/dtls/c/bin/dtls_peer
# against the system mbed TLS (Debian libmbedtls-dev). Skips the build when the binary is newer
# than the source. Fails loudly when a compiler, header or library is missing.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
src="$here/dtls_peer.c"
out="$here/bin/dtls_peer"

if [ -x "$out" ] && [ "$out" -nt "$src" ] && [ "$out" -nt "$here/build.sh" ]; then
  exit 0
fi
cc="${CC:-gcc}"
command -v "$cc" >/dev/null 2>&1 || { echo "tests/dtls/c/build.sh: C compiler '$cc' not found" >&2; exit 1; }
if ! echo "#include <mbedtls/ssl.h>" | "$cc" -E -x c - >/dev/null 2>&1; then
  echo "tests/dtls/c/build.sh: <mbedtls/ssl.h> not found: install the Debian package libmbedtls-dev" >&2
  exit 1
fi
mkdir -p "$here/bin"
if ! "$cc" -std=gnu11 -O2 -Wall -Wextra -o "$out.tmp" "$src" -lmbedtls -lmbedx509 -lmbedcrypto; then
  rm -f "$out.tmp"
  echo "tests/dtls/c/build.sh: compiling dtls_peer.c failed" >&2
  exit 1
fi
mv "$out.tmp" "$out"
echo "tests/dtls/c/build.sh: built $out"
