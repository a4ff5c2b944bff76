#!/usr/bin/env bash
# Serving benchmarks side by side (docs/BENCHMARKS.md "Serving several agents"): per round, llama.cpp's
# llama-batched-bench and `k3mcp bench --parallel` on the same synthetic file (N concurrent 64-token
# generations after 32-token prompts), then `k3mcp bench --turn --spec` (speculation: no / always-wrong /
# own-continuation / prompt-lookup drafts). Rounds alternate the two engines because the shared machine drifts.
# Prints every run, then per level the medians and the 4-stream / 1-stream scaling of each engine.
#
#   LLAMA_BATCHED_BENCH=/path/to/llama-batched-bench scripts/bench-serving.sh [ROUNDS]
#
# SHAPE:TYPE default tinyllama-1.1b:q4_0; NPL the levels (default 1,4), THREADS (2), SPEC=0 skips the turn;
# BASE_JAR=path/to/k3mcp.jar (an earlier build) adds its --parallel and --spec runs to each round, labelled "base".
# Runs the built jar (mcp-server/target/k3mcp.jar): build it first (./mvnw -o -pl mcp-server -am package -DskipTests).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
batched="${LLAMA_BATCHED_BENCH:?set LLAMA_BATCHED_BENCH to a llama-batched-bench binary (see docs/BENCHMARKS.md)}"
[ -x "$batched" ] || { echo "bench-serving: $batched is not an executable" >&2; exit 2; }
rounds="${1:-2}"
shape="${SHAPE:-tinyllama-1.1b}"
type="${TYPE:-q4_0}"
npl="${NPL:-1,4}"
threads="${THREADS:-2}"
jar="$root/mcp-server/target/k3mcp.jar"
[ -f "$jar" ] || { echo "bench-serving: $jar is missing: build it first" >&2; exit 2; }
model="${K3MCP_SYNTHETIC_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/k3mcp/synthetic}/$shape-$type.gguf"
out="$(mktemp)"
trap 'rm -f "$out"' EXIT

java -jar "$jar" bench --synthetic "$shape:$type" -t 1 -p 0 -n 1 -r 1 --no-record >/dev/null 2>&1 ||
  { echo "bench-serving: could not make $model" >&2; exit 1; }
for r in $(seq "$rounds"); do
  "$batched" -m "$model" -c 2048 -npp 32 -ntg 64 -npl "$npl" -t "$threads" 2>/dev/null |
    awk -F'|' '/^\| +32 +\| +64 / {gsub(/ /, "", $4); gsub(/ /, "", $9); print "llama.cpp", "x" $4, $9}' | tee -a "$out"
  java -jar "$jar" bench --model "$model" --parallel "$npl" -p 32 -n 64 -r 1 -t "$threads" --no-record 2>/dev/null |
    awk -F'|' '/\| tg64 x/ {gsub(/ /, "", $2); sub(/tg64/, "", $2); gsub(/ /, "", $8); print "k3mcp", $2, $8}' | tee -a "$out"
  jars=("k3mcp=$jar")
  [ -z "${BASE_JAR:-}" ] || jars+=("base=$BASE_JAR")
  for entry in "${jars[@]}"; do
    who="${entry%%=*}"
    if [ "$who" = base ]; then
      java -jar "${entry#*=}" bench --model "$model" --parallel "$npl" -p 32 -n 64 -r 1 -t "$threads" --no-record 2>/dev/null |
        awk -F'|' '/\| tg64 x/ {gsub(/ /, "", $2); sub(/tg64/, "", $2); gsub(/ /, "", $8); print "base", $2, $8}' | tee -a "$out"
    fi
    if [ "${SPEC:-1}" != 0 ]; then
      java -jar "${entry#*=}" bench --model "$model" --turn --spec -n 128 -r 1 -t "$threads" --no-record 2>/dev/null |
        awk -F'|' -v who="$who" '/\| spec-/ {gsub(/ /, "", $2); gsub(/ /, "", $8); gsub(/ /, "", $10); print who, $2, $8, $10}' | tee -a "$out"
    fi
  done
done
python3 - "$out" <<'PY'
import statistics, sys
runs = {}
for line in open(sys.argv[1]):
    who, test, ts = line.split()[:3]
    runs.setdefault(who, {}).setdefault(test, []).append(float(ts))
print("\nmedian t/s (aggregate for xN)")
for who, tests in runs.items():
    med = {t: statistics.median(v) for t, v in tests.items()}
    print(who, "  ".join(f"{t} {v:.1f}" for t, v in med.items()))
    levels = sorted((int(t[1:]), v) for t, v in med.items() if t.startswith("x"))
    if len(levels) > 1 and levels[0][0] == 1:
        print(who, "  ".join(f"x{n}/x1 {v / levels[0][1]:.2f}" for n, v in levels[1:]))
    if "spec-off" in med:
        print(who, "  ".join(f"{t}/spec-off {med[t] / med['spec-off']:.2f}" for t in ("spec-wrong", "spec-own", "spec-lookup") if t in med))
PY
