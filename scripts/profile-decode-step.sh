#!/usr/bin/env bash
# Where a batched decode step spends its time (docs/BENCHMARKS.md "Serving several agents"): runs the
# engine's test-side DecodeStepProfile on a synthetic TinyLlama-shaped file: step time per level (plain, and
# through Session.generate with N calls at once), time per kernel call (matmuls per shape and token count),
# what is left outside the kernels, and per-call matmul times at 1, 2, 4, 5 and 9 tokens.
#
#   scripts/profile-decode-step.sh [THREADS=2] [LEVELS=1,4] [PROMPT=32] [GEN=64] [ROUNDS=3] [all|step|matmul]
#
# MODEL=path.gguf overrides the file (default: the cached tinyllama-1.1b-q4_0.gguf; make it with
# `./k3mcp bench --synthetic tinyllama-1.1b:q4_0 -p 0 -n 1 -r 1`). K3K_ISA=avx2 compares the eight-row kernels.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
model="${MODEL:-${K3MCP_SYNTHETIC_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/k3mcp/synthetic}/tinyllama-1.1b-q4_0.gguf}"
[ -f "$model" ] || { echo "profile-decode-step: $model is missing (see the comment at the top)" >&2; exit 2; }
cp_file="$(mktemp)"
trap 'rm -f "$cp_file"' EXIT
./mvnw -B -q -o -pl engine -am test-compile >&2
./mvnw -B -q -o -pl engine dependency:build-classpath -Dmdep.outputFile="$cp_file" -Dmdep.includeScope=test >&2
java -cp "engine/target/classes:engine/target/test-classes:kernels-native/target/classes:$(cat "$cp_file")" \
  io.k3mcp.engine.model.DecodeStepProfile "$model" "${1:-2}" "${2:-1,4}" "${3:-32}" "${4:-64}" "${5:-3}" "${6:-all}"
