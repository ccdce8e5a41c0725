#!/usr/bin/env bash
# Builds the C ENet reference peer (bench/c/enet_bench.c) into bench/c/bin/enet_bench
# against the system libenet (Debian's libenet-dev). bench/c/bin/ is not committed.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=../../tests/c/build_lib.sh
. "$here/../../tests/c/build_lib.sh"
# shellcheck disable=SC2046 # enet_libs prints a list of compiler words
c_build "$here" enet_bench "install the Debian package libenet-dev (and gcc)" "enet/enet.h" \
  $(enet_libs)
