#!/usr/bin/env bash
# Makes the quantised-KV goldens in engine/src/test/resources/kv-goldens/ with llama.cpp v0.5.0 (commit
# de3ff81, built in $LLAMA/build): kv_greedy.cpp runs each golden prompt greedily with
# type_k = type_v = TYPE and flash attention ON (llama.cpp requires it for a quantised V cache), no weight
# repacking, 2 threads, 32 tokens, the prompt as one batch. decisive_steps counts the leading steps whose
# top-1/top-2 gap exceeds twice the shared golden's recommended tolerance.
# Usage: scripts/kv-golden/make-kv-goldens.sh [TYPE]   (default q8_0)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
LLAMA="${LLAMA:-/work/llama/src}"
shared="${K3MCP_SHARED:-$root/../shared}"
type="${1:-q8_0}"
bin="${TMPDIR:-/tmp}/k3mcp-kv_greedy"
out="$root/engine/src/test/resources/kv-goldens"
mkdir -p "$out"
nice -n 19 g++ -O2 -std=c++17 -I"$LLAMA/include" -I"$LLAMA/ggml/include" "$here/kv_greedy.cpp" \
    -L"$LLAMA/build/bin" -lllama -lggml -lggml-base -Wl,-rpath,"$LLAMA/build/bin" -o "$bin"
# model name, its golden (relative to shared/fixtures), its file (relative to shared/models)
models="llama-mini-f16 generate-llama-mini-f16.json llama-mini-f16.gguf
qwen3-mini-f16 generate-qwen3-mini-f16.json qwen3-mini-f16.gguf
gemma3-mini-f16 generate-gemma3-mini-f16.json gemma3-mini-f16.gguf
llama32-mini-f16 new-archs/generate-llama32-mini-f16.json new-archs/llama32-mini-f16.gguf
gemma4-mini-f16 new-archs/generate-gemma4-mini-f16.json new-archs/gemma4-mini-f16.gguf"
echo "$models" | while read -r name golden file; do
    python3 - "$bin" "$shared/models/$file" "$shared/fixtures/$golden" "$type" "$name" "$file" > "$out/$name-kv-$type.json" <<'PY'
import json, subprocess, sys
binary, model, golden, kv, name, file = sys.argv[1:]
g = json.load(open(golden))
tol = g["tolerance"]["recommended_abs_logit_tol"]
prompts = []
for p in g["prompts"]:
    ids = ",".join(map(str, p["prompt_ids"]))
    r = json.loads(subprocess.run([binary, model, kv, "32", "2", ids], check=True, capture_output=True, text=True).stdout)
    decisive = 0
    while decisive < len(r["gap_top1_top2"]) and r["gap_top1_top2"][decisive] > 2 * tol:
        decisive += 1
    prompts.append({"prompt_ids": p["prompt_ids"], "generated_ids": r["generated_ids"],
                    "gap_top1_top2": r["gap_top1_top2"], "decisive_steps": decisive})
json.dump({"model": name, "model_file": file, "type_k": kv, "type_v": kv, "flash_attn": "on",
           "llama_cpp": "v0.5.0 (commit de3ff81), CPU, no weight repacking, 2 threads",
           "command": "scripts/kv-golden/make-kv-goldens.sh " + kv, "tolerance": tol, "prompts": prompts}, sys.stdout, indent=1)
print()
PY
    echo "kv golden: $name $type"
done
