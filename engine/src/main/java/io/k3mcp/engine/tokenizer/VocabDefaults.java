package io.k3mcp.engine.tokenizer;

/**
 * What llama.cpp assumes for a tokenizer model before reading the metadata: the default special ids
 * (-1 for none) and flags. Metadata keys, when present, override each of them, except that
 * {@code forceAddBos} turns add-BOS on whatever the metadata says.
 */
record VocabDefaults(int bos, int eos, int unk, boolean addBos, boolean addEos, boolean addSpacePrefix,
                     boolean forceAddBos) {

    /** SentencePiece ({@code llama}): {@code <unk>} 0, {@code <s>} 1, {@code </s>} 2, BOS and space prefix on. */
    static VocabDefaults spm() {
        return new VocabDefaults(1, 2, 0, true, false, true, false);
    }

    /** GPT-2 BPE ({@code gpt2}): bos = eos = 11 unless the metadata says otherwise; no unknown token. */
    static VocabDefaults bpe(BpePreset preset) {
        return new VocabDefaults(preset.hasBos() ? 11 : -1, 11, -1, preset.addBos(), false, false, false);
    }

    /** Gemma 4's BPE: no default ids, and BOS added even where the metadata says not to (as llama.cpp v0.5.0 does). */
    static VocabDefaults gemma4() {
        return new VocabDefaults(-1, -1, -1, true, false, false, true);
    }
}
