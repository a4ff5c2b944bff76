#!/usr/bin/env bash
# Side-by-side decode/prefill benchmark: llama.cpp's llama-bench and `k3mcp bench` on the same GGUF
# files, alternated ROUNDS times so both see the same machine (shared machines drift by +-30 % within
# minutes). Prints one line per run and, at the end, the median k3mcp/llama.cpp ratio per file and test.
#
#   LLAMA_BENCH=/path/to/llama-bench scripts/bench-vs-llamacpp.sh [ROUNDS] [TYPES...]
#
# TYPES are synthetic models of shape SHAPE (default tinyllama-1.1b; types default q4_0 q8_0 q4_k_m), made
# on first use; LAYERS=N keeps the shape's first N layers (bench --layers), PP the prompt lengths (default
# 128, e.g. PP=128,512), TG the generated tokens (default 64), DEPTH the context filled before each test (-d,
# e.g. DEPTH=0,16384; default none), REPS the repetitions per run (default 3). llama-bench must be built separately
# (docs/BENCHMARKS.md says how); nothing here downloads it.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bench="${LLAMA_BENCH:?set LLAMA_BENCH to a llama-bench binary (see docs/BENCHMARKS.md)}"
[ -x "$bench" ] || { echo "bench-vs-llamacpp: $bench is not an executable" >&2; exit 2; }
rounds="${1:-2}"
shift || true
types=("$@")
[ ${#types[@]} -gt 0 ] || types=(q4_0 q8_0 q4_k_m)
threads="${THREADS:-2}"
shape="${SHAPE:-tinyllama-1.1b}"
pp="${PP:-128}"
tg="${TG:-64}"
reps="${REPS:-3}"
layers=()
depth=()
if [ -n "${DEPTH:-}" ]; then depth=(-d "$DEPTH"); fi
file_shape="$shape"
if [ -n "${LAYERS:-}" ]; then layers=(--layers "$LAYERS"); file_shape="$shape-${LAYERS}l"; fi
cache="${K3MCP_SYNTHETIC_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/k3mcp/synthetic}"
out="$(mktemp)"
trap 'rm -f "$out"' EXIT

for t in "${types[@]}"; do # make the files first, outside the timed runs
  log="$("$root/k3mcp" bench --synthetic "$shape:$t" "${layers[@]}" -t 1 -p 0 -n 1 -r 1 --no-record 2>&1 >/dev/null)" ||
    { echo "$log" >&2; echo "bench-vs-llamacpp: could not make the $t model" >&2; exit 1; }
done
for r in $(seq "$rounds"); do
  for t in "${types[@]}"; do
    model="$cache/$file_shape-$t.gguf"
    "$bench" -m "$model" -t "$threads" -p "$pp" -n "$tg" "${depth[@]}" -r "$reps" 2>/dev/null |
      awk -F'|' -v t="$t" '/ (pp|tg)[0-9]+ / {gsub(/ /, "", $7); split($8, v, "±"); gsub(/ /, "", v[1]); print "llama.cpp", t, $7, v[1]}' | tee -a "$out"
    "$root/k3mcp" bench --model "$model" -t "$threads" -p "$pp" -n "$tg" "${depth[@]}" -r "$reps" --no-record 2>/dev/null |
      awk -F'|' -v t="$t" '/\| (pp|tg)[0-9]+ / {gsub(/ /, "", $8); split($9, v, "±"); gsub(/ /, "", v[1]); print "k3mcp", t, $8, v[1]}' | tee -a "$out"
  done
done
python3 - "$out" <<'PY'
import statistics, sys
runs = {}
for line in open(sys.argv[1]):
    who, t, test, ts = line.split()
    runs.setdefault((t, test), {}).setdefault(who, []).append(float(ts))
print("\nmedian t/s, and k3mcp / llama.cpp")
for (t, test), r in sorted(runs.items()):
    k, l = statistics.median(r.get("k3mcp", [0])), statistics.median(r.get("llama.cpp", [0]))
    print(f"{t:8} {test:6} k3mcp {k:7.2f}  llama.cpp {l:7.2f}  ratio {k / l if l else float('nan'):.2f}")
PY
