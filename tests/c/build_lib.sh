#!/usr/bin/env bash
# Shared by the C build scripts (tests/c, tests/dtls/c, bench/c); source it, then call
# c_build. Skips the build when the binary is newer than its source and the build scripts;
# fails loudly, naming the missing piece, when a compiler or header is missing.

c_lib_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
c_lib_file="$c_lib_root/tests/c/build_lib.sh"

# The compiler and linker words for the system libenet: pkg-config's, else -lenet.
enet_libs() {
  if command -v pkg-config >/dev/null 2>&1 && pkg-config --exists libenet 2>/dev/null; then
    pkg-config --cflags --libs libenet
  else
    echo "-lenet"
  fi
}

# c_build DIR NAME HINT "HEADERS" WORDS...
# Compiles DIR/NAME.c into DIR/bin/NAME with -O2 -Wall -Wextra and WORDS (standard,
# libraries) after the source. HEADERS (space-separated) must be found first; HINT says
# which packages to install when something is missing.
c_build() {
  local dir=$1 name=$2 hint=$3 headers=$4
  shift 4
  local src="$dir/$name.c" out="$dir/bin/$name" label="${dir#"$c_lib_root"/}/build.sh"
  if [ -x "$out" ] && [ "$out" -nt "$src" ] && [ "$out" -nt "$dir/build.sh" ] &&
    [ "$out" -nt "$c_lib_file" ]; then
    return 0
  fi
  local cc="${CC:-gcc}" header
  command -v "$cc" >/dev/null 2>&1 || c_build_fail "$label" "$hint" "C compiler '$cc' not found"
  for header in $headers; do
    if ! echo "#include <$header>" | "$cc" -E -x c - >/dev/null 2>&1; then
      c_build_fail "$label" "$hint" "header <$header> not found"
    fi
  done
  mkdir -p "$dir/bin"
  if ! "$cc" -O2 -Wall -Wextra -o "$out.tmp" "$src" "$@"; then
    rm -f "$out.tmp"
    c_build_fail "$label" "$hint" "compiling $name.c failed"
  fi
  mv "$out.tmp" "$out"
  echo "$label: built $out"
}

# c_build_fail LABEL HINT MESSAGE: prints the message and the hint, then exits 1.
c_build_fail() {
  echo "$1: $3" >&2
  echo "$1: $2" >&2
  exit 1
}
