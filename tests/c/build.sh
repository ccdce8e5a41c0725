#!/usr/bin/env bash
# Builds the C ENet test peer (tests/c/enet_peer.c) into tests/c/bin/enet_peer against the
# system libenet (1.3.x), zlib and zstd. Skips the build when the binary is up to date.
# Fails loudly when a compiler, header or library is missing.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=build_lib.sh
. "$here/build_lib.sh"
# shellcheck disable=SC2046 # enet_libs prints a list of compiler words
c_build "$here" enet_peer \
  "install the Debian packages libenet-dev zlib1g-dev libzstd-dev (and gcc)" \
  "enet/enet.h zlib.h zstd.h" -std=c11 $(enet_libs) -lz -lzstd
