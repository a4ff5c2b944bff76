#!/usr/bin/env bash
# Decode speed at depth against decode speed at depth 0 on one file (issue 15's target: a hybrid's tg at depth
# 16384 within 10 % of its tg at depth 0). Each round is one `k3mcp bench -d 0,DEPTH --interleave` process: a KV
# cache per depth and the repetitions taken in turn (depth 0, depth DEPTH, depth 0, ...), so both rates come from
# the same minutes; this machine's memory speed moves by a third within a few minutes, and a plain `-d 0,DEPTH`
# runs every depth-16384 repetition after all the depth-0 ones. Prints each round's rates and ratio, then the
# median ratio over the rounds.
#
#   MODEL=path.gguf scripts/bench-depth-ratio.sh [ROUNDS=3]
#
# Knobs: DEPTH (16384), TG (32), REPS (-r per round, 6: the depth is filled once per round, untimed, a minute or
# more on a hybrid at 16384; later repetitions resume from its checkpoint), THREADS (2), KV (the cache type of keys
# and values, f16 unless set: q8_0 or q4_0).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
model="${MODEL:?set MODEL to a GGUF file}"
[ -f "$model" ] || { echo "bench-depth-ratio: $model is missing" >&2; exit 2; }
rounds="${1:-3}"
depth="${DEPTH:-16384}"
tg="${TG:-32}"
threads="${THREADS:-2}"
err="$(mktemp)"
trap 'rm -f "$err"' EXIT

ratios=()
for r in $(seq "$rounds"); do
  rates="$("$root/k3mcp" bench --model "$model" -t "$threads" -p 0 -n "$tg" -d "0,$depth" --interleave -r "${REPS:-6}" \
    -ctk "${KV:-f16}" -ctv "${KV:-f16}" \
    -o jsonl --no-record 2>"$err" | python3 -c 'import json,sys; print(" ".join("%.2f" % json.loads(l)["avg_ts"] for l in sys.stdin))')" ||
    { cat "$err" >&2; exit 1; }
  read -r at0 atd <<<"$rates"
  ratio="$(python3 -c "print('%.3f' % ($atd / $at0))")"
  ratios+=("$ratio")
  echo "round $r: tg$tg $at0 t/s at depth 0, $atd at depth $depth (interleaved, ${KV:-f16} cache): ratio $ratio"
done
python3 -c "import statistics,sys; print('median ratio over %d rounds: %.3f (target: at least 0.90)' % (len(sys.argv) - 1, statistics.median(map(float, sys.argv[1:]))))" "${ratios[@]}"
