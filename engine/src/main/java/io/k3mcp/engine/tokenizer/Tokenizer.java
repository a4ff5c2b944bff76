package io.k3mcp.engine.tokenizer;

/**
 * A model's own tokenizer, built from its GGUF metadata. Ids are vocabulary indices.
 */
public interface Tokenizer {

    /**
     * Token ids of {@code text}.
     *
     * @param addSpecial   add the model's leading/trailing special tokens (BOS, or [CLS] ... [SEP])
     * @param parseSpecial match CONTROL tokens spelled out in the text
     */
    int[] encode(String text, boolean addSpecial, boolean parseSpecial);

    /** The exact bytes token {@code id} stands for in text. */
    byte[] pieceBytes(int id);

    /** The text of a sequence of ids. */
    String decode(int[] ids);

    /** Number of entries in the vocabulary. */
    int vocabSize();

    /** Beginning-of-sequence id, or -1 when the model has none. */
    int bos();

    /** End-of-sequence id, or -1 when the model has none. */
    int eos();

    /** True when generation should stop after {@code id}. */
    boolean isEog(int id);
}
