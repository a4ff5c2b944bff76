package io.k3mcp.engine.tokenizer;

/**
 * What llama.cpp assumes for a tokenizer model before reading the metadata: the default special ids
 * (-1 for none) and flags. Metadata keys, when present, override each of them.
 */
record VocabDefaults(int bos, int eos, int unk, boolean addBos, boolean addEos, boolean addSpacePrefix) {

    /** SentencePiece ({@code llama}): {@code <unk>} 0, {@code <s>} 1, {@code </s>} 2, BOS and space prefix on. */
    static VocabDefaults spm() {
        return new VocabDefaults(1, 2, 0, true, false, true);
    }

    /** GPT-2 BPE ({@code gpt2}): bos = eos = 11 unless the metadata says otherwise; no unknown token. */
    static VocabDefaults bpe(BpePreset preset) {
        return new VocabDefaults(preset.hasBos() ? 11 : -1, 11, -1, preset.addBos(), false, false);
    }
}
