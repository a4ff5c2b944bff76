package io.k3mcp.engine.session;

import java.nio.charset.StandardCharsets;
import java.util.function.IntPredicate;

/** Token text for tests: the GGUF token strings with SentencePiece's U+2581 as a space. */
record FixedText(String[] tokens, IntPredicate eog) implements TokenText {

    /** Never ends generation (llama.cpp's goldens do not stop at EOS). */
    static FixedText noEog(String[] tokens) {
        return new FixedText(tokens, id -> false);
    }

    @Override
    public byte[] pieceBytes(int id) {
        return tokens[id].replace('\u2581', ' ').getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public boolean isEog(int id) {
        return eog.test(id);
    }
}
