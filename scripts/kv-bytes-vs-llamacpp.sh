#!/usr/bin/env bash
# KV-cache bytes of one GGUF file at one context length, llama.cpp beside k3mcp: llama.cpp's from the
# "llama_kv_cache: size = X MiB" lines llama-bench -v logs (every cache: full and sliding layers), k3mcp's from
# the "kv cache ctx= bytes=" line of its bench. CTX is llama-bench's n_ctx (n_prompt, with -n 0; llama.cpp
# pads cells to 256, so keep CTX a multiple of 256; it logs MiB with two decimals); both are divided by CTX.
#
#   LLAMA_BENCH=/path/to/llama-bench scripts/kv-bytes-vs-llamacpp.sh MODEL.gguf [CTX]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bench="${LLAMA_BENCH:?set LLAMA_BENCH to a llama-bench binary (see docs/BENCHMARKS.md)}"
model="${1:?usage: kv-bytes-vs-llamacpp.sh MODEL.gguf [CTX]}"
ctx="${2:-256}"
llama=$("$bench" -m "$model" -t "${THREADS:-2}" -p "$ctx" -n 0 -r 1 -v 2>&1 |
  awk '/llama_kv_cache: size =/ {for (i = 1; i <= NF; i++) if ($i == "size") {s += $(i + 2)}} END {printf "%.0f", s * 1048576}')
k3mcp=$("$root/k3mcp" bench --model "$model" -t "${THREADS:-2}" -p 8 -n 1 -r 1 --ctx-size "$ctx" --no-record 2>&1 >/dev/null |
  sed -n 's/.*kv cache ctx=[0-9]* bytes=\([0-9]*\).*/\1/p' | head -1)
echo "ctx $ctx  llama.cpp $llama bytes ($((llama / ctx)) per token)  k3mcp $k3mcp bytes ($((k3mcp / ctx)) per token)"
