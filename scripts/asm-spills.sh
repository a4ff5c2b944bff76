#!/usr/bin/env bash
# Stack traffic per kernel function: compiles each x86 kernel file of kernels-native to assembly with the
# build's flags and prints the functions that load or store through the stack pointer more than MIN times
# (default 20). A micro-kernel that should live in registers and shows hundreds is spilling: GCC had turned
# the AVX2 Q4_K x8 kernel's int16 add chains into a tree over every product and stored each one
# (docs/BENCHMARKS.md, "AVX2 micro-kernels in registers"). Not a test: a look before and after a kernel change.
#
#   scripts/asm-spills.sh [FILES...]        (env: MIN=20 CC=cc; FILES relative to kernels-native/src/main/c or
#                                            absolute; default: every k3k_x86_*.c; tested by test-asm-spills.sh)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
src="$root/kernels-native/src/main/c"
cd "$src"
files=("$@")
[ ${#files[@]} -gt 0 ] || files=(k3k_x86_*.c)
out="$(mktemp)"
trap 'rm -f "$out"' EXIT
for f in "${files[@]}"; do
  [ -f "$f" ] || { echo "asm-spills: no kernel source $f in $src" >&2; exit 2; }
  "${CC:-cc}" -O3 -std=c11 -ffp-contract=off -D_GNU_SOURCE -S -o "$out" "$f"
  awk -v file="$f" -v min="${MIN:-20}" '
    /^[A-Za-z_][A-Za-z_0-9.]*:$/ { if (name != "" && n > min) printf "%-34s %-28s %5d\n", file, name, n; name = substr($1, 1, length($1) - 1); n = 0 }
    /\(%rsp[,)]|\(%rbp[,)]/ { n++ }
    END { if (name != "" && n > min) printf "%-34s %-28s %5d\n", file, name, n }' "$out"
done
