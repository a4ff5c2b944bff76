package io.k3mcp.engine.session;

import io.k3mcp.engine.tokenizer.Tokenizer;

/**
 * What generation needs from a tokenizer: the bytes of a token's piece and whether it ends
 * generation. Kept this small so the session does not depend on one tokenizer implementation.
 */
public interface TokenText {

    /** The exact bytes the token stands for (byte-fallback tokens are single bytes, maybe partial UTF-8). */
    byte[] pieceBytes(int id);

    /** End of generation (EOS, EOT, im_end, ...). */
    boolean isEog(int id);

    /** A tokenizer's text as llama-server streams it: control tokens contribute no text. */
    static TokenText of(Tokenizer tokenizer) {
        return new TokenText() {
            @Override
            public byte[] pieceBytes(int id) {
                return tokenizer.textBytes(id);
            }

            @Override
            public boolean isEog(int id) {
                return tokenizer.isEog(id);
            }
        };
    }
}
