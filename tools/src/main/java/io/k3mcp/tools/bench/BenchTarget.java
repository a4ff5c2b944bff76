package io.k3mcp.tools.bench;

/** The model under test, as the runner drives it (llama-bench's test_prompt / test_gen). */
public interface BenchTarget extends AutoCloseable {

    /** Empties the KV cache (llama-bench clears it before every repetition). */
    void reset();

    /**
     * Keeps the first {@code tokens.length} positions when the cache holds exactly those tokens and can resume
     * there (llama-bench restores the depth's saved state); false when the caller must reset and prefill them.
     */
    boolean rewind(int[] tokens);

    /**
     * The cache as it now stands (the depth's tokens, just prefilled) becomes a point a later {@link #rewind} to those
     * tokens resumes from: a hybrid's recurrent state cannot be cut back to a position it has passed, so without a
     * copy every repetition at depth would fill the cache again (llama-bench saves the depth's state likewise). A
     * cache that cuts back to any prefix needs nothing kept.
     */
    default void checkpoint() {
    }

    /** One batched prefill of {@code tokens} at the end of the cache. */
    void prefill(int[] tokens);

    /** One single-token decode; returns the greedy next token. */
    int decode(int token);

    int vocabSize();

    /** The first token of a sequence (BOS when the model adds one), else -1. */
    int bos();

    @Override
    void close();
}
