#!/usr/bin/env bash
# Attention kernel A/B (docs/BENCHMARKS.md "Attention kernels"): builds kernels-native's C sources with
# bench/k3k_bench_attention.c, and, given BASE (a commit), the same bench against that commit's kernel sources;
# alternates the two ROUNDS times (a shared machine drifts) and prints the best time per case side by side.
#
#   scripts/bench-attention.sh [BASE] [ROUNDS=3]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
base="${1:-}"
rounds="${2:-3}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
src="$root/kernels-native/src/main/c"
cflags=(-O3 -std=c11 -ffp-contract=off -D_GNU_SOURCE -pthread)
build() { # $1: a directory of kernel sources, $2: the binary
  (cd "$1" && cc "${cflags[@]}" -I. -o "$2" ./*.c "$src/bench/k3k_bench_attention.c" -lm)
}
build "$src" "$work/new"
runs=("new")
if [ -n "$base" ]; then
  mkdir -p "$work/base-src"
  git -C "$root" archive "$base" kernels-native/src/main/c | tar -x -C "$work/base-src"
  mkdir -p "$work/base-src/kernels-native/src/main/c/bench"
  build "$work/base-src/kernels-native/src/main/c" "$work/base"
  runs=("base" "new")
fi
for r in $(seq "$rounds"); do
  for who in "${runs[@]}"; do "$work/$who" | sed "s/^/$who /"; done
done >"$work/out"
python3 - "$work/out" <<'PY'
import collections, sys
best = collections.defaultdict(lambda: float("inf"))
for line in open(sys.argv[1]):
    who, rest = line.split(" ", 1)
    case, ms = rest.rsplit(":", 1)
    best[(case, who)] = min(best[(case, who)], float(ms.split()[0]))
cases = list(dict.fromkeys(c for c, _ in best))
whos = list(dict.fromkeys(w for _, w in best))
print("best ms of each case (" + ", ".join(whos) + ")")
for c in cases:
    cells = "  ".join(f"{w} {best[(c, w)]:9.3f}" for w in whos)
    ratio = f"  base/new {best[(c, 'base')] / best[(c, 'new')]:.2f}x" if "base" in whos else ""
    print(f"{c:42s} {cells}{ratio}")
PY
