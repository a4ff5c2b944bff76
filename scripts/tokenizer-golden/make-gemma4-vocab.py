#!/usr/bin/env python3
"""Writes a small vocabulary of Gemma 4's tokenizer kind (tokenizer.ggml.model = 'gemma4': BPE merges over
SentencePiece-style pieces, spaces as U+2581, <0xXX> byte fallback) into a vocab-only GGUF file with
llama.cpp's own gguf-py, so the Java tokenizer is checked against a file it did not write.

The merges are learned here from CORPUS by plain BPE training (most frequent adjacent pair first, ties by
the pair's text), over the pieces llama.cpp's gemma4 pre-tokenizer makes ([^\\n]+ and \\n+ runs).
Usage: make-gemma4-vocab.py OUT.gguf   (gguf-py from $LLAMA/gguf-py)
"""
import collections
import os
import re
import sys

sys.path.insert(0, os.path.join(os.environ.get("LLAMA", "/work/llama/src"), "gguf-py"))
import gguf  # noqa: E402

CORPUS = """The quick brown fox jumps over the lazy dog. The dog sleeps; the fox runs away.
def generate(prompt, max_tokens=64):
    return model.generate(prompt, max_tokens)

for (int i = 0; i < n; i++) { sum += a[i] * b[i]; }
Agents call tools: generate, embed, board-status and benchmark.
The board has eight cores and eight AI cores with vector and matrix units.
Les modèles de langue tournent sur la carte. Café, naïve, über, señor.
   indented    text   with   runs   of   spaces


Two blank lines above, and tabs\tbetween\twords.
"""
MERGES = 400
SPECIALS = ["<pad>", "<eos>", "<bos>", "<unk>", "<mask>", "<|turn>", "<turn|>"]


def pieces(text):
    return re.findall(r"[^\n]+|\n+", text.replace(" ", "\u2581"))


def train(words):
    counts = collections.Counter(tuple(w) for w in words)
    merges = []
    for _ in range(MERGES):
        pairs = collections.Counter()
        for word, c in counts.items():
            for a, b in zip(word, word[1:]):
                pairs[(a, b)] += c
        if not pairs:
            break
        best = min(pairs.items(), key=lambda kv: (-kv[1], kv[0]))[0]
        merges.append(best)
        merged = collections.Counter()
        for word, c in counts.items():
            out, i = [], 0
            while i < len(word):
                if i + 1 < len(word) and (word[i], word[i + 1]) == best:
                    out.append(word[i] + word[i + 1])
                    i += 2
                else:
                    out.append(word[i])
                    i += 1
            merged[tuple(out)] += c
        counts = merged
    return merges


def main(out):
    words = pieces(CORPUS)
    merges = train(words)
    tokens, types = [], []
    for s in SPECIALS:
        tokens.append(s)
        types.append(gguf.TokenType.CONTROL)
    for b in range(256):
        tokens.append("<0x%02X>" % b)
        types.append(gguf.TokenType.BYTE)
    chars = sorted({ch for w in words for ch in w})
    for ch in chars:
        tokens.append(ch)
        types.append(gguf.TokenType.NORMAL)
    for a, b in merges:
        if a + b not in tokens:
            tokens.append(a + b)
            types.append(gguf.TokenType.NORMAL)
    w = gguf.GGUFWriter(out, "llama")
    w.add_context_length(256)
    w.add_embedding_length(8)
    w.add_block_count(1)
    w.add_feed_forward_length(16)
    w.add_head_count(1)
    w.add_layer_norm_rms_eps(1e-6)
    w.add_tokenizer_model("gemma4")
    w.add_token_list(tokens)
    w.add_token_types(types)
    w.add_token_merges(["%s %s" % m for m in merges])
    w.add_bos_token_id(2)
    w.add_eos_token_id(1)
    w.add_unk_token_id(3)
    w.add_pad_token_id(0)
    w.add_add_bos_token(False)  # llama.cpp turns it on for gemma4 anyway
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    print("wrote %s: %d tokens, %d merges" % (out, len(tokens), len(merges)), file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1])
