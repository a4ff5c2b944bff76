package io.k3mcp.engine.tokenizer;

import java.util.List;

/**
 * GPT-2 style byte-level BPE as llama.cpp does it (llm_tokenizer_bpe): the pre-tokenizer splits the
 * text into words, each word's UTF-8 bytes are spelled in GPT-2's byte alphabet, and {@link BpeMerges}
 * merges them. With ignore_merges a word that is itself a vocab entry is emitted whole.
 */
final class BpeEncoder implements FragmentEncoder {
    private final Vocab vocab;
    private final BpePreset preset;
    private final BpeMerges merges;

    BpeEncoder(Vocab vocab, BpePreset preset, String[] merges) {
        this.vocab = vocab;
        this.preset = preset;
        this.merges = new BpeMerges(merges);
    }

    @Override
    public void encode(String text, boolean afterSpecial, IntList out) {
        List<String> words = preset.preTokenizer().split(text);
        for (String word : words) {
            encodeWord(ByteUnicode.encode(word), out);
        }
    }

    private void encodeWord(String word, IntList out) {
        if (preset.ignoreMerges()) {
            int whole = vocab.id(word);
            if (whole >= 0) {
                out.add(whole);
                return;
            }
        }
        merges.merge(word, symbol -> emitSymbol(symbol, out));
    }

    /** A symbol missing from the vocab falls back to its single-byte tokens, as llama.cpp does. */
    private void emitSymbol(String symbol, IntList out) {
        int id = vocab.id(symbol);
        if (id >= 0) {
            out.add(id);
            return;
        }
        for (int i = 0; i < symbol.length(); i++) {
            char c = symbol.charAt(i);
            int single = c < 0x80 ? vocab.id(String.valueOf(c)) : -1;
            if (single >= 0) {
                out.add(single);
            }
        }
    }
}
