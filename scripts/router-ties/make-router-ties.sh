#!/usr/bin/env bash
# Router near-ties of a new-archs MoE golden whose fixture lists none (gemma4-moe-mini-*, the K-quant qwen35moe/qwen3moe files), from llama.cpp
# v0.5.0 itself: router_margins.cpp runs each golden run's prompt + generated ids as one batch and lists
# every (position, layer) whose k-th and (k+1)-th router logits lie within MAX_MARGIN (0.05, the fixtures'
# moe_router_near_ties threshold). Writes engine/src/test/resources/router-ties/NAME.json in the fixtures'
# format; Golden reads it where the fixture has no moe_router_near_ties.
# Usage: scripts/router-ties/make-router-ties.sh NAME [MAX_MARGIN]   (NAME e.g. gemma4-moe-mini-q8_0)
set -euo pipefail
name=${1:?usage: make-router-ties.sh NAME [MAX_MARGIN]}
margin=${2:-0.05}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
LLAMA=${LLAMA:-/work/llama/src}
shared=${K3MCP_SHARED:-$root/../shared}
golden="$shared/fixtures/new-archs/generate-$name.json"
out="$root/engine/src/test/resources/router-ties/$name.json"
bin=$(mktemp -d)/router_margins
nice -n 19 g++ -O2 -std=c++17 -I"$LLAMA/include" -I"$LLAMA/ggml/include" "$here/router_margins.cpp" \
    -L"$LLAMA/build/bin" -lllama -lggml -lggml-base -Wl,-rpath,"$LLAMA/build/bin" -o "$bin"
model="$shared/models/new-archs/$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["model"]["file"])' "$golden")"
mkdir -p "$(dirname "$out")"
python3 - "$golden" "$model" "$bin" "$margin" "$out" <<'PY'
import json, subprocess, sys
golden, model, binary, margin, out = sys.argv[1:]
g = json.load(open(golden))
def ties(run):
    ids = ",".join(str(i) for i in run["prompt_ids"] + run["generated_ids"])
    lines = subprocess.run([binary, model, margin, ids], check=True, capture_output=True, text=True).stdout.split("\n")
    rows = [l.split() for l in lines if l.strip()]
    return {"ties": sorted([int(p), int(l), float(m)] for p, l, m in rows)}
doc = {"what": "routing decisions (position, layer, margin = k-th minus (k+1)-th router logit) below "
               + margin + " in llama.cpp v0.5.0's own router logits (fa off, no repack, 2 threads; prompt and "
               + "generated ids as one batch), made by scripts/router-ties/make-router-ties.sh",
       "model": g["model"]["file"], "max_margin": float(margin),
       "prompts": [ties(p) for p in g["prompts"]]}
for extra in ("sliding_window_run", "long_run"):
    if extra in g:
        doc[extra] = ties(g[extra])
json.dump(doc, open(out, "w"))
print(out)
PY
