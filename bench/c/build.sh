#!/usr/bin/env bash
# Builds the C ENet reference peers against the system libenet (Debian's libenet-dev):
# bench/c/enet_bench.c (bench/udp_bench.ts) and bench/c/enet_suite.c (the benchmark suite,
# bench/suite/) into bench/c/bin/. bench/c/bin/ is not committed.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=../../tests/c/build_lib.sh
. "$here/../../tests/c/build_lib.sh"
hint="install the Debian package libenet-dev (and gcc)"
# shellcheck disable=SC2046 # enet_libs prints a list of compiler words
c_build "$here" enet_bench "$hint" "enet/enet.h" $(enet_libs)
# shellcheck disable=SC2046
c_build "$here" enet_suite "$hint" "enet/enet.h" -std=gnu11 $(enet_libs)
