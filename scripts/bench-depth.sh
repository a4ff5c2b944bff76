#!/usr/bin/env bash
# Long-context benchmark (issue 18's targets): llama.cpp's llama-bench -d and `k3mcp bench -d` on the same
# synthetic files, alternated ROUNDS times so both see the same machine. For each shape, depth and flash
# setting (llama-bench -fa 0/1 against k3mcp -fa off/on) it runs pp512 and tg64 after DEPTH tokens, then
# k3mcp's q8_0-vs-f16 KV case (a CTX_KV-token context, tg64 at depth DEPTH_KV). Prints every run, then a
# table of medians with the k3mcp / llama.cpp ratio and the target each ratio must meet.
#
#   LLAMA_BENCH=/path/to/llama-bench scripts/bench-depth.sh [ROUNDS]
#
# Knobs: SHAPES (default "tinyllama-1.1b qwen3-0.6b"), TYPE (q4_0), DEPTHS (4096,16384: comma-separated),
# FA ("0 1"), PP (512), TG (64), REPS (-r per run, 1), LAYERS (bench --layers: the shapes' first N layers,
# for a quick look; the targets are on whole files), KV (1: run the q8_0/f16 case), KV_SHAPES (qwen3-0.6b: a
# trained context of at least CTX_KV; the TinyLlama shape is trained on 2048), CTX_KV (32768),
# DEPTH_KV (16384). Filling the cache to DEPTH is untimed but costly: both tools prefill it in batches
# once per test and flash setting, so depth 16384 on a whole TinyLlama file takes minutes per run on 2 cores.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bench="${LLAMA_BENCH:?set LLAMA_BENCH to a llama-bench binary (see docs/BENCHMARKS.md)}"
[ -x "$bench" ] || { echo "bench-depth: $bench is not an executable" >&2; exit 2; }
rounds="${1:-1}"
threads="${THREADS:-2}"
read -r -a shapes <<<"${SHAPES:-tinyllama-1.1b qwen3-0.6b}"
read -r -a kv_shapes <<<"${KV_SHAPES:-qwen3-0.6b}"
read -r -a fas <<<"${FA-0 1}"  # FA="" skips the side-by-side runs
type="${TYPE:-q4_0}"
depths="${DEPTHS:-4096,16384}"
pp="${PP:-512}"
tg="${TG:-64}"
reps="${REPS:-1}"
ctx_kv="${CTX_KV:-32768}"
depth_kv="${DEPTH_KV:-16384}"
cache="${K3MCP_SYNTHETIC_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/k3mcp/synthetic}"
layers=()
suffix=""
if [ -n "${LAYERS:-}" ]; then layers=(--layers "$LAYERS"); suffix="-${LAYERS}l"; fi
out="$(mktemp)"
err="$(mktemp)"
trap 'rm -f "$out" "$err"' EXIT

for s in $(printf "%s\n" "${shapes[@]}" "${kv_shapes[@]}" | sort -u); do # make the files first, outside the timed runs
  "$root/k3mcp" bench --synthetic "$s:$type" "${layers[@]}" -t 1 -p 0 -n 1 -r 1 --no-record >/dev/null 2>"$err" ||
    { cat "$err" >&2; echo "bench-depth: could not make the $s:$type model" >&2; exit 1; }
done

# one jsonl row per test on stdout, tagged with the tool and shape
k3() { # shape, extra k3mcp bench arguments...
  local s="$1"; shift
  "$root/k3mcp" bench --model "$cache/$s$suffix-$type.gguf" -t "$threads" -r "$reps" -o jsonl --no-record "$@" 2>"$err" |
    sed "s/^/k3mcp $s /" || { cat "$err" >&2; exit 1; }
}
ll() { # shape, extra llama-bench arguments...
  local s="$1"; shift
  "$bench" -m "$cache/$s$suffix-$type.gguf" -t "$threads" -r "$reps" -o jsonl "$@" 2>/dev/null | sed "s/^/llama.cpp $s /"
}

for r in $(seq "$rounds"); do
  for s in "${shapes[@]}"; do
    for fa in "${fas[@]}"; do
      onoff=$([ "$fa" = 1 ] && echo on || echo off)
      start=$SECONDS
      ll "$s" -p "$pp" -n "$tg" -d "$depths" -fa "$fa" | tee -a "$out" | cut -c1-60
      echo "# round $r $s llama.cpp -fa $fa: $((SECONDS - start)) s (depth fills included)"
      start=$SECONDS
      k3 "$s" -p "$pp" -n "$tg" -d "$depths" -fa "$onoff" | tee -a "$out" | cut -c1-60
      echo "# round $r $s k3mcp -fa $onoff: $((SECONDS - start)) s (depth fills included)"
    done
  done
  for s in "${kv_shapes[@]}"; do
    [ "${KV:-1}" = 1 ] || break
    for kv in f16 q8_0; do
      k3 "$s" -p 0 -n "$tg" -d "$depth_kv" --ctx-size "$ctx_kv" -ctk "$kv" -ctv "$kv" | sed "s/^k3mcp/k3mcp-kv/" | tee -a "$out" | cut -c1-60
      grep -o 'kv cache ctx=[0-9]* bytes=[0-9]*' "$err" | head -1 | sed "s/^/kv $s $kv /" | tee -a "$out"
    done
  done
done

python3 - "$out" <<'PY'
import json, statistics, sys
runs, kvbytes = {}, {}
for line in open(sys.argv[1]):
    who, shape, rest = line.rstrip("\n").split(" ", 2)
    if who == "kv":
        kv, _, _, ctx, size = rest.split()
        kvbytes[(shape, kv)] = int(size.split("=")[1])
        continue
    row = json.loads(rest)
    test = (f"pp{row['n_prompt']}" if row["n_prompt"] else f"tg{row['n_gen']}") + f"@d{row['n_depth']}"
    key = (shape, test, row["flash_attn"], row["type_k"])
    runs.setdefault(key, {}).setdefault(who, []).append(row["avg_ts"])
med = lambda v: statistics.median(v) if v else float("nan")
print("\nmedian t/s side by side (k3mcp -fa off/on against llama-bench -fa 0/1)")
print(f"{'shape':16} {'test':12} {'fa':>2}  {'k3mcp':>8}  {'llama.cpp':>9}  {'ratio':>5}  target")
for (shape, test, fa, kv), r in sorted(runs.items()):
    if "k3mcp" not in r: continue
    k, l = med(r["k3mcp"]), med(r.get("llama.cpp", []))
    target = 1.0 if test.startswith("tg") else 0.9
    ratio = k / l if l == l and l else float("nan")
    verdict = "ok" if ratio >= target else "MISSED"
    print(f"{shape:16} {test:12} {fa:>2}  {k:8.2f}  {l:9.2f}  {ratio:5.2f}  >= {target} {verdict}")
for shape in sorted({s for s, _ in kvbytes}):
    f16, q8 = kvbytes.get((shape, "f16")), kvbytes.get((shape, "q8_0"))
    tg = {kv: med(r["k3mcp-kv"]) for (s, t, fa, kv), r in runs.items() if s == shape and "k3mcp-kv" in r}
    if f16 and q8 and "f16" in tg and "q8_0" in tg:
        print(f"{shape:16} q8_0 KV: {q8 / f16:.1%} of f16's bytes ({q8} / {f16}, target < 60 %); "
              f"tg t/s q8_0 {tg['q8_0']:.2f} vs f16 {tg['f16']:.2f} (ratio {tg['q8_0'] / tg['f16']:.2f}, target >= 1.0)")
PY
