#!/usr/bin/env python3
"""Writes pretokenizer_reference.json: random hard strings split by the original pre-tokenizer
regexes (GPT-2, Llama-3, Qwen2) with the Python `regex` module, the reference implementation those
regexes were written for. PreTokenizerReferenceTest checks the Java splitters against it.
Run: python3 gen_pretokenizer_reference.py > pretokenizer_reference.json"""
import json
import random

import regex

PATTERNS = {
    "gpt-2": r"""'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+""",
    "llama-bpe": r"""(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+""",
    "qwen2": r"""(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+""",
}
ALPHABET = ["a", "Z", "b", "x", " ", " ", " ", "\n", "\r", "\t", "1", "2", "!", "?", "'", "s", "S", "t", "l", "L",
            "e", "d", "\u00e9", "\u4e2d", "\U0001F600", "\u00a0", "\u3000", "\u0301", "\u200d", "\x01", "-", ".",
            "\u2028", "\u0085", "\u0663", "\u00b2"]

random.seed(20261125)
texts = ["".join(random.choice(ALPHABET) for _ in range(random.randint(1, 14))) for _ in range(400)]
print(json.dumps({"texts": texts,
                  "splits": {name: [regex.findall(p, t) for t in texts] for name, p in PATTERNS.items()}},
                 ensure_ascii=True, indent=0))
