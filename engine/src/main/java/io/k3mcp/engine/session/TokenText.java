package io.k3mcp.engine.session;

/**
 * What generation needs from a tokenizer: the bytes of a token's piece and whether it ends
 * generation. Kept this small so the session does not depend on one tokenizer implementation.
 */
public interface TokenText {

    /** The exact bytes the token stands for (byte-fallback tokens are single bytes, maybe partial UTF-8). */
    byte[] pieceBytes(int id);

    /** End of generation (EOS, EOT, im_end, ...). */
    boolean isEog(int id);
}
