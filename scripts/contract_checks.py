#!/usr/bin/env python3
"""JSON checks for scripts/contract-test.sh (black-box tests of ../shared/docs/CONTRACT.md).

Usage: contract_checks.py CHECK ARGS...   Exit 0 when the check holds; otherwise exit 1 and print
one line saying why. Oracles are read from $K3MCP_SHARED (../shared), never copied.
Only the Python standard library is used.
"""
import json
import math
import os
import sys

SHARED = os.environ.get("K3MCP_SHARED", os.path.join(os.path.dirname(__file__), "..", "..", "shared"))


class Fail(Exception):
    pass


def need(cond, msg):
    if not cond:
        raise Fail(msg)


def load_doc(path):
    """The whole of stdout must be exactly one JSON document."""
    with open(path, encoding="utf-8", errors="strict") as f:
        text = f.read()
    need(text.strip() != "", "stdout is empty (expected one JSON document)")
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise Fail(f"stdout is not exactly one JSON document: {e.msg} at char {e.pos}: {text[max(0, e.pos - 40):e.pos + 40]!r}")


def fixture(name):
    with open(os.path.join(SHARED, "fixtures", name), encoding="utf-8") as f:
        return json.load(f)


def golden_prompt(fixture_name, idx):
    g = fixture(fixture_name)
    return g, g["prompts"][int(idx)]


def is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


def is_num(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def check_logit_list(entries, k, where):
    need(isinstance(entries, list), f"{where}: top_logits is not a list")
    need(len(entries) == k, f"{where}: {len(entries)} top_logits entries, expected {k}")
    for e in entries:
        need(isinstance(e, dict) and is_int(e.get("id")) and is_num(e.get("logit")),
             f"{where}: top_logits entry {e!r} is not {{id: int, logit: float}}")
    logits = [e["logit"] for e in entries]
    need(logits == sorted(logits, reverse=True), f"{where}: top_logits not sorted best first: {logits}")


# ---- generic ---------------------------------------------------------------------------------

def c_json_only(out):
    load_doc(out)


def c_same_result(out1, out2):
    a, b = load_doc(out1), load_doc(out2)
    need(a.get("tokens") == b.get("tokens") and a.get("text") == b.get("text"),
         f"same seed gave different results: {a.get('tokens')} vs {b.get('tokens')}")


def c_different_result(out1, out2):
    a, b = load_doc(out1), load_doc(out2)
    need(a.get("tokens") != b.get("tokens"),
         f"different seeds at temperature 1.5 (no top-k/top-p/min-p) gave the same tokens {a.get('tokens')}: is the seed/temperature used?")


# ---- tokenize --------------------------------------------------------------------------------

def c_tokenize(out, model_key, mode, text):
    """mode: default | parse_special | no_add_special."""
    d = load_doc(out)
    need(isinstance(d, dict) and isinstance(d.get("ids"), list) and isinstance(d.get("pieces"), list),
         f"expected {{ids: [int], pieces: [string]}}, got keys {sorted(d) if isinstance(d, dict) else type(d).__name__}")
    m = fixture("tokenizer.json")["models"][model_key]
    rows = m["no_add_special_examples"] if mode == "no_add_special" else m[mode]["results"]
    match = [r for r in rows if r["text"] == text]
    need(match, f"test bug: text {text!r} not in tokenizer.json models.{model_key}.{mode}")
    want = match[0]["ids"]
    need(all(is_int(i) for i in d["ids"]), f"ids not all ints: {d['ids']}")
    need(all(isinstance(p, str) for p in d["pieces"]), "pieces not all strings")
    need(len(d["pieces"]) == len(d["ids"]), f"{len(d['pieces'])} pieces for {len(d['ids'])} ids")
    need(d["ids"] == want, f"ids {d['ids']} != llama.cpp golden {want} for {text!r}")


# ---- generate --------------------------------------------------------------------------------

def c_generate_fields(out):
    d = load_doc(out)
    need(isinstance(d, dict), "result is not a JSON object")
    types = {"text": str, "tokens": list, "prompt_tokens": int, "completion_tokens": int,
             "finish_reason": str, "timings": dict}
    for k, t in types.items():
        need(k in d, f"field '{k}' missing (have {sorted(d)})")
        ok = is_int(d[k]) if t is int else isinstance(d[k], t)
        need(ok, f"field '{k}' is {type(d[k]).__name__}, expected {t.__name__}")
    need(all(is_int(t) for t in d["tokens"]), "tokens not all ints")
    need(d["finish_reason"] in ("stop", "length", "eos", "cancelled"), f"finish_reason {d['finish_reason']!r} not in the contract's set")
    need(d["completion_tokens"] == len(d["tokens"]), f"completion_tokens {d['completion_tokens']} != len(tokens) {len(d['tokens'])}")
    for k in ("prefill_ms", "decode_ms", "prefill_tps", "decode_tps"):
        need(k in d["timings"], f"timings.{k} missing (have {sorted(d['timings'])})")
        need(is_num(d["timings"][k]) and d["timings"][k] >= 0, f"timings.{k} = {d['timings'][k]!r} is not a number >= 0")
    need("top_logits" not in d or d["top_logits"] is None or isinstance(d["top_logits"], list), "top_logits has the wrong type")


def c_generate_no_top_logits(out):
    d = load_doc(out)
    need(d.get("top_logits") in (None, []) , "top_logits present although --top-logits was not given (contract: only with --top-logits)")


def c_generate_golden(out, fixture_name, idx, n):
    """Greedy ids equal the golden's for the decisive steps (at most n)."""
    d = load_doc(out)
    g, p = golden_prompt(fixture_name, idx)
    k = min(int(n), p["decisive_steps"])
    need(d["prompt_tokens"] == len(p["prompt_ids"]),
         f"prompt_tokens {d['prompt_tokens']} != {len(p['prompt_ids'])} (golden prompt_ids {p['prompt_ids']})")
    need(d["tokens"][:k] == p["generated_ids"][:k],
         f"greedy tokens {d['tokens'][:k]} != golden {p['generated_ids'][:k]} (first {k} decisive steps)")


def c_generate_length(out, n):
    d = load_doc(out)
    need(d["finish_reason"] == "length", f"finish_reason {d['finish_reason']!r}, expected 'length' at --max-tokens {n}")
    need(len(d["tokens"]) == int(n) and d["completion_tokens"] == int(n),
         f"{len(d['tokens'])} tokens / completion_tokens {d['completion_tokens']}, expected exactly {n}")


def c_generate_top_logits(out, k, fixture_name=None, idx=None):
    d = load_doc(out)
    k = int(k)
    tl = d.get("top_logits")
    need(isinstance(tl, list), f"top_logits missing or not a list with --top-logits {k}")
    need(len(tl) == len(d["tokens"]), f"{len(tl)} top_logits lists for {len(d['tokens'])} generated tokens")
    for i, entries in enumerate(tl):
        check_logit_list(entries, k, f"token {i}")
        need(entries[0]["id"] == d["tokens"][i], f"greedy token {i} is {d['tokens'][i]} but its top logit is id {entries[0]['id']}")
    if fixture_name:
        g, p = golden_prompt(fixture_name, idx)
        tol = g["tolerance"]["recommended_abs_logit_tol"]
        for s in range(min(p["decisive_steps"], len(tl))):
            gold = dict((gid, gl) for gid, gl in p["steps"][s]["top5"])
            for e in tl[s]:
                if e["id"] in gold:
                    need(abs(e["logit"] - gold[e["id"]]) <= tol,
                         f"step {s} id {e['id']}: logit {e['logit']} vs golden {gold[e['id']]} (tol {tol:.4f})")


def golden_text(p, steps):
    return "".join(s["piece"] for s in p["steps"][:steps])


def c_generate_stop(out, fixture_name, idx, stop):
    """The returned text is the greedy text cut just before the first occurrence of the stop string."""
    d = load_doc(out)
    g, p = golden_prompt(fixture_name, idx)
    full = golden_text(p, p["decisive_steps"])
    need(stop in full, f"test bug: stop {stop!r} not in golden text {full!r}")
    want = full[:full.index(stop)]
    need(stop not in d["text"], f"stop string {stop!r} included in the returned text {d['text']!r}")
    need(d["text"] == want, f"text {d['text']!r} != golden text before the stop string {want!r}")
    need(d["finish_reason"] == "stop", f"finish_reason {d['finish_reason']!r}, expected 'stop'")


# ---- score -----------------------------------------------------------------------------------

def c_score(out, tokens_csv, k):
    d = load_doc(out)
    for key in ("tokens", "positions", "perplexity"):
        need(key in d, f"field '{key}' missing (have {sorted(d)})")
    toks = [int(t) for t in tokens_csv.split(",")] if tokens_csv != "-" else d["tokens"]
    need(d["tokens"] == toks, f"tokens {d['tokens']} != the given {toks}")
    pos = d["positions"]
    need(len(pos) == len(toks), f"{len(pos)} positions for {len(toks)} tokens (one per token expected)")
    for i, p in enumerate(pos):
        want = toks[i + 1] if i + 1 < len(toks) else None
        need(p.get("token") == want, f"positions[{i}].token = {p.get('token')!r}, expected tokens[{i + 1}] = {want!r}")
        if want is None:
            need(p.get("logprob") is None, f"last position logprob {p.get('logprob')!r}, expected null")
        else:
            need(is_num(p.get("logprob")) and p["logprob"] <= 0, f"positions[{i}].logprob {p.get('logprob')!r} is not a float <= 0")
        check_logit_list(p.get("top_logits"), int(k), f"positions[{i}]")
        ours = {e["id"]: e["logit"] for e in p["top_logits"]}
        if want is not None and want in ours:
            # log p(token) = logit - logsumexp(all logits) <= logit - logsumexp(top K logits)
            top = max(ours.values())
            bound = ours[want] - (top + math.log(sum(math.exp(v - top) for v in ours.values())))
            need(p["logprob"] <= bound + 1e-4, f"positions[{i}]: logprob {p['logprob']} > its bound {bound} from the top logits")
    ppl = d["perplexity"]
    need(is_num(ppl) and ppl > 0 and math.isfinite(ppl), f"perplexity {ppl!r} is not a positive float")
    lps = [p["logprob"] for p in pos if p.get("logprob") is not None]
    if lps:
        want = math.exp(-sum(lps) / len(lps))
        need(abs(ppl - want) <= 1e-6 * want, f"perplexity {ppl} != exp(-mean logprob) = {want}")


def c_score_golden(out, fixture_name, idx):
    """Teacher-forced top logits vs the golden steps (positions from the last prompt token on)."""
    d = load_doc(out)
    g, p = golden_prompt(fixture_name, idx)
    tol = g["tolerance"]["recommended_abs_logit_tol"]
    base = len(p["prompt_ids"]) - 1
    for s, st in enumerate(p["steps"]):
        if base + s >= len(d["positions"]):
            break
        pos = d["positions"][base + s]
        ours = {e["id"]: e["logit"] for e in pos["top_logits"]}
        for gid, gl in st["top5"]:
            need(gid in ours or gl < st["top5"][0][1] - 2 * tol and len(ours) < 5,
                 f"step {s}: golden top id {gid} missing from top_logits {sorted(ours)}")
            if gid in ours:
                need(abs(ours[gid] - gl) <= tol, f"step {s} id {gid}: logit {ours[gid]} vs golden {gl} (tol {tol:.4f})")
        if st["gap_top1_top2"] > 2 * tol:
            need(pos["top_logits"][0]["id"] == st["top5"][0][0], f"step {s}: argmax {pos['top_logits'][0]['id']} != golden {st['top5'][0][0]}")


def c_score_golden_ids(out, model_key, text, mode):
    d = load_doc(out)
    m = fixture("tokenizer.json")["models"][model_key]
    rows = m["no_add_special_examples"] if mode == "no_add_special" else m["default"]["results"]
    want = [r for r in rows if r["text"] == text][0]["ids"]
    need(d["tokens"] == want, f"score tokens {d['tokens']} != golden tokenisation {want}")


def c_prompt_plus_golden(fixture_name, idx, n):
    """Prints prompt_ids + the first n golden generated ids as a comma list (input for score --tokens)."""
    g, p = golden_prompt(fixture_name, idx)
    print(",".join(str(t) for t in p["prompt_ids"] + p["generated_ids"][:int(n)]))


# ---- board -----------------------------------------------------------------------------------

BOARD_KEYS = ["board", "cpu", "memory", "thermal", "fans", "power", "accelerators", "storage", "kernel", "k3"]


def c_board_keys(out):
    d = load_doc(out)
    need(isinstance(d, dict), "board result is not a JSON object")
    missing = [k for k in BOARD_KEYS if k not in d]
    need(not missing, f"top-level keys missing: {missing} (have {sorted(d)})")


def c_board_host(out):
    """On this (real Linux) machine the probes must find cpus, memory and the kernel."""
    d = load_doc(out)
    need(isinstance(d["cpu"], dict), f"cpu is {d['cpu']!r} on a real Linux host")
    need(isinstance(d["memory"], dict), f"memory is {d['memory']!r} on a real Linux host")
    need(isinstance(d["kernel"], dict) and d["kernel"].get("release"), f"kernel.release missing on a real Linux host: {d['kernel']!r}")
    need(d.get("k3", {}).get("detected") is False, "k3.detected is not false on an x86/aarch64 host")


def empty_value(v):
    return v is None or v == [] or v == {} or v == "" or v is False


def c_board_empty(out):
    d = load_doc(out)
    for k in ("thermal", "fans", "power", "storage"):
        need(d[k] in (None, []), f"{k} = {d[k]!r} on an empty root, expected null or []")
    need(d["memory"] is None or all(empty_value(v) for v in d["memory"].values()),
         f"memory = {d['memory']!r} on an empty root, expected null/empty values")
    if isinstance(d["board"], dict):
        bad = {k: v for k, v in d["board"].items() if not empty_value(v)}
        need(not bad, f"board has values on an empty root: {bad}")
    if isinstance(d["kernel"], dict):
        need(d["kernel"].get("release") is None, f"kernel.release = {d['kernel'].get('release')!r} on an empty root")
    if isinstance(d["k3"], dict):
        need(d["k3"].get("detected") in (None, False), "k3.detected true on an empty root")


# ---- embed -----------------------------------------------------------------------------------

def cosine(a, b):
    dot = sum(x * y for x, y in zip(a, b))
    return dot / (math.sqrt(sum(x * x for x in a)) * math.sqrt(sum(y * y for y in b)))


def c_embed_minilm(out, *indices):
    """Default model vs all-minilm-l6-v2.golden.json sentences (given by index, in order)."""
    embed_minilm(load_doc(out), indices)


def embed_minilm(d, indices):
    gold = json.load(open(os.path.join(SHARED, "models", "all-minilm-l6-v2.golden.json"), encoding="utf-8"))
    sents = [gold["sentences"][int(i)] for i in indices]
    for key, t in (("model", str), ("dim", int), ("pooling", str), ("normalized", bool), ("embeddings", list), ("token_counts", list)):
        need(key in d, f"field '{key}' missing (have {sorted(d)})")
        need(isinstance(d[key], t) and not (t is int and isinstance(d[key], bool)), f"field '{key}' is {type(d[key]).__name__}, expected {t.__name__}")
    need(d["dim"] == 384, f"dim {d['dim']}, expected 384")
    need(d["pooling"] == "mean", f"pooling {d['pooling']!r}, expected 'mean' (the model's)")
    need(d["normalized"] is True, "normalized is not true by default")
    need(len(d["embeddings"]) == len(sents), f"{len(d['embeddings'])} embeddings for {len(sents)} texts")
    need(d["token_counts"] == [len(s["token_ids"]) for s in sents],
         f"token_counts {d['token_counts']} != golden {[len(s['token_ids']) for s in sents]}")
    for i, (v, s) in enumerate(zip(d["embeddings"], sents)):
        need(len(v) == 384 and all(is_num(x) for x in v), f"embedding {i}: {len(v)} numbers, expected 384")
        norm = math.sqrt(sum(x * x for x in v))
        need(abs(norm - 1) <= 1e-3, f"embedding {i}: norm {norm}, expected 1")
        c = cosine(v, s["embedding"])
        need(c >= 0.9999, f"embedding {i} ({s['text'][:30]!r}): cosine vs ONNX golden {c:.7f} < 0.9999")


def c_embed_paraphrase(out):
    """Texts 0,1 are the paraphrase pair of the golden file, 2 an unrelated sentence."""
    d = load_doc(out)
    e = d["embeddings"]
    para, other = cosine(e[0], e[1]), max(cosine(e[0], e[2]), cosine(e[1], e[2]))
    need(para > other, f"paraphrase cosine {para:.4f} not above unrelated {other:.4f}")


def c_embed_unnormalized(out):
    d = load_doc(out)
    need(d.get("normalized") is False, f"normalized = {d.get('normalized')!r} with --no-normalize")
    norms = [math.sqrt(sum(x * x for x in v)) for v in d["embeddings"]]
    need(any(abs(n - 1) > 1e-2 for n in norms), f"--no-normalize still gives unit vectors: norms {norms}")


def c_embed_pooling(out, pooling, dim):
    d = load_doc(out)
    need(d.get("pooling") == pooling, f"pooling {d.get('pooling')!r}, expected {pooling!r}")
    need(d.get("dim") == int(dim) and all(len(v) == int(dim) for v in d["embeddings"]), f"dim {d.get('dim')}, expected {dim}")


def c_embed_qwen3(out):
    """qwen3-embed-mini-f16 (pooling last from the GGUF) vs embed.json within its recommended tolerance."""
    d = load_doc(out)
    g = fixture("embed.json")["qwen3-embed-mini-f16"]
    tol = g.get("recommended_abs_tol", 1e-3)
    need(d.get("pooling") == "last", f"pooling {d.get('pooling')!r}, expected 'last' (from the GGUF)")
    need(len(d["embeddings"]) == len(g["results"]), f"{len(d['embeddings'])} embeddings for {len(g['results'])} texts")
    for i, (v, r) in enumerate(zip(d["embeddings"], g["results"])):
        need(len(v) == len(r["embedding"]), f"embedding {i}: dim {len(v)} != {len(r['embedding'])}")
        diff = max(abs(a - b) for a, b in zip(v, r["embedding"]))
        need(diff <= tol, f"embedding {i}: max abs diff {diff:.2e} > {tol}")


def c_print_texts(source):
    """Prints NUL-separated golden texts for the shell: minilm | qwen3."""
    if source == "minilm":
        gold = json.load(open(os.path.join(SHARED, "models", "all-minilm-l6-v2.golden.json"), encoding="utf-8"))
        texts = [s["text"] for s in gold["sentences"]]
    else:
        texts = [r["text"] for r in fixture("embed.json")["qwen3-embed-mini-f16"]["results"]]
    sys.stdout.write("".join(t + "\0" for t in texts))


# ---- template / bench ------------------------------------------------------------------------

def c_template(out, content, generation_prompt):
    d = load_doc(out)
    need(isinstance(d.get("prompt"), str), f"prompt missing or not a string (have {sorted(d)})")
    src = d.get("template_source")
    need(src == "gguf" or (isinstance(src, str) and src.startswith("builtin:") and len(src) > 8),
         f"template_source {src!r} is not 'gguf' or 'builtin:<name>'")
    need(content in d["prompt"], f"message content {content!r} not in the rendered prompt {d['prompt']!r}")
    tail = d["prompt"][d["prompt"].rindex(content) + len(content):]
    if generation_prompt == "any":  # formats such as Llama-2's [INST] name no assistant role
        return
    if generation_prompt == "yes":
        need("assistant" in tail, f"no assistant generation prompt after the last message: tail {tail!r}")
    else:
        need("assistant" not in tail, f"--no-generation-prompt still adds an assistant turn: tail {tail!r}")


def c_template_tools(out, tool_name):
    d = load_doc(out)
    need(tool_name in d.get("prompt", ""), f"tool {tool_name!r} not rendered into the prompt {d.get('prompt')!r}")


BENCH_FIELDS = {"model_filename": str, "model_type": str, "model_size": int, "model_n_params": int, "n_threads": int,
                "n_prompt": int, "n_gen": int, "avg_ns": int, "stddev_ns": int, "avg_ts": float, "stddev_ts": float,
                "samples_ns": list, "samples_ts": list, "cpu_info": str, "type_k": str, "type_v": str}
BENCH_OWN = ["cores", "backend", "bandwidth_gbs", "roofline_ts", "roofline_fraction"]


def c_bench(out, n_prompt, n_gen, reps):
    d = load_doc(out)
    need(isinstance(d, list) and d, f"bench -o json is not a non-empty array: {type(d).__name__}")
    for i, row in enumerate(d):
        for k, t in BENCH_FIELDS.items():
            need(k in row, f"row {i}: llama-bench field '{k}' missing (have {sorted(row)})")
            v = row[k]
            ok = is_num(v) if t is float else (is_int(v) if t is int else isinstance(v, t))
            need(ok, f"row {i}: '{k}' = {v!r} is not {t.__name__}")
        for k in BENCH_OWN:
            need(k in row, f"row {i}: k3mcp field '{k}' missing")
        need(len(row["samples_ns"]) == int(reps) and len(row["samples_ts"]) == int(reps),
             f"row {i}: {len(row['samples_ns'])} samples, expected -r {reps}")
        need(row["avg_ts"] > 0, f"row {i}: avg_ts {row['avg_ts']} not > 0")
    need(any(r["n_prompt"] == int(n_prompt) and r["n_gen"] == 0 for r in d), f"no prompt row n_prompt={n_prompt}, n_gen=0")
    if int(n_gen) > 0:
        need(any(r["n_gen"] == int(n_gen) and r["n_prompt"] == 0 for r in d), f"no generation row n_prompt=0, n_gen={n_gen}")
    else:
        need(all(r["n_gen"] == 0 for r in d), "a prefill-only run (-n 0) has a generation row")


# ---- eval ------------------------------------------------------------------------------------

def c_eval_report(out):
    d = load_doc(out)
    need(isinstance(d, (dict, list)), "eval --json report is not an object/array")


# ---- serve (stdio) ---------------------------------------------------------------------------

MCP_TOOLS = {"generate", "embed", "board-status", "benchmark"}


def c_serve_session(transcript, *cmd):
    """Drives `serve --transport stdio`: initialize, tools/list, a board-status call, a generate call with
    a bad argument, tools/list again, then EOF. Writes every stdout line and the exit status to TRANSCRIPT."""
    import queue
    import subprocess
    import threading
    import time
    proc = subprocess.Popen(list(cmd), stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    lines, errs, q = [], [], queue.Queue()
    threading.Thread(target=lambda: [q.put(l) for l in proc.stdout] + [q.put(None)], daemon=True).start()
    threading.Thread(target=lambda: [errs.append(l.decode("utf-8", "replace")) for l in proc.stderr], daemon=True).start()
    responses, problem = {}, None

    def send(obj):
        proc.stdin.write((json.dumps(obj) + "\n").encode())
        proc.stdin.flush()

    def wait_for(rid, timeout):
        deadline = time.time() + timeout
        while rid not in responses:
            try:
                raw = q.get(timeout=max(0.1, deadline - time.time()))
            except queue.Empty:
                raise Fail(f"no response to request id {rid} within {timeout}s")
            if raw is None:
                raise Fail(f"server closed stdout before answering id {rid}")
            text = raw.decode("utf-8", "replace")
            lines.append(text)
            try:
                msg = json.loads(text)
            except json.JSONDecodeError:
                continue
            if isinstance(msg, dict) and "id" in msg and ("result" in msg or "error" in msg):
                responses[msg["id"]] = msg

    try:
        send({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "protocolVersion": "2025-06-18", "capabilities": {},
            "clientInfo": {"name": "contract-test", "version": "0"}}})
        wait_for(1, 90)
        send({"jsonrpc": "2.0", "method": "notifications/initialized"})
        send({"jsonrpc": "2.0", "id": 2, "method": "tools/list", "params": {}})
        wait_for(2, 30)
        send({"jsonrpc": "2.0", "id": 3, "method": "tools/call", "params": {"name": "board-status", "arguments": {}}})
        wait_for(3, 60)
        send({"jsonrpc": "2.0", "id": 4, "method": "tools/call",
              "params": {"name": "generate", "arguments": {"prompt": "x", "max_tokens": -5}}})
        wait_for(4, 60)
        send({"jsonrpc": "2.0", "id": 5, "method": "tools/list", "params": {}})
        wait_for(5, 30)
        gold = json.load(open(os.path.join(SHARED, "models", "all-minilm-l6-v2.golden.json"), encoding="utf-8"))
        send({"jsonrpc": "2.0", "id": 6, "method": "tools/call", "params": {
            "name": "embed", "arguments": {"texts": [gold["sentences"][0]["text"], gold["sentences"][1]["text"]]}}})
        wait_for(6, 120)
    except (Fail, BrokenPipeError) as e:
        problem = str(e)
    rc = None
    try:
        proc.stdin.close()
        rc = proc.wait(timeout=20)
    except (subprocess.TimeoutExpired, BrokenPipeError) as e:
        problem = (problem + "; " if problem else "") + f"server did not exit after stdin closed: {e}"
        proc.kill()
        proc.wait()
    time.sleep(0.2)
    while True:
        try:
            raw = q.get_nowait()
        except queue.Empty:
            break
        if raw is not None:
            lines.append(raw.decode("utf-8", "replace"))
    with open(transcript, "w", encoding="utf-8") as f:
        json.dump({"lines": lines, "responses": {str(k): v for k, v in responses.items()}, "rc": rc,
                   "problem": problem, "stderr_tail": "".join(errs)[-2000:]}, f)
    need(problem is None, f"{problem}; stderr: {''.join(errs)[-300:]!r}")


def transcript(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def response(t, rid):
    r = t["responses"].get(str(rid))
    need(r is not None, f"no response to request {rid} ({t['problem']})")
    return r


def c_serve_jsonrpc_only(path):
    t = transcript(path)
    need(t["lines"], "nothing on stdout")
    for l in t["lines"]:
        try:
            msg = json.loads(l)
        except json.JSONDecodeError:
            raise Fail(f"non-JSON line on stdout: {l[:120]!r}")
        need(isinstance(msg, dict) and msg.get("jsonrpc") == "2.0", f"stdout line is not JSON-RPC 2.0: {l[:120]!r}")
    r = response(t, 1)
    need("result" in r and r["result"].get("protocolVersion") and r["result"].get("serverInfo"),
         f"initialize answered without protocolVersion/serverInfo: {json.dumps(r)[:200]}")


def c_serve_tools(path):
    t = transcript(path)
    r = response(t, 2)
    need("result" in r, f"tools/list failed: {json.dumps(r)[:200]}")
    tools = r["result"].get("tools", [])
    names = sorted(x.get("name") for x in tools)
    need(set(names) == MCP_TOOLS and len(names) == 4, f"tools {names}, expected exactly {sorted(MCP_TOOLS)}")
    for x in tools:
        for key in ("inputSchema", "outputSchema"):
            need(isinstance(x.get(key), dict) and x[key].get("type") == "object",
                 f"tool {x['name']}: {key} missing or not an object schema: {json.dumps(x.get(key))[:120]}")


def c_serve_tool_listed(path, name):
    t = transcript(path)
    r = response(t, 2)
    need("result" in r, f"tools/list failed: {json.dumps(r)[:200]}")
    tool = [x for x in r["result"].get("tools", []) if x.get("name") == name]
    need(tool, f"tool {name} not listed: {[x.get('name') for x in r['result'].get('tools', [])]}")
    for key in ("inputSchema", "outputSchema"):
        need(isinstance(tool[0].get(key), dict) and tool[0][key].get("type") == "object",
             f"tool {name}: {key} missing or not an object schema")


def c_serve_board_call(path):
    t = transcript(path)
    r = response(t, 3)
    need("result" in r and not r["result"].get("isError"), f"board-status call failed: {json.dumps(r)[:300]}")
    sc = r["result"].get("structuredContent")
    need(isinstance(sc, dict), "board-status result has no structuredContent object")
    missing = [k for k in BOARD_KEYS if k not in sc]
    need(not missing, f"board-status structuredContent lacks {missing}")


def c_serve_bad_args(path):
    t = transcript(path)
    r = response(t, 4)
    bad = ("error" in r) or r.get("result", {}).get("isError") is True
    need(bad, f"generate with max_tokens -5 was not refused: {json.dumps(r)[:300]}")
    need("max_tokens" in json.dumps(r), f"the refusal does not name max_tokens: {json.dumps(r)[:300]}")
    r5 = response(t, 5)
    need("result" in r5 and r5["result"].get("tools"), "server not serving after a refused call (tools/list failed)")


def c_serve_embed_call(path):
    """The embed tool over MCP: structuredContent as the CLI's, vectors = the ONNX golden's."""
    t = transcript(path)
    r = response(t, 6)
    need("result" in r and not r["result"].get("isError"), f"embed call failed: {json.dumps(r)[:300]}")
    sc = r["result"].get("structuredContent")
    need(isinstance(sc, dict), "embed result has no structuredContent object")
    embed_minilm(sc, ["0", "1"])


def c_serve_eof_exit(path):
    t = transcript(path)
    need(t["rc"] == 0, f"exit status {t['rc']} after stdin closed, expected 0 ({t['problem']})")


# ---- serve (http / sse) ----------------------------------------------------------------------

def c_serve_http_session(transcript, transport, port, token, *cmd):
    """Starts `serve --transport http|sse` on loopback with a token, probes auth, Origin and the
    protocol endpoint, then stops it (SIGTERM). Writes the observations to TRANSCRIPT."""
    import http.client
    import signal
    import socket
    import subprocess
    import time
    port = int(port)
    proc = subprocess.Popen(list(cmd), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    obs, problem = {}, None
    init = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "contract-test", "version": "0"}}})

    def request(method, path, headers, body=None, read_limit=None):
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        c.request(method, path, body=body, headers=headers)
        r = c.getresponse()
        data = r.read(read_limit) if read_limit else r.read()
        c.close()
        return {"status": r.status, "content_type": r.getheader("Content-Type", ""), "body": data.decode("utf-8", "replace")[:4000]}

    try:
        deadline = time.time() + 120
        while True:
            if proc.poll() is not None:
                raise Fail(f"server exited with {proc.returncode} before listening: {proc.stderr.read().decode()[-300:]!r}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.time() > deadline:
                    raise Fail(f"nothing listening on 127.0.0.1:{port} after 120 s")
                time.sleep(0.5)
        auth = {"Authorization": f"Bearer {token}"}
        if transport == "http":
            base = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream"}
            obs["no_token"] = request("POST", "/mcp", base, init)
            obs["wrong_token"] = request("POST", "/mcp", {**base, "Authorization": "Bearer wrong"}, init)
            obs["bad_origin"] = request("POST", "/mcp", {**base, **auth, "Origin": "http://evil.example"}, init)
            obs["ok"] = request("POST", "/mcp", {**base, **auth}, init)
        else:
            base = {"Accept": "text/event-stream"}
            obs["no_token"] = request("GET", "/sse", base, read_limit=1)
            obs["wrong_token"] = request("GET", "/sse", {**base, "Authorization": "Bearer wrong"}, read_limit=1)
            obs["bad_origin"] = request("GET", "/sse", {**base, **auth, "Origin": "http://evil.example"}, read_limit=1)
            obs["ok"] = sse_first_event(port, {**base, **auth})
    except (Fail, OSError, http.client.HTTPException) as e:
        problem = f"{type(e).__name__}: {e}"
    proc.send_signal(signal.SIGTERM)
    try:
        rc = proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        rc = proc.wait()
        problem = (problem + "; " if problem else "") + "server ignored SIGTERM for 20 s"
    out = proc.stdout.read().decode("utf-8", "replace")
    with open(transcript, "w", encoding="utf-8") as f:
        json.dump({"obs": obs, "rc": rc, "problem": problem, "stdout": out[-2000:],
                   "stderr_tail": proc.stderr.read().decode("utf-8", "replace")[-2000:]}, f)
    need(problem is None, problem)


def sse_first_event(port, headers):
    """Reads the SSE stream until its first complete event (the legacy transport's `endpoint`)."""
    import socket
    s = socket.create_connection(("127.0.0.1", port), timeout=30)
    head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    s.sendall(f"GET /sse HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{head}\r\n".encode())
    buf = b""
    while len(buf) < 65536:
        try:
            chunk = s.recv(4096)
        except OSError:
            break
        if not chunk:
            break
        buf += chunk
        body = buf.split(b"\r\n\r\n", 1)[-1] if b"\r\n\r\n" in buf else b""
        if b"/message" in body and b"\n" in body[body.index(b"/message"):]:
            break
    s.close()
    text = buf.decode("utf-8", "replace")
    status = int(text.split(" ", 2)[1]) if text.startswith("HTTP/") else 0
    return {"status": status, "content_type": "text/event-stream" if "text/event-stream" in text.lower() else "", "body": text[:4000]}


def http_obs(path):
    t = transcript(path)
    need(t["problem"] is None, f"{t['problem']} (stderr: {t['stderr_tail'][-300:]!r})")
    return t


def c_serve_http_auth(path):
    t = http_obs(path)
    for k in ("no_token", "wrong_token"):
        need(t["obs"][k]["status"] == 401, f"{k}: HTTP {t['obs'][k]['status']}, expected 401")


def c_serve_http_origin(path):
    t = http_obs(path)
    st = t["obs"]["bad_origin"]["status"]
    need(st == 403, f"Origin http://evil.example: HTTP {st}, expected 403")


def c_serve_http_init(path):
    t = http_obs(path)
    ok = t["obs"]["ok"]
    need(ok["status"] == 200, f"initialize with the token: HTTP {ok['status']}: {ok['body'][:200]!r}")
    body = ok["body"]
    if "text/event-stream" in ok["content_type"]:
        body = "\n".join(l[5:].strip() for l in body.splitlines() if l.startswith("data:"))
    try:
        msg = json.loads(body.splitlines()[0] if "\n" in body else body)
    except (json.JSONDecodeError, IndexError):
        raise Fail(f"initialize answer is not JSON-RPC: {ok['body'][:200]!r}")
    need(msg.get("result", {}).get("protocolVersion"), f"no protocolVersion in {body[:200]!r}")


def c_serve_sse_endpoint(path):
    t = http_obs(path)
    ok = t["obs"]["ok"]
    need(ok["status"] == 200, f"GET /sse with the token: HTTP {ok['status']}: {ok['body'][:200]!r}")
    need("text/event-stream" in ok["content_type"], f"GET /sse is not an event stream: {ok['body'][:200]!r}")
    need("event:endpoint" in ok["body"].replace(" ", "") and "/message" in ok["body"],
         f"first SSE event is not the endpoint event naming /message: {ok['body'][-200:]!r}")


def c_serve_stopped(path):
    t = transcript(path)
    need(t["rc"] in (0, 130, 143, -15), f"exit status {t['rc']} on SIGTERM")
    need(t["stdout"].strip() == "", f"HTTP server wrote to stdout: {t['stdout'][:200]!r}")


CHECKS = {name[2:].replace("_", "-"): fn for name, fn in globals().items() if name.startswith("c_")}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in CHECKS:
        print(f"usage: contract_checks.py {{{'|'.join(sorted(CHECKS))}}} ARGS...", file=sys.stderr)
        sys.exit(2)
    try:
        CHECKS[sys.argv[1]](*sys.argv[2:])
    except Fail as e:
        print(e)
        sys.exit(1)
    except (KeyError, IndexError, TypeError, ValueError, AttributeError) as e:
        print(f"unexpected result shape: {type(e).__name__}: {e}")
        sys.exit(1)
