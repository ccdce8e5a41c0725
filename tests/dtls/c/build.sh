#!/usr/bin/env bash
# Builds the mbed TLS DTLS test peer (tests/dtls/c/dtls_peer.c) into tests/dtls/c/bin/dtls_peer
# against the system mbed TLS (Debian libmbedtls-dev). Skips the build when the binary is up
# to date. Fails loudly when a compiler, header or library is missing.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=../../c/build_lib.sh
. "$here/../../c/build_lib.sh"
c_build "$here" dtls_peer "install the Debian package libmbedtls-dev (and gcc)" \
  "mbedtls/ssl.h" -std=gnu11 -lmbedtls -lmbedx509 -lmbedcrypto
