#!/usr/bin/env bash
# Makes the gemma4 tokenizer oracle in engine/src/test/resources/tokenizer/: a vocab-only GGUF of Gemma 4's
# tokenizer kind written by llama.cpp's gguf-py (make-gemma4-vocab.py) and llama.cpp v0.5.0's tokenization
# of the texts in gemma4-texts.txt (one per line, \n and \t escaped) with that file (tokenize.cpp).
# Usage: scripts/tokenizer-golden/make-gemma4-golden.sh   (llama.cpp built in $LLAMA/build)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
LLAMA="${LLAMA:-/work/llama/src}"
out="$root/engine/src/test/resources/tokenizer"
bin="${TMPDIR:-/tmp}/k3mcp-tokenize"
g++ -O1 -std=c++17 -I"$LLAMA/include" -I"$LLAMA/ggml/include" "$here/tokenize.cpp" \
    -L"$LLAMA/build/bin" -lllama -lggml -lggml-base -Wl,-rpath,"$LLAMA/build/bin" -o "$bin"
LLAMA="$LLAMA" python3 "$here/make-gemma4-vocab.py" "$out/gemma4-vocab.gguf"
python3 - "$here/gemma4-texts.txt" <<'PY' | "$bin" "$out/gemma4-vocab.gguf" 2>/dev/null > "$out/gemma4-tokenized.jsonl"
import sys
texts = [line.rstrip("\n").encode().decode("unicode_escape").encode("latin-1").decode("utf-8")
         for line in open(sys.argv[1], encoding="utf-8") if line.strip()]
sys.stdout.buffer.write(b"\0".join(t.encode("utf-8") for t in texts))
PY
echo "gemma4 tokenizer golden: $(wc -l < "$out/gemma4-tokenized.jsonl") texts"
