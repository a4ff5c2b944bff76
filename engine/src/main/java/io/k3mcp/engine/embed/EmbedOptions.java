package io.k3mcp.engine.embed;

/**
 * How to embed texts.
 *
 * @param pooling   null for the model's own pooling
 * @param normalize L2-normalise each output vector
 * @param truncate  cut texts longer than the context length instead of rejecting them
 */
public record EmbedOptions(Pooling pooling, boolean normalize, boolean truncate) {
    /** The model's pooling, normalised, no truncation. */
    public static final EmbedOptions DEFAULTS = new EmbedOptions(null, true, false);
}
