package io.k3mcp.engine.tokenizer;

/**
 * A model's tokenizer, read from GGUF metadata, behaving as llama.cpp's llama_vocab does.
 * Ids outside 0..vocabSize()-1 are rejected with an {@link IllegalArgumentException}.
 */
public interface Tokenizer {

    /**
     * llama_tokenize: {@code addSpecial} prepends BOS when the vocab's add-BOS flag is set and appends
     * EOS when its add-EOS flag is set; {@code parseSpecial} lets CONTROL tokens written in the text
     * (such as {@code <|im_start|>}) become those tokens. USER_DEFINED tokens are matched either way.
     */
    int[] encode(String text, boolean addSpecial, boolean parseSpecial);

    /** llama_token_to_piece with special = true: the exact bytes of the token, control tokens included. */
    byte[] pieceBytes(int id);

    /**
     * The bytes this token contributes to decoded text (llama_token_to_piece with special = false):
     * empty for CONTROL and UNKNOWN tokens, {@link #pieceBytes} otherwise.
     */
    byte[] textBytes(int id);

    /** llama_detokenize(remove_special = false, unparse_special = false), as UTF-8 text. */
    String decode(int[] ids);

    int vocabSize();

    /** The BOS id, or -1 when the vocab has none. */
    int bos();

    /** The EOS id, or -1 when the vocab has none. */
    int eos();

    /** Whether generation ends at this token (llama.cpp's EOG set: EOS, EOT, EOM and the like). */
    boolean isEog(int id);

    /** The raw vocab string ({@code ▁}/{@code Ġ} form). */
    String tokenText(int id);

    /** The GGUF token type ({@link TokenType}). */
    int tokenType(int id);

    /** Whether encode with addSpecial prepends BOS. */
    boolean addBos();

    /** Whether encode with addSpecial appends EOS. */
    boolean addEos();

    /** A detokenizer for streamed generation that only ever returns complete UTF-8 characters. */
    default StreamingDetokenizer streamingDetokenizer() {
        return new StreamingDetokenizer(this, false);
    }
}
