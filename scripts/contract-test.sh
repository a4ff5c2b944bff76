#!/usr/bin/env bash
# Black-box contract tests of the ./k3mcp command line (../shared/docs/CONTRACT.md): exit statuses,
# --json purity, and results against the llama.cpp / ONNX goldens in ../shared. It builds nothing
# itself: ./k3mcp builds when stale. JSON checks are in scripts/contract_checks.py (stdlib only).
#
# Usage: scripts/contract-test.sh [--only REGEX]
#   --only REGEX  run only the cases whose name matches REGEX
# Environment: K3MCP_SHARED (default ../shared), K3MCP (default ./k3mcp), CT_TIMEOUT (s per command).
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export K3MCP_SHARED="${K3MCP_SHARED:-$(cd "$ROOT/.." && pwd)/shared}"
M="$K3MCP_SHARED/models"
K3="${K3MCP:-./k3mcp}"
CT_TIMEOUT="${CT_TIMEOUT:-180}"
ONLY=""
while [ $# -gt 0 ]; do
  case "$1" in
    --only) ONLY="$2"; shift ;;
    *) echo "usage: $0 [--only REGEX]" >&2; exit 2 ;;
  esac
  shift
done
[ -d "$M" ] || { echo "contract-tests: shared models not found at $M (set K3MCP_SHARED)" >&2; exit 2; }

TMP="$(mktemp -d "${TMPDIR:-/tmp}/k3mcp-contract.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT
PASSED=0 FAILED=0 REASON=""
FAILED_NAMES=()

# ---- helpers ------------------------------------------------------------------------------------

# k3 TAG ARGS...: run ./k3mcp ARGS (stdin closed); stdout, stderr, status in $TMP/TAG.{out,err,rc}.
k3() {
  local tag=$1 t0=$EPOCHREALTIME; shift
  timeout "$CT_TIMEOUT" "$K3" "$@" </dev/null >"$TMP/$tag.out" 2>"$TMP/$tag.err"
  echo $? >"$TMP/$tag.rc"
  [ -z "${CT_TIMES:-}" ] || echo "  ($tag: $(echo "$EPOCHREALTIME - $t0" | bc) s)" >&2
}

LOGLINE='^([0-9:.]+ )?\[[^]]+\] (TRACE|DEBUG|INFO|WARN) '
first_err() { grep -v -E "$LOGLINE" "$TMP/$1.err" | grep -m1 . | cut -c1-200; }

rc_is() { # TAG WANT
  local got; got=$(cat "$TMP/$1.rc")
  [ "$got" = "$2" ] && return 0
  REASON="exit status $got, expected $2 (stderr: $(first_err "$1"))"; return 1
}

stderr_has() { # TAG TEXT
  grep -qF -- "$2" "$TMP/$1.err" && return 0
  REASON="stderr does not mention '$2' (stderr: $(first_err "$1"))"; return 1
}

stdout_empty() {
  [ ! -s "$TMP/$1.out" ] && return 0
  REASON="stdout not empty on an error: $(head -c 150 "$TMP/$1.out")"; return 1
}

no_trace() {
  if grep -qE '^[[:space:]]+at [A-Za-z0-9_.$]+\(|^Caused by: |Exception in thread' "$TMP/$1.err"; then
    REASON="stack trace on stderr without --verbose: $(grep -m1 -E '^[[:space:]]+at ' "$TMP/$1.err")"; return 1
  fi
}

has_trace() {
  grep -qE '^[[:space:]]+at [A-Za-z0-9_.$]+\(' "$TMP/$1.err" && return 0
  REASON="no stack trace on stderr with --verbose"; return 1
}

# The error is one line (log lines in slf4j-simple's "[thread] LEVEL" form aside) that names WORD.
one_error_line() { # TAG WORD
  local lines; lines=$(grep -v -E "$LOGLINE" "$TMP/$1.err" | grep -c .)
  [ "$lines" = 1 ] || { REASON="$lines non-log lines on stderr, expected one clear error line: $(head -c 300 "$TMP/$1.err")"; return 1; }
  stderr_has "$1" "$2"
}

py() { # TAG CHECK ARGS...: a JSON check on TAG's stdout
  local tag=$1 check=$2; shift 2
  REASON=$(python3 "$ROOT/scripts/contract_checks.py" "$check" "$TMP/$tag.out" "$@" 2>&1) && return 0
  return 1
}

pyx() { # CHECK ARGS...: a check that takes its own file arguments
  REASON=$(python3 "$ROOT/scripts/contract_checks.py" "$@" 2>&1) && return 0
  return 1
}

logs_not_on_stdout() {
  grep -qE '^\[[^]]+\] (TRACE|DEBUG|INFO|WARN|ERROR) ' "$TMP/$1.out" || return 0
  REASON="log lines on stdout: $(grep -m1 -E '^\[[^]]+\] ' "$TMP/$1.out")"; return 1
}

json_ok() { # TAG CHECK ARGS...: exit 0, no logs on stdout, stdout one JSON document passing CHECK
  local tag=$1; shift
  rc_is "$tag" 0 && logs_not_on_stdout "$tag" && py "$tag" json-only && py "$tag" "$@"
}

known_subcommand() {
  grep -q 'Unmatched arguments from index 0' "$TMP/$1.err" || return 0
  REASON="the subcommand is unknown to this build: $(first_err "$1")"; return 1
}

usage_error() { # TAG FLAG: exit 2, FLAG named on stderr, nothing on stdout, no stack trace
  rc_is "$1" 2 && known_subcommand "$1" && stderr_has "$1" "$2" && stdout_empty "$1" && no_trace "$1"
}

runtime_error() { # TAG WORD: exit 1, one error line naming WORD, nothing on stdout, no stack trace
  rc_is "$1" 1 && no_trace "$1" && stdout_empty "$1" && one_error_line "$1" "$2"
}

# case_ NAME FUNCTION ARGS...: one named case, PASS or FAIL with the reason.
case_() {
  local name=$1; shift
  if [ -n "$ONLY" ] && ! [[ "$name" =~ $ONLY ]]; then return 0; fi
  REASON=""
  if "$@"; then
    PASSED=$((PASSED + 1)); echo "PASS $name"
  else
    FAILED=$((FAILED + 1)); FAILED_NAMES+=("$name"); echo "FAIL $name: ${REASON:-no reason given}"
  fi
}

# wants NAME-REGEX: true when a case of this group will run (skips the commands of filtered-out groups).
wants() { [ -z "$ONLY" ] || [[ "$1" =~ $ONLY ]] || [[ "$ONLY" == "$1"* ]]; }

# The launcher builds a missing or stale jar on its first run: let that happen outside the per-command
# time limit, so that the cases time the tool and not the build.
"$K3" --help >/dev/null || { echo "contract-tests: '$K3 --help' failed (build?)" >&2; exit 1; }

LLAMA="$M/llama-mini-f16.gguf"
QWEN="$M/qwen3-mini-f16.gguf"

# Corrupt model files, built in the temp dir from copies (the shared files are never touched).
head -c 100000 "$LLAMA" >"$TMP/truncated.gguf"
head -c 20 "$LLAMA" >"$TMP/header-only.gguf"
printf 'this is not a gguf file\n' >"$TMP/not-gguf.gguf"
: >"$TMP/empty.gguf"

# ---- exit statuses: usage errors (2) -----------------------------------------------------------

if wants usage; then
  k3 u_unknown generate --model "$LLAMA" --prompt x --max-tokens 1 --bogus-flag
  case_ "usage: unknown flag -> 2 naming it" usage_error u_unknown --bogus-flag
  k3 u_badint generate --model "$LLAMA" --prompt x --max-tokens abc
  case_ "usage: non-integer --max-tokens -> 2" usage_error u_badint --max-tokens
  k3 u_negmax generate --model "$LLAMA" --prompt x --max-tokens -3
  case_ "usage: negative --max-tokens -> 2" usage_error u_negmax --max-tokens
  k3 u_negtemp generate --model "$LLAMA" --prompt x --max-tokens 1 --temperature -1
  case_ "usage: negative --temperature -> 2" usage_error u_negtemp --temperature
  k3 u_topp generate --model "$LLAMA" --prompt x --max-tokens 1 --top-p 1.5
  case_ "usage: --top-p 1.5 (outside 0..1) -> 2" usage_error u_topp --top-p
  k3 u_cores generate --model "$LLAMA" --prompt x --max-tokens 1 --cores zz
  case_ "usage: bad --cores list -> 2" usage_error u_cores --cores
  k3 u_nomodel generate --prompt x --max-tokens 1
  case_ "usage: missing required --model -> 2" usage_error u_nomodel --model
  k3 u_noprompt generate --model "$LLAMA" --max-tokens 1
  case_ "usage: generate without --prompt/--messages -> 2" usage_error u_noprompt --prompt
  k3 u_missing generate --model "$TMP/does-not-exist.gguf" --prompt x --max-tokens 1
  case_ "usage: missing model file -> 2 naming --model" usage_error u_missing --model
  k3 u_tokmissing tokenize --model "$TMP/does-not-exist.gguf" --text x
  case_ "usage: tokenize missing model file -> 2" usage_error u_tokmissing --model
  k3 u_notext tokenize --model "$LLAMA"
  case_ "usage: tokenize without --text -> 2" usage_error u_notext --text
  k3 u_msgs generate --model "$LLAMA" --messages "$TMP/no-such-messages.json" --max-tokens 1
  case_ "usage: missing --messages file -> 2" usage_error u_msgs --messages
  printf '[{"role":"user","content":' >"$TMP/broken-messages.json"
  k3 u_msgjson generate --model "$LLAMA" --messages "$TMP/broken-messages.json" --max-tokens 1
  case_ "usage: --messages file that is not JSON -> 2" usage_error u_msgjson --messages
  k3 u_toplog generate --model "$LLAMA" --prompt x --max-tokens 1 --top-logits 5000
  case_ "usage: --top-logits 5000 -> 2" usage_error u_toplog --top-logits
  k3 u_ctx generate --json --model "$LLAMA" --prompt "Hello" --max-tokens 600
  case_ "usage: prompt + --max-tokens beyond the 512 context -> 2" usage_error u_ctx --max-tokens
  k3 u_scoretok score --model "$LLAMA" --tokens 1,abc
  case_ "usage: score --tokens 1,abc -> 2" usage_error u_scoretok --tokens
  k3 u_scoreoov score --model "$LLAMA" --tokens 1,99999
  case_ "usage: score --tokens id beyond the vocabulary -> 2" usage_error u_scoreoov --tokens
  k3 u_scorenone score --model "$LLAMA"
  case_ "usage: score without --text/--tokens -> 2" usage_error u_scorenone --text
  k3 u_samples board --json --samples 0
  case_ "usage: board --samples 0 -> 2" usage_error u_samples --samples
  k3 u_root board --json --root "$TMP/no-such-root"
  case_ "usage: board --root missing dir -> 2" usage_error u_root --root
  k3 u_sub no-such-subcommand
  case_ "usage: unknown subcommand -> 2" rc_is u_sub 2
  k3 u_help generate --help
  case_ "help: generate --help -> 0" rc_is u_help 0
  k3 u_evalhelp eval --help
  case_ "help: eval --help -> 0" rc_is u_evalhelp 0
fi

# ---- exit statuses: runtime errors (1) ---------------------------------------------------------

if wants runtime; then
  k3 r_trunc generate --json --model "$TMP/truncated.gguf" --prompt x --max-tokens 1
  case_ "runtime: truncated model -> 1, one line naming the file, no trace" runtime_error r_trunc truncated.gguf
  k3 r_truncv generate --json --verbose --model "$TMP/truncated.gguf" --prompt x --max-tokens 1
  case_ "runtime: truncated model with --verbose -> 1 with a stack trace" eval 'rc_is r_truncv 1 && has_trace r_truncv'
  k3 r_header tokenize --json --model "$TMP/header-only.gguf" --text x
  case_ "runtime: tokenize on a 20-byte GGUF -> 1" runtime_error r_header header-only.gguf
  k3 r_notgguf score --json --model "$TMP/not-gguf.gguf" --text x
  case_ "runtime: score on a non-GGUF file -> 1" runtime_error r_notgguf not-gguf.gguf
  k3 r_empty generate --json --model "$TMP/empty.gguf" --prompt x --max-tokens 1
  case_ "runtime: generate on an empty file -> 1" runtime_error r_empty empty.gguf
fi

# ---- tokenize ----------------------------------------------------------------------------------

# tok_case MODEL_KEY FILE MODE TEXT [FLAGS...]: ids equal tokenizer.json's for TEXT.
TOK_N=0
tok_case() {
  local key=$1 file=$2 mode=$3 text=$4; shift 4
  TOK_N=$((TOK_N + 1)); local tag="tok_$TOK_N"
  k3 "$tag" tokenize --json --model "$M/$file" --text "$text" "$@"
  case_ "tokenize $key $mode $(printf '%q' "$text")" json_ok "$tag" tokenize "$key" "$mode" "$text"
}

if wants tokenize; then
  tok_case llama-2-tiny-random llama-2-tiny-random.gguf default $'line one\nline two\r\nline three'
  tok_case llama-2-tiny-random llama-2-tiny-random.gguf parse_special "<s>Hello</s> world" --special
  tok_case llama-2-tiny-random llama-2-tiny-random.gguf no_add_special "" --no-bos
  tok_case llama-mini llama-mini-f16.gguf default " Hello world"
  tok_case llama-mini llama-mini-f16.gguf default "😀"
  tok_case llama-mini llama-mini-f16.gguf no_add_special "Hello world" --no-bos
  tok_case llama3-vocab llama3-vocab.gguf default "I'm sure it's John's, they'll say we'd've"
  tok_case llama3-vocab llama3-vocab.gguf parse_special $'<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>' --special
  tok_case qwen3-mini qwen3-mini-f16.gguf default "<think>reason</think> done"
  tok_case qwen3-mini qwen3-mini-f16.gguf parse_special "<|im_start|>user"$'\n'"Hi<|im_end|>" --special
  tok_case qwen3-mini qwen3-mini-f16.gguf default ""
fi

# ---- generate ----------------------------------------------------------------------------------

if wants generate; then
  GF=generate-llama-mini-f16.json   # prompt 0 "Once upon a time": 16 decisive steps
  k3 g_greedy generate --json --model "$LLAMA" --prompt "Once upon a time" --temperature 0 --max-tokens 16 --top-logits 3
  case_ "generate: all contract fields with the right types" json_ok g_greedy generate-fields
  case_ "generate: greedy ids = golden (llama-mini-f16, 16 decisive steps)" py g_greedy generate-golden "$GF" 0 16
  case_ "generate: --max-tokens 16 -> 16 tokens, finish_reason length" py g_greedy generate-length 16
  case_ "generate: --top-logits 3 -> 3 entries per token, values = golden within tol" \
    py g_greedy generate-top-logits 3 "$GF" 0

  k3 g_qwen generate --json --model "$QWEN" --prompt "The board reports" --temperature 0 --max-tokens 9
  case_ "generate: greedy ids = golden (qwen3-mini-f16, no BOS, 9 decisive steps)" \
    eval 'json_ok g_qwen generate-fields && py g_qwen generate-golden generate-qwen3-mini-f16.json 1 9 && py g_qwen generate-length 9'
  case_ "generate: no top_logits without --top-logits" py g_qwen generate-no-top-logits

  k3 g_stop generate --json --model "$LLAMA" --prompt "Once upon a time" --temperature 0 --max-tokens 16 \
    --stop "never-in-the-text" --stop "ant"
  case_ "generate: --stop (repeated, token-aligned) cuts before the stop text, finish_reason stop" \
    eval 'json_ok g_stop generate-fields && py g_stop generate-stop "$GF" 0 ant'
  k3 g_stopmid generate --json --model "$LLAMA" --prompt "Once upon a time" --temperature 0 --max-tokens 16 --stop "bli"
  case_ "generate: --stop inside a token: text cut exactly before it" py g_stopmid generate-stop "$GF" 0 bli

  SAMPLE=(--temperature 1.5 --top-k 0 --top-p 1 --min-p 0 --max-tokens 12)
  k3 g_seed1 generate --json --model "$LLAMA" --prompt "Once upon a time" "${SAMPLE[@]}" --seed 1234
  k3 g_seed2 generate --json --model "$LLAMA" --prompt "Once upon a time" "${SAMPLE[@]}" --seed 1234
  k3 g_seed3 generate --json --model "$LLAMA" --prompt "Once upon a time" "${SAMPLE[@]}" --seed 99
  case_ "generate: same --seed, temperature 1.5 -> same text twice" \
    eval 'json_ok g_seed1 generate-fields && json_ok g_seed2 generate-fields && pyx same-result "$TMP/g_seed1.out" "$TMP/g_seed2.out"'
  case_ "generate: another --seed, temperature 1.5 -> different tokens" \
    eval 'json_ok g_seed3 generate-fields && pyx different-result "$TMP/g_seed1.out" "$TMP/g_seed3.out"'

  printf '[{"role":"system","content":"You are terse."},{"role":"user","content":"Hi there"}]' >"$TMP/messages.json"
  k3 g_msgs generate --json --model "$QWEN" --messages "$TMP/messages.json" --temperature 0 --max-tokens 4
  case_ "generate: --messages FILE (qwen3 chat) -> valid result" \
    eval 'json_ok g_msgs generate-fields && py g_msgs generate-length 4'
fi

# ---- score -------------------------------------------------------------------------------------

if wants score; then
  TOKS=$(python3 scripts/contract_checks.py prompt-plus-golden generate-llama-mini-f16.json 0 12)
  k3 s_tokens score --json --model "$LLAMA" --tokens "$TOKS" --top-logits 5
  case_ "score: positions[i].token = tokens[i+1], last null; logprob, perplexity, top_logits" \
    json_ok s_tokens score "$TOKS" 5
  case_ "score: teacher-forced top-5 logits = golden within tol (llama-mini-f16)" \
    py s_tokens score-golden generate-llama-mini-f16.json 0
  k3 s_text score --json --model "$LLAMA" --text "Hello world" --top-logits 2
  case_ "score: --text tokenises with BOS as llama.cpp" \
    eval 'json_ok s_text score - 2 && py s_text score-golden-ids llama-mini "Hello world" default'
  k3 s_nobos score --json --model "$LLAMA" --text "Hello world" --no-bos --top-logits 1
  case_ "score: --text --no-bos has no BOS" \
    eval 'json_ok s_nobos score - 1 && py s_nobos score-golden-ids llama-mini "Hello world" no_add_special'
fi

# ---- embed ---------------------------------------------------------------------------------------

if wants embed; then
  mapfile -d '' MINILM_TEXTS < <(python3 scripts/contract_checks.py print-texts minilm)
  EMBED_ARGS=()
  for t in "${MINILM_TEXTS[@]}"; do EMBED_ARGS+=(--text "$t"); done
  k3 m_default embed --json "${EMBED_ARGS[@]}"
  case_ "embed: default model -> dim 384, unit vectors, token_counts, pooling mean, cosine >= 0.9999 vs ONNX golden" \
    json_ok m_default embed-minilm 0 1 2 3 4 5
  case_ "embed: paraphrase pair closer than an unrelated sentence" py m_default embed-paraphrase
  k3 m_raw embed --json --no-normalize --text "${MINILM_TEXTS[0]}" --text "${MINILM_TEXTS[2]}"
  case_ "embed: --no-normalize -> normalized false, raw norms" json_ok m_raw embed-unnormalized
  k3 m_cls embed --json --pooling cls --text "${MINILM_TEXTS[0]}"
  case_ "embed: --pooling cls reported" json_ok m_cls embed-pooling cls 384
  mapfile -d '' QWEN_TEXTS < <(python3 scripts/contract_checks.py print-texts qwen3)
  QARGS=()
  for t in "${QWEN_TEXTS[@]}"; do QARGS+=(--text "$t"); done
  k3 m_qwen embed --json --model "$M/qwen3-embed-mini-f16.gguf" "${QARGS[@]}"
  case_ "embed: qwen3-embed-mini (pooling last from the GGUF) = llama.cpp golden within tol" json_ok m_qwen embed-qwen3
  k3 m_badpool embed --json --pooling bogus --text x
  case_ "embed: --pooling bogus -> 2" usage_error m_badpool --pooling
  k3 m_notext embed --json
  case_ "embed: no --text -> 2" usage_error m_notext --text
  k3 m_missing embed --json --model "$TMP/does-not-exist.gguf" --text x
  case_ "embed: missing model file -> 2" usage_error m_missing --model
  tok_case all-minilm-l6-v2 all-minilm-l6-v2-f16.gguf default "naïve"
  tok_case all-minilm-l6-v2 all-minilm-l6-v2-f16.gguf parse_special "[CLS] hello [SEP] [MASK]" --special
  tok_case all-minilm-l6-v2 all-minilm-l6-v2-f16.gguf no_add_special "Hello world" --no-bos
  k3 m_trunc embed --json --model "$TMP/truncated.gguf" --text x
  case_ "embed: truncated model -> 1, one line, no trace" runtime_error m_trunc truncated.gguf
fi

# ---- template ------------------------------------------------------------------------------------

if wants template; then
  printf '[{"role":"system","content":"You are terse."},{"role":"user","content":"Hi there, board?"}]' >"$TMP/t-messages.json"
  printf '[{"type":"function","function":{"name":"get_fan_speed","description":"fan rpm","parameters":{"type":"object","properties":{"fan":{"type":"integer"}}}}}]' >"$TMP/t-tools.json"
  k3 t_qwen template --json --model "$QWEN" --messages "$TMP/t-messages.json"
  case_ "template: prompt + template_source, generation prompt after the last message" \
    json_ok t_qwen template "Hi there, board?" yes
  k3 t_nogen template --json --model "$QWEN" --messages "$TMP/t-messages.json" --no-generation-prompt
  case_ "template: --no-generation-prompt -> no assistant turn" json_ok t_nogen template "Hi there, board?" no
  k3 t_tools template --json --model "$QWEN" --messages "$TMP/t-messages.json" --tools "$TMP/t-tools.json"
  case_ "template: --tools FILE rendered into the prompt" json_ok t_tools template-tools get_fan_speed
  k3 t_llama template --json --model "$LLAMA" --messages "$TMP/t-messages.json"
  case_ "template: llama-mini -> valid template_source, content rendered" json_ok t_llama template "Hi there, board?" any
  k3 t_nomsg template --json --model "$QWEN" --messages "$TMP/no-such.json"
  case_ "template: missing --messages file -> 2" usage_error t_nomsg --messages
fi

# ---- board -------------------------------------------------------------------------------------

if wants board; then
  k3 b_host board --json
  case_ "board: --json on this host -> contract top-level keys" json_ok b_host board-keys
  case_ "board: this host's cpu, memory, kernel found; k3 not detected" py b_host board-host
  mkdir -p "$TMP/empty-root"
  k3 b_empty board --json --root "$TMP/empty-root"
  case_ "board: empty --root -> exit 0, valid JSON, all keys" json_ok b_empty board-keys
  case_ "board: empty --root -> absent values null/empty" py b_empty board-empty
fi

# ---- serve (its four tools are checked after the eval cases) ------------------------------------

if wants serve; then
  pyx serve-session "$TMP/serve.json" "$K3" serve --transport stdio --model "$LLAMA" >"$TMP/serve-driver.log" 2>&1
  case_ "serve stdio: stdout carries only JSON-RPC; initialize answered" pyx serve-jsonrpc-only "$TMP/serve.json"
  case_ "serve stdio: board-status listed with inputSchema and outputSchema" pyx serve-tool-listed "$TMP/serve.json" board-status
  case_ "serve stdio: board-status call -> structuredContent with the board keys" pyx serve-board-call "$TMP/serve.json"
  case_ "serve stdio: embed listed with inputSchema and outputSchema" pyx serve-tool-listed "$TMP/serve.json" embed
  case_ "serve stdio: embed call -> structuredContent, vectors = ONNX golden (cosine >= 0.9999)" \
    pyx serve-embed-call "$TMP/serve.json"
  case_ "serve stdio: bad generate argument refused naming max_tokens, server still serving" \
    pyx serve-bad-args "$TMP/serve.json"
  case_ "serve stdio: exits 0 when stdin closes" pyx serve-eof-exit "$TMP/serve.json"
  PORT=$((38000 + RANDOM % 2000))
  pyx serve-http-session "$TMP/http.json" http "$PORT" s3cret "$K3" serve --transport http --port "$PORT" --token s3cret \
    >"$TMP/http-driver.log" 2>&1
  case_ "serve http: no/wrong bearer token -> 401" pyx serve-http-auth "$TMP/http.json"
  case_ "serve http: foreign Origin -> 403" pyx serve-http-origin "$TMP/http.json"
  case_ "serve http: initialize at /mcp with the token -> JSON-RPC result" pyx serve-http-init "$TMP/http.json"
  case_ "serve http: stops on SIGTERM, nothing on stdout" pyx serve-stopped "$TMP/http.json"
  pyx serve-http-session "$TMP/sse.json" sse "$((PORT + 1))" s3cret "$K3" serve --transport sse --port "$((PORT + 1))" \
    --token s3cret >"$TMP/sse-driver.log" 2>&1
  case_ "serve sse: no/wrong bearer token -> 401" pyx serve-http-auth "$TMP/sse.json"
  case_ "serve sse: GET /sse with the token -> endpoint event naming /message" pyx serve-sse-endpoint "$TMP/sse.json"
  CT_TIMEOUT=40 k3 v_http serve --transport http --host 0.0.0.0 --port "$PORT"
  case_ "serve: http on 0.0.0.0 without a token -> 2 naming --token" usage_error v_http --token
  CT_TIMEOUT=40 k3 v_sse serve --transport sse --host 0.0.0.0 --port "$PORT"
  case_ "serve: sse on 0.0.0.0 without a token -> 2 naming --token" usage_error v_sse --token
  CT_TIMEOUT=40 k3 v_tokfile serve --transport http --host 0.0.0.0 --port "$PORT" --token-file "$TMP/no-such-token"
  case_ "serve: missing --token-file -> 2" usage_error v_tokfile --token-file
  CT_TIMEOUT=40 k3 v_transport serve --transport carrier-pigeon
  case_ "serve: --transport carrier-pigeon -> 2" usage_error v_transport --transport
fi

# ---- eval (against a stand-in MCP server, so it does not depend on serve) -----------------------

if wants eval; then
  FAKE="python3 $ROOT/scripts/contract_fake_mcp.py"
  cat >"$TMP/eval-pass.json" <<'EOF'
{"name": "contract echo", "description": "eval drives a stdio MCP server",
 "steps": [
  {"name": "list", "list": "tools", "expect": [{"path": "$.tools[*].name", "contains": "echo"}]},
  {"name": "call", "tool": "echo", "arguments": {"word": "${w}"},
   "expect": [{"path": "$.echo.word", "equals": "k3"}]},
  {"name": "refused", "tool": "echo", "arguments": {}, "expect_error": {"matches": "word"}}
 ]}
EOF
  cat >"$TMP/eval-fail.json" <<'EOF'
{"name": "contract echo failing", "description": "an expectation that does not hold",
 "steps": [{"name": "call", "tool": "echo", "arguments": {"word": "k3"},
   "expect": [{"path": "$.echo.word", "equals": "something else"}]}]}
EOF
  k3 e_pass eval "$TMP/eval-pass.json" --server "$FAKE" --var w=k3 --json \
    --report-json "$TMP/eval-report.json" --report-md "$TMP/eval-report.md"
  case_ "eval: passing scenario -> 0, --json one document" json_ok e_pass eval-report
  case_ "eval: --report-json / --report-md written" \
    eval 'pyx json-only "$TMP/eval-report.json" && { [ -s "$TMP/eval-report.md" ] || { REASON="report-md empty or missing"; false; }; }'
  k3 e_fail eval "$TMP/eval-fail.json" --server "$FAKE" --json
  case_ "eval: failing expectation -> 1, still one JSON document" \
    eval 'rc_is e_fail 1 && py e_fail json-only'
  k3 e_missing eval "$TMP/no-such-scenario.json" --server "$FAKE"
  case_ "eval: missing scenario file -> 2" usage_error e_missing no-such-scenario.json
fi

# ---- eval against the real server (the benchmark tool is checked by the serve-tools case) -------

if wants eval-serve; then
  python3 - "$TMP/eval-serve.json" <<'EOF'
import json, os, sys
g = json.load(open(os.path.join(os.environ["K3MCP_SHARED"], "fixtures", "generate-llama-mini-f16.json")))
ids = g["prompts"][0]["generated_ids"][:4]
scenario = {"name": "contract serve", "description": "tools through the real server, greedy ids = llama.cpp golden",
  "steps": [
    {"name": "list", "list": "tools", "expect": [{"path": "$.tools[*].name", "contains": n} for n in
        ("generate", "embed", "board-status")]},
    {"name": "greedy", "tool": "generate", "timeout_ms": 120000,
     "arguments": {"prompt": g["prompts"][0]["prompt"], "max_tokens": 4, "temperature": 0},
     "expect": [{"path": f"$.tokens[{i}]", "equals": t} for i, t in enumerate(ids)] +
               [{"path": "$.finish_reason", "equals": "length"}]},
    {"name": "embed", "tool": "embed", "arguments": {"texts": ["a fan", "a cooler"]}, "timeout_ms": 120000,
     "expect": [{"path": "$.dim", "equals": 384}, {"path": "$.embeddings.length()", "equals": 2}]},
    {"name": "board", "tool": "board-status", "arguments": {}, "expect": [{"path": "$.k3", "exists": True}]},
    {"name": "refused", "tool": "generate", "arguments": {"prompt": "x", "max_tokens": -1},
     "expect_error": {"matches": "max_tokens"}}]}
json.dump(scenario, open(sys.argv[1], "w"))
EOF
  k3 e_serve eval "$TMP/eval-serve.json" --server "$K3 serve --transport stdio --model $LLAMA" --json
  case_ "eval: scenario through the real server (generate = golden, embed, board-status) -> 0" \
    json_ok e_serve eval-report
fi

# ---- bench ---------------------------------------------------------------------------------------

if wants bench; then
  k3 x_json bench --model "$M/llama-mini-q4_0.gguf" -t 1 -p 8 -n 4 -r 1 -o json
  case_ "bench -o json: llama-bench field names + k3mcp's, a pp8 and a tg4 row" \
    eval 'rc_is x_json 0 && logs_not_on_stdout x_json && py x_json bench 8 4 1'
  k3 x_pponly bench --model "$M/llama-mini-q4_0.gguf" -t 1 -p 8 -n 0 -r 1 -o json
  case_ "bench -n 0: a prefill-only run gives its pp8 row and exit 0" \
    eval 'rc_is x_pponly 0 && py x_pponly bench 8 0 1'
  k3 x_badfmt bench --model "$M/llama-mini-q4_0.gguf" -p 8 -n 4 -r 1 -o xml
  case_ "bench: -o xml -> 2" usage_error x_badfmt -o
  k3 x_missing bench --model "$TMP/does-not-exist.gguf" -p 8 -n 4 -r 1 -o json
  case_ "bench: missing model file -> 2" usage_error x_missing --model
fi

# ---- serve: all four tools ----------------------------------------------------------------------

if wants serve; then
  [ -f "$TMP/serve.json" ] || pyx serve-session "$TMP/serve.json" "$K3" serve --transport stdio --model "$LLAMA" \
    >"$TMP/serve-driver.log" 2>&1
  case_ "serve stdio: tools exactly generate, embed, board-status, benchmark with input/output schemas" \
    pyx serve-tools "$TMP/serve.json"
fi


echo "contract-tests: $PASSED passed, $FAILED failed"
if [ "$FAILED" -gt 0 ]; then
  printf '  failed: %s\n' "${FAILED_NAMES[@]}"
  exit 1
fi
