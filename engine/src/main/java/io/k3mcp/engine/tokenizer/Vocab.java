package io.k3mcp.engine.tokenizer;

import java.util.BitSet;
import java.util.Map;

/**
 * A loaded vocabulary: token strings, scores, types and their resolved attributes, the special ids
 * and flags, the end-of-generation set and the tokens matched in text before tokenizing
 * (longest first). Built once by {@link VocabLoader}; read-only afterwards.
 */
final class Vocab {
    /** The special ids this tokenizer needs; -1 when the vocab has none. */
    record SpecialIds(int bos, int eos, int unk, int eot, int eom) {
    }

    /** The add-BOS / add-EOS / add-space-prefix flags after defaults and metadata. */
    record Flags(boolean addBos, boolean addEos, boolean addSpacePrefix) {
    }

    private final String[] texts;
    private final int[] types;
    private final float[] scores;
    private final int[] attrs;
    private final Map<String, Integer> ids;
    private final SpecialIds special;
    private final Flags flags;
    private final BitSet eog;
    private final int[] matchedInText;

    Vocab(String[] texts, int[] types, float[] scores, int[] attrs, Map<String, Integer> ids,
          SpecialIds special, Flags flags, BitSet eog, int[] matchedInText) {
        this.texts = texts;
        this.types = types;
        this.scores = scores;
        this.attrs = attrs;
        this.ids = ids;
        this.special = special;
        this.flags = flags;
        this.eog = eog;
        this.matchedInText = matchedInText;
    }

    int size() {
        return texts.length;
    }

    String text(int id) {
        return texts[check(id)];
    }

    int type(int id) {
        return types[check(id)];
    }

    float score(int id) {
        return scores[id];
    }

    int attr(int id) {
        return attrs[check(id)];
    }

    boolean hasAttr(int id, int mask) {
        return (attrs[check(id)] & mask) != 0;
    }

    /** The id of a token string, or -1 (llama_vocab::text_to_token). */
    int id(String text) {
        Integer id = ids.get(text);
        return id == null ? -1 : id;
    }

    SpecialIds special() {
        return special;
    }

    Flags flags() {
        return flags;
    }

    boolean isEog(int id) {
        return id >= 0 && id < texts.length && eog.get(id);
    }

    /** CONTROL, USER_DEFINED and UNKNOWN tokens, longest text first, as matched in raw text. */
    int[] matchedInText() {
        return matchedInText;
    }

    int check(int id) {
        if (id < 0 || id >= texts.length) {
            throw new IllegalArgumentException("token id " + id + " is out of range (vocabulary has " + texts.length + " tokens)");
        }
        return id;
    }
}
