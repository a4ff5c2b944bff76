# Contract cases for what has not landed on this branch yet (bench, the benchmark tool).
# Sourced by scripts/contract-test.sh --pending only: these are expected to FAIL until the
# subcommand lands; move each group into contract-test.sh once it passes.
# shellcheck shell=bash disable=SC2016,SC2154

# ---- bench ---------------------------------------------------------------------------------------

if wants bench; then
  k3 x_json bench --model "$M/llama-mini-q4_0.gguf" -t 1 -p 8 -n 4 -r 1 -o json
  case_ "bench -o json: llama-bench field names + k3mcp's, a pp8 and a tg4 row" \
    eval 'rc_is x_json 0 && logs_not_on_stdout x_json && py x_json bench 8 4 1'
  k3 x_badfmt bench --model "$M/llama-mini-q4_0.gguf" -p 8 -n 4 -r 1 -o xml
  case_ "bench: -o xml -> 2" usage_error x_badfmt -o
  k3 x_missing bench --model "$TMP/does-not-exist.gguf" -p 8 -n 4 -r 1 -o json
  case_ "bench: missing model file -> 2" usage_error x_missing --model
fi

# ---- serve: all four tools (benchmark has not landed) --------------------------------------------

if wants serve; then
  [ -f "$TMP/serve.json" ] || pyx serve-session "$TMP/serve.json" "$K3" serve --transport stdio --model "$LLAMA" \
    >"$TMP/serve-driver.log" 2>&1
  case_ "serve stdio: tools exactly generate, embed, board-status, benchmark with input/output schemas" \
    pyx serve-tools "$TMP/serve.json"
fi

