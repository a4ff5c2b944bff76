#!/usr/bin/env bash
# Decode speed at depth against decode speed at depth 0 on one file (issue 15's target: a hybrid's tg at depth
# 16384 within 10 % of its tg at depth 0), measured in alternated rounds so both see the same machine: each
# round runs `k3mcp bench -d 0` and then `-d DEPTH`, each in its own process, and prints both rates and their
# ratio; the last line is the median ratio over the rounds. One `bench -d 0,DEPTH` runs its depth tests after
# all the depth-0 ones, minutes apart, and this machine's memory speed moves by a third within that time.
#
#   MODEL=path.gguf scripts/bench-depth-ratio.sh [ROUNDS=3]
#
# Knobs: DEPTH (16384), TG (32), REPS (-r per run, 3: the depth is filled once per run, untimed, a minute or more
# on a hybrid at 16384; later repetitions resume from its checkpoint), THREADS (2).
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

rate() { # depth, repetitions: the run's mean t/s
  "$root/k3mcp" bench --model "$model" -t "$threads" -p 0 -n "$tg" -d "$1" -r "$2" -o jsonl --no-record 2>"$err" |
    python3 -c 'import json,sys; print("%.2f" % json.loads(sys.stdin.readline())["avg_ts"])' ||
    { cat "$err" >&2; exit 1; }
}

ratios=()
for r in $(seq "$rounds"); do
  at0="$(rate 0 "${REPS:-3}")"
  atd="$(rate "$depth" "${REPS:-3}")"
  ratio="$(python3 -c "print('%.3f' % ($atd / $at0))")"
  ratios+=("$ratio")
  echo "round $r: tg$tg $at0 t/s at depth 0, $atd at depth $depth: ratio $ratio"
done
python3 -c "import statistics,sys; print('median ratio over %d rounds: %.3f (target: at least 0.90)' % (len(sys.argv) - 1, statistics.median(map(float, sys.argv[1:]))))" "${ratios[@]}"
