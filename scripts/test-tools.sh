#!/usr/bin/env bash
# Makes sure the tools `make test` needs are installed, installing what is missing with apt-get (through
# sudo when not root). One list for `make test` and `.ci/run`, so a fresh machine needs nothing else.
#
# Usage: scripts/test-tools.sh [--check]
#   --check  only report: exit 0 when everything is present, 3 (and the install command) otherwise
# When it cannot install (no apt-get, no root and no sudo, or apt-get fails) it prints one message
# naming the exact packages and the command, and exits 2.
set -euo pipefail

CHECK_ONLY=0
case "${1:-}" in
  --check) CHECK_ONLY=1 ;;
  "") ;;
  *) echo "usage: $0 [--check]" >&2; exit 2 ;;
esac

# Each line: a test of presence, then the Debian 12 packages that provide it.
need=()
want() { # want "<shell test>" pkg...
  local probe="$1"; shift
  eval "$probe" >/dev/null 2>&1 || need+=("$@")
}
has() { command -v "$1"; }

java_ok() { # a JDK, not just a JRE, of version 17 or later
  has javac || return 1
  local v; v=$(javac -version 2>&1 | sed -E 's/^javac ([0-9]+).*/\1/')
  [ "${v:-0}" -ge 17 ]
}

want java_ok                                    openjdk-17-jdk-headless
want "has make"                                 make
want "has gcc && [ -f /usr/include/stdio.h ]"   gcc libc6-dev
want "has perl"                                 perl
want "has python3"                              python3
want "has aarch64-linux-gnu-gcc"                gcc-aarch64-linux-gnu
want "[ -d /usr/aarch64-linux-gnu/lib ]"        libc6-dev-arm64-cross
want "[ -d /usr/riscv64-linux-gnu/lib ]"        libc6-dev-riscv64-cross
want "has riscv64-linux-gnu-gcc"                gcc-riscv64-linux-gnu
want "has clang-19"                             clang-19
want "has ld.lld-19"                            lld-19
want "has qemu-aarch64 && has qemu-riscv64"     qemu-user
want "has node"                                 nodejs
want "has npm"                                  npm
want "has promtool"                             prometheus

if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi

cmd="apt-get update && apt-get install -y ${need[*]}"
if [ "$CHECK_ONLY" = 1 ]; then
  echo "test-tools: missing packages: ${need[*]} (install with: $cmd)" >&2
  exit 3
fi

sudo=()
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo=(sudo -n)
  elif command -v sudo >/dev/null 2>&1 && [ -t 0 ]; then
    sudo=(sudo)
  else
    echo "test-tools: cannot install ${need[*]}: not root and no usable sudo; run as root: $cmd" >&2
    exit 2
  fi
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "test-tools: cannot install ${need[*]}: no apt-get here (Debian 12 package names); install their equivalents: $cmd" >&2
  exit 2
fi

echo "test-tools: installing ${need[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
if ! { "${sudo[@]}" apt-get update -qq && "${sudo[@]}" apt-get install -y -qq "${need[@]}" >/dev/null; }; then
  echo "test-tools: installing failed; the packages make test needs: ${need[*]} (command: ${sudo[*]:+${sudo[*]} }$cmd)" >&2
  exit 2
fi
