package io.k3mcp.engine.embed;

import io.k3mcp.engine.tokenizer.Tokenizer;

import java.io.IOException;

/**
 * A model that turns one token sequence into final hidden states, one vector per token: a bert encoder, or
 * a decoder whose last-layer output (after its final norm) is used as embeddings. Pooling and
 * normalisation happen in {@link EmbeddingModel}, the same for both.
 */
interface TokenEncoder extends AutoCloseable {
    Tokenizer tokenizer();

    /** Width of each hidden state. */
    int dim();

    /** The longest sequence the model accepts, in tokens. */
    int contextLength();

    /** The model's own pooling (from {@code <arch>.pooling_type}). */
    Pooling defaultPooling();

    /** Final hidden states of one sequence: {@code ids.length x dim} floats, token-major. */
    float[] hiddenStates(int[] ids);

    /** Releases what the encoder opened beyond the embedding model's own file. */
    @Override
    default void close() throws IOException {
    }
}
